package dev.orderhub.connectors.amazon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.conformance.OpenApiContract;
import dev.orderhub.connector.Sandbox;
import dev.orderhub.connector.manifest.ConnectorManifest;
import dev.orderhub.connector.manifest.ConnectorManifests;
import dev.orderhub.connectors.amazon.sandbox.AmazonSandbox;
import org.junit.jupiter.api.Test;

/**
 * The demo's Amazon sandbox, served as SP-API serves it: found by the ServiceLoader, started
 * with the manifest's properties, an order placed by a buyer read back with a Login with Amazon
 * token through searchOrders and getOrder (answers valid against the published model when it is
 * beside the project), a listing patch shown, and nothing served after close.
 */
class AmazonSandboxTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theServiceLoaderFindsItAndItIsHarmlessUntilStarted() {
        List<Sandbox> found = ServiceLoader.load(Sandbox.class).stream().map(ServiceLoader.Provider::get)
                .filter(s -> s.connector().equals("amazon")).toList();
        assertThat(found).singleElement().isInstanceOf(AmazonSandbox.class);
        try (AmazonSandbox idle = (AmazonSandbox) found.get(0)) {
            assertThat(idle.started()).isFalse();
            assertThatThrownBy(idle::endpoint).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> idle.placeOrder("DEMO-MUG", 1)).isInstanceOf(IllegalStateException.class);
            assertThat(idle.shown()).isEmpty();
        }
    }

    @Test
    void aPlacedOrderIsServedAsSpApiServesItAndAPushIsShown() throws Exception {
        ConnectorManifest manifest = ConnectorManifests.read(Path.of("connectors", "amazon", "connector.yaml"));
        AmazonSandbox sandbox = new AmazonSandbox();
        String endpoint;
        try (sandbox) {
            Map<String, String> properties = sandbox.start("amazon-demo", List.of("DEMO-MUG", "DEMO-TEE"),
                    URI.create("http://127.0.0.1:8080"));
            assertThat(properties).containsKeys("endpoint", "tokenUrl", "clientId", "clientSecret", "refreshToken",
                    "marketplaceIds[0]", "sellerId");
            properties.keySet().forEach(key -> assertThat(manifest.property(key.replaceFirst("\\[\\d+]$", "")))
                    .as(key + " is declared in connector.yaml").isPresent());
            endpoint = properties.get("endpoint");
            assertThat(URI.create(endpoint).getHost()).isEqualTo("127.0.0.1");

            String token = token(properties);
            Instant before = Instant.now().minusSeconds(2);
            String orderId = sandbox.placeOrder("DEMO-MUG", 2);
            assertThat(orderId).matches("\\d{3}-\\d{7}-\\d{7}");

            String search = "/orders/2026-01-01/orders?lastUpdatedAfter=" + URLEncoder.encode(before.toString(), StandardCharsets.UTF_8)
                    + "&includedData=BUYER,RECIPIENT,FULFILLMENT";
            HttpResponse<String> page = get(endpoint + search, token);
            assertThat(page.statusCode()).isEqualTo(200);
            specValid("GET", "/orders/2026-01-01/orders", page);
            JsonNode orders = JSON.readTree(page.body()).path("orders");
            assertThat(orders).hasSize(1);
            JsonNode order = orders.get(0);
            assertThat(order.path("orderId").asText()).isEqualTo(orderId);
            assertThat(order.path("fulfillment").path("fulfilledBy").asText()).isEqualTo("MERCHANT");
            assertThat(order.path("fulfillment").path("fulfillmentStatus").asText()).isEqualTo("UNSHIPPED");
            assertThat(order.path("buyer").path("buyerName").asText()).isEqualTo("Demo Buyer");
            assertThat(order.path("recipient").path("deliveryAddress").path("countryCode").asText()).isIn("NL", "DE");
            assertThat(Instant.parse(order.path("lastUpdatedTime").asText())).isAfterOrEqualTo(before);
            assertThat(order.path("orderItems")).singleElement().satisfies(item -> {
                assertThat(item.path("product").path("sellerSku").asText()).isEqualTo("DEMO-MUG");
                assertThat(item.path("quantityOrdered").asInt()).isEqualTo(2);
            });
            assertThat(JSON.readTree(get(endpoint + "/orders/2026-01-01/orders?lastUpdatedAfter="
                    + URLEncoder.encode(Instant.now().plusSeconds(60).toString(), StandardCharsets.UTF_8), token).body())
                    .path("orders")).as("nothing after now").isEmpty();

            HttpResponse<String> one = get(endpoint + "/orders/2026-01-01/orders/" + orderId, token);
            assertThat(one.statusCode()).isEqualTo(200);
            specValid("GET", "/orders/2026-01-01/orders/" + orderId, one);
            assertThat(JSON.readTree(one.body()).path("order").path("orderId").asText()).isEqualTo(orderId);
            assertThat(get(endpoint + "/orders/2026-01-01/orders/" + orderId, "Atza|not-a-token").statusCode())
                    .as("no token, no order").isEqualTo(403);

            // Both skus are listed, merchant-fulfilled and buyable; nothing shown before a push.
            JsonNode listed = JSON.readTree(get(endpoint + "/listings/2021-08-01/items/" + AmazonSandbox.SELLER_ID
                    + "?marketplaceIds=" + AmazonSandbox.MARKETPLACE_ID, token).body());
            assertThat(listed.path("items").findValuesAsText("sku")).containsExactly("DEMO-MUG", "DEMO-TEE");
            assertThat(listed.path("items").findValuesAsText("fulfillmentChannelCode")).containsOnly("DEFAULT");
            assertThat(sandbox.shown()).isEmpty();

            String patch = "{\"productType\":\"PRODUCT\",\"patches\":[{\"op\":\"replace\",\"path\":\"/attributes/fulfillment_availability\","
                    + "\"value\":[{\"fulfillment_channel_code\":\"DEFAULT\",\"quantity\":7}]}]}";
            HttpResponse<String> patched = http.send(HttpRequest.newBuilder(URI.create(endpoint + "/listings/2021-08-01/items/"
                            + AmazonSandbox.SELLER_ID + "/DEMO-MUG?marketplaceIds=" + AmazonSandbox.MARKETPLACE_ID))
                    .header("x-amz-access-token", token).header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(patch)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(patched.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(patched.body()).path("status").asText()).isEqualTo("ACCEPTED");
            assertThat(sandbox.shown()).isEqualTo(Map.of("DEMO-MUG", 7L));
        }
        assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create(endpoint + "/auth/o2/token"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()))
                .as("closed: nothing listens").isInstanceOf(IOException.class);
    }

    private String token(Map<String, String> properties) throws Exception {
        String form = "grant_type=refresh_token&client_id=" + enc(properties.get("clientId")) + "&client_secret="
                + enc(properties.get("clientSecret")) + "&refresh_token=" + enc(properties.get("refreshToken"));
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(properties.get("tokenUrl")))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body()).path("access_token").asText();
    }

    private HttpResponse<String> get(String url, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("x-amz-access-token", token).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void specValid(String method, String path, HttpResponse<String> answer) {
        if (OpenApiContract.available()) { // a user's clone has no ../shared/specs: the shape is checked above all the same
            assertThat(OpenApiContract.of("amazon-sp-api/orders-api-model/orders_2026-01-01.json")
                    .answer(method, path, answer.statusCode(), answer.body())).as(path + " answer against the model").isEmpty();
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
