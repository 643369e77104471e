package dev.orderhub.connector.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class HttpCallTest {

    private static final URI BASE = URI.create("https://sellingpartnerapi-eu.amazon.com/");

    @Test
    void listsAreCommaJoinedAndSpacesAreEncodedAsPercent20() {
        HttpCall call = HttpCall.get("/orders/2026-01-01/orders")
                .query("marketplaceIds", List.of("A1PA6795UKMFR9", "A13V1IB3VIYZZH"))
                .query("buyerName", "Anna Müller+Co")
                .query("lastUpdatedAfter", Instant.parse("2026-11-26T10:00:00Z"))
                .query("paginationToken", null);

        assertThat(call.resolve(BASE).toString()).isEqualTo("https://sellingpartnerapi-eu.amazon.com/orders/2026-01-01/orders"
                + "?marketplaceIds=A1PA6795UKMFR9,A13V1IB3VIYZZH&buyerName=Anna%20M%C3%BCller%2BCo"
                + "&lastUpdatedAfter=2026-11-26T10%3A00%3A00Z");
    }

    @Test
    void aCommaInsideOneValueOfAListIsEncoded() {
        assertThat(HttpCall.get("/x").query("skus", List.of("A,B", "C")).resolve(BASE).getRawQuery()).isEqualTo("skus=A%2CB,C");
    }

    @Test
    void aMapOfParametersKeepsItsOrder() {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("b", 2);
        parameters.put("a", 1);
        parameters.put("none", null);
        assertThat(HttpCall.get("/x").query(parameters).resolve(BASE).getRawQuery()).isEqualTo("b=2&a=1");
    }

    @Test
    void pathPlaceholdersTakeEncodedSegments() {
        HttpCall call = HttpCall.get("/orders/v0/orders/{orderId}/items/{sku}", "028-1234567-1234567", "TSHIRT/RED M");
        assertThat(call.resolve(BASE).getRawPath()).isEqualTo("/orders/v0/orders/028-1234567-1234567/items/TSHIRT%2FRED%20M");
        assertThatThrownBy(() -> HttpCall.get("/orders/{orderId}")).hasMessageContaining("{orderId}");
        assertThatThrownBy(() -> HttpCall.get("/orders", "extra")).hasMessageContaining("1 values for 0");
    }

    @Test
    void anAbsoluteUrlKeepsItsOwnQueryAndItsTargetLeavesTheSignatureOut() {
        URI presigned = URI.create("https://tortuga-prod-eu.s3-eu-west-1.amazonaws.com/doc-1?X-Amz-Signature=abc");
        HttpCall call = HttpCall.to("PUT", presigned).body("{}", "application/json; charset=UTF-8");

        assertThat(call.resolve(BASE)).isEqualTo(presigned);
        assertThat(call.target()).isEqualTo("PUT https://tortuga-prod-eu.s3-eu-west-1.amazonaws.com/doc-1");
        assertThat(Arrays.asList(call.query().toArray())).isEmpty();
    }
}
