package dev.orderhub.connectors.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.orderhub.connector.Sandbox;
import dev.orderhub.connector.manifest.ConnectorManifest;
import dev.orderhub.connector.manifest.ConnectorManifests;
import dev.orderhub.connectors.webhook.sandbox.WebhookSandbox;
import dev.orderhub.order.OrderSubmission;
import dev.orderhub.order.OrderValidator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The demo's webhook shop: found by the ServiceLoader, started with the properties the manifest
 * declares, a buyer's order posted to the hub's order API as canonical order JSON the hub's own
 * validator takes (a stand-in hub on loopback records it), and a stock batch sent as the
 * connector sends it shown; nothing served after close.
 */
class WebhookSandboxTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String[]> posted = new CopyOnWriteArrayList<>();
    private final AtomicInteger hubStatus = new AtomicInteger(202);
    private HttpServer hub;

    @BeforeEach
    void hubOnLoopback() throws IOException {
        hub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hub.createContext("/api/", exchange -> {
            try (exchange) {
                posted.add(new String[] {exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst("Content-Type"),
                        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)});
                byte[] body = (hubStatus.get() == 202 ? "{\"hubOrderId\":\"H-1\",\"status\":\"RESERVED\"}"
                        : "{\"error\":\"not_found\"}").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(hubStatus.get(), body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        hub.start();
    }

    @AfterEach
    void stopHub() {
        hub.stop(0);
    }

    @Test
    void theServiceLoaderFindsItAndItIsHarmlessUntilStarted() {
        List<Sandbox> found = ServiceLoader.load(Sandbox.class).stream().map(ServiceLoader.Provider::get)
                .filter(s -> s.connector().equals("webhook")).toList();
        assertThat(found).singleElement().isInstanceOf(WebhookSandbox.class);
        try (WebhookSandbox idle = (WebhookSandbox) found.get(0)) {
            assertThat(idle.started()).isFalse();
            assertThatThrownBy(() -> idle.url("shop")).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> idle.placeOrder("DEMO-MUG", 1)).isInstanceOf(IllegalStateException.class);
            assertThat(idle.shown()).isEmpty();
        }
        assertThat(posted).isEmpty();
    }

    @Test
    void aBuyersOrderIsPostedToTheHubAndAPushIsShown() throws Exception {
        ConnectorManifest manifest = ConnectorManifests.read(Path.of("connectors", "webhook", "connector.yaml"));
        URI hubUri = URI.create("http://127.0.0.1:" + hub.getAddress().getPort() + "/");
        WebhookSandbox sandbox = new WebhookSandbox();
        String url;
        try (sandbox) {
            Map<String, String> properties = sandbox.start("shop-demo", List.of("DEMO-MUG", "DEMO-TEE"), hubUri);
            assertThat(properties).containsOnlyKeys("url", "authorizationToken");
            properties.keySet().forEach(key -> assertThat(manifest.property(key)).as(key + " is declared in connector.yaml").isPresent());
            url = properties.get("url");
            assertThat(URI.create(url).getHost()).isEqualTo("127.0.0.1");
            assertThat(url).matches("^https?://.+");

            String orderId = sandbox.placeOrder("DEMO-MUG", 3);
            assertThat(posted).singleElement().satisfies(request -> {
                assertThat(request[0]).isEqualTo("POST");
                assertThat(request[1]).isEqualTo("/api/channels/shop-demo/orders");
                assertThat(request[2]).isEqualTo("application/json");
                OrderSubmission order = OrderValidator.validate("shop-demo", JSON.readTree(request[3]));
                assertThat(order.channelOrderId()).isEqualTo(orderId);
                assertThat(order.lines()).singleElement().satisfies(line -> {
                    assertThat(line.sku()).isEqualTo("DEMO-MUG");
                    assertThat(line.qty()).isEqualTo(3);
                });
                assertThat(order.shipTo().name()).isEqualTo("Demo Buyer");
                assertThat(order.shipTo().country()).isIn("NL", "DE");
            });
            assertThat(sandbox.placeOrder("DEMO-TEE", 1)).as("each order its own id").isNotEqualTo(orderId);

            hubStatus.set(404);
            assertThatThrownBy(() -> sandbox.placeOrder("DEMO-MUG", 1)).hasMessageContaining("HTTP 404");

            assertThat(sandbox.shown()).isEmpty();
            String batch = "{\"channel\":\"shop-demo\",\"updates\":[{\"sku\":\"DEMO-MUG\",\"quantity\":7,\"version\":1},"
                    + "{\"sku\":\"DEMO-TEE\",\"quantity\":0,\"version\":1}]}";
            assertThat(push(url, null, batch).statusCode()).as("the sink wants its token").isEqualTo(401);
            assertThat(sandbox.shown()).isEmpty();
            HttpResponse<String> pushed = push(url, properties.get("authorizationToken"), batch);
            assertThat(pushed.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(pushed.body()).path("accepted").asInt()).isEqualTo(2);
            assertThat(sandbox.shown()).isEqualTo(Map.of("DEMO-MUG", 7L, "DEMO-TEE", 0L));
        }
        assertThatThrownBy(() -> push(url, null, "{}")).as("closed: nothing listens").isInstanceOf(IOException.class);
    }

    private HttpResponse<String> push(String url, String token, String batch) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(batch));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
