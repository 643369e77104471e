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

/** Talks to the hub over real HTTP, as a channel, an ERP or a person with curl would. */
public final class HubClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public HubClient(int port) {
        this.base = "http://127.0.0.1:" + port;
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
