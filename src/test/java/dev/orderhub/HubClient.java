package dev.orderhub;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Talks to the hub over real HTTP, as a channel, an ERP or a person with curl would. It sends
 * the test admin key ({@link #TEST_ADMIN_KEY}, the bootstrap key of orderhub-test.yaml and of
 * the benchmarks' hubs) unless made {@link #anonymous} or given another key.
 */
public final class HubClient {

    /** The admin key test hubs are started with: a test-only value, never a real one. */
    public static final String TEST_ADMIN_KEY = "test-admin-key-0123456789abcdef-not-real";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String key;

    public HubClient(int port) {
        this(port, TEST_ADMIN_KEY);
    }

    private HubClient(int port, String key) {
        this.base = "http://127.0.0.1:" + port;
        this.key = key;
    }

    /** A client that sends no Authorization header. */
    public static HubClient anonymous(int port) {
        return new HubClient(port, null);
    }

    /** A client that sends this API key. */
    public static HubClient withKey(int port, String key) {
        return new HubClient(port, key);
    }

    /** An answer: status, raw body and the body as JSON (null when it is not JSON). */
    public record Response(int status, String body, JsonNode json) {

        public String text(String field) {
            return json == null || json.get(field) == null ? null : json.get(field).asText();
        }
    }

    public Response get(String path) {
        return send("GET", path, null, null);
    }

    public Response post(String path, String json) {
        return send("POST", path, "application/json", json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    public Response put(String path, String json) {
        return send("PUT", path, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    public Response send(String method, String path, String contentType, byte[] body) {
        return send(method, path, contentType, body, java.util.Map.of());
    }

    public Response send(String method, String path, String contentType, byte[] body, java.util.Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (key != null && !headers.containsKey("Authorization")) {
            request.header("Authorization", "Bearer " + key);
        }
        headers.forEach(request::header);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            try {
                json = response.body().isEmpty() ? null : JSON.readTree(response.body());
            } catch (IOException notJson) {
                // leave json null: the test asserting on it will say so
            }
            return new Response(response.statusCode(), response.body(), json);
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " " + path + " interrupted", e);
        }
    }

    /** Sets the absolute on-hand count of a sku at a location and checks it was accepted. */
    public void setStock(String sku, String location, long onHand) {
        Response response = put("/api/stock/" + sku + "/locations/" + location, "{\"onHand\": " + onHand + "}");
        if (response.status() != 200) {
            throw new IllegalStateException("setting stock of " + sku + " failed: " + response.status() + " " + response.body());
        }
    }
}
