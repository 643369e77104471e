package dev.orderhub.connectors.amazon;

import dev.orderhub.conformance.OpenApiContract;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract check itself: requests that break the published model are caught, and say how. */
class AmazonSpecContractTest {

    @BeforeEach
    void specsPresent() {
        assumeTrue(OpenApiContract.available(), "the published SP-API models are not beside the project (../shared/specs)");
    }

    @Test
    void searchOrdersParametersAreCheckedByNameTypeAndEnum() {
        OpenApiContract orders = OpenApiContract.of("amazon-sp-api/orders-api-model/orders_2026-01-01.json");
        SpApiStub.Request bad = new SpApiStub.Request("GET", "/orders/2026-01-01/orders", Map.of(
                "LastUpdatedAfter", "2026-11-26T00:00:00Z", "lastUpdatedAfter", "yesterday",
                "includedData", "RECIPIENT,ADDRESS", "maxResultsPerPage", "ten"), Map.of(), null);

        assertThat(orders.request(bad.method(), bad.path(), bad.query(), bad.body())).anyMatch(p -> p.contains("LastUpdatedAfter is not in the spec"))
                .anyMatch(p -> p.contains("\"yesterday\" is not an ISO-8601 date-time"))
                .anyMatch(p -> p.contains("\"ADDRESS\" is not one of"))
                .anyMatch(p -> p.contains("\"ten\" is not an integer"));
        assertThat(orders.request("GET", "/orders/2026-01-01/orders",
                Map.of("lastUpdatedAfter", "2026-11-26T00:00:00Z", "includedData", "RECIPIENT,FULFILLMENT"), null))
                .isEmpty();
    }

    @Test
    void listingsFeedMessagesAreCheckedAgainstTheFeedsJsonSchema() throws Exception {
        OpenApiContract message = OpenApiContract.of("amazon-sp-api/schemas/feeds/listings-feed-message-schema-v2.json");
        com.fasterxml.jackson.databind.JsonNode bad = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                "{\"messageId\":\"one\",\"operationType\":\"PATCH\",\"productType\":\"PRODUCT\",\"colour\":\"red\"}");

        assertThat(message.document(bad)).anyMatch(p -> p.contains("messageId: must be an integer"))
                .anyMatch(p -> p.contains("sku: is required")).anyMatch(p -> p.contains("colour: is not a property"));
    }

    @Test
    void confirmShipmentBodiesAreCheckedAgainstTheSchema() {
        OpenApiContract v0 = OpenApiContract.of("amazon-sp-api/orders-api-model/ordersV0.json");
        String body = "{\"marketplaceId\":\"A1PA6795UKMFR9\",\"packageDetail\":{\"packageReferenceId\":\"1\",\"carrierCode\":\"DHL\","
                + "\"trackingNumber\":\"JJD1\",\"shipDate\":\"2026-11-26T09:00:00Z\",\"parcelColour\":\"brown\","
                + "\"orderItems\":[{\"orderItemId\":\"1\",\"quantity\":\"2\"}]}}";
        SpApiStub.Request bad = new SpApiStub.Request("POST", "/orders/v0/orders/302-1/shipmentConfirmation", Map.of(), Map.of(), body);

        assertThat(v0.request(bad.method(), bad.path(), bad.query(), bad.body())).anyMatch(p -> p.contains("packageDetail.parcelColour: is not a property"))
                .anyMatch(p -> p.contains("orderItems[0].quantity: must be an integer"));
        assertThat(v0.request("POST", "/orders/v0/orders/302-1/shipmentConfirmation", Map.of(),
                "{\"packageDetail\":{}}")).anyMatch(p -> p.contains("marketplaceId: is required"))
                .anyMatch(p -> p.contains("packageDetail.trackingNumber: is required"));
    }
}
