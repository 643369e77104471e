package dev.orderhub.stocksync;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.channel.Channel;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/**
 * Sends one batch of stock updates through the channel's connector (the Camel endpoint its
 * manifest names, e.g. the webhook Kamelet) and reads the answer: accepted, rejected items,
 * or "wait" (429, Retry-After, rate headers).
 */
@Component
public class StockSinkClient {

    private final ProducerTemplate producer;
    private final ObjectMapper json;

    public StockSinkClient(ProducerTemplate producer, ObjectMapper json) {
        this.producer = producer;
        this.json = json;
    }

    /** The body of a push: the connector maps it to the remote's format where it has to. */
    record Batch(String channel, List<Item> updates) {
    }

    record Item(String sku, long quantity, long version) {
    }

    public PushOutcome push(Channel channel, List<StockUpdate> updates) {
        String body;
        try {
            body = json.writeValueAsString(new Batch(channel.id(),
                    updates.stream().map(u -> new Item(u.listingSku(), u.quantity(), u.version())).toList()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stock batch for " + channel.id() + " cannot be written", e);
        }
        String key = idempotencyKey(channel, updates);
        Exchange answer = producer.send(endpoint(channel), exchange -> {
            exchange.setProperty(IDEMPOTENCY_KEY, key);
            exchange.getMessage().setBody(body);
        });
        if (answer.getException() != null) {
            return new PushOutcome(false, 0, 0, Map.of(), answer.getException().getMessage());
        }
        Message response = answer.getMessage();
        int status = response.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        long wait = waitMillis(response, status);
        if (status >= 200 && status < 300) {
            return new PushOutcome(true, status, wait, rejected(response.getBody(String.class)), null);
        }
        String text = response.getBody(String.class);
        return new PushOutcome(false, status, wait, Map.of(), "HTTP " + status
                + (text == null || text.isBlank() ? "" : ": " + (text.length() > 200 ? text.substring(0, 200) : text)));
    }

    /** Exchange property a connector sends as the remote's idempotency key (webhook: the Idempotency-Key header). */
    public static final String IDEMPOTENCY_KEY = "orderhubIdempotencyKey";

    /**
     * The same for every attempt at the same batch (channel, and each sku's value and version),
     * so a remote that keeps keys applies a retried batch once even when it applied the first
     * attempt and only its answer was lost (a timeout, a reset).
     */
    static String idempotencyKey(Channel channel, List<StockUpdate> updates) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(channel.id().getBytes(StandardCharsets.UTF_8));
            for (StockUpdate u : updates) {
                sha.update(("\n" + u.listingSku() + "=" + u.quantity() + "@" + u.version()).getBytes(StandardCharsets.UTF_8));
            }
            return "stock-" + HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The connector endpoint for this channel, one Kamelet route per channel, its properties as parameters. */
    static String endpoint(Channel channel) {
        Channel.StockSink sink = channel.stockSink();
        String parameters = sink.properties().entrySet().stream()
                .map(p -> p.getKey() + "=RAW(" + p.getValue() + ")")
                .collect(Collectors.joining("&"));
        return sink.endpoint() + "/stock-sink-" + URLEncoder.encode(channel.id(), StandardCharsets.UTF_8)
                + (parameters.isEmpty() ? "" : "?" + parameters);
    }

    /** How long the remote asked us to wait: Retry-After on 429/503, or an exhausted X-RateLimit window. */
    private long waitMillis(Message response, int status) {
        String retryAfter = response.getHeader("Retry-After", String.class);
        if ((status == 429 || status == 503) && retryAfter != null) {
            try {
                return Math.max(0, (long) (Double.parseDouble(retryAfter.trim()) * 1000));
            } catch (NumberFormatException e) {
                return 1000; // an HTTP date: be careful, wait a second and ask again
            }
        }
        if (status == 429) {
            return 1000;
        }
        String remaining = response.getHeader("X-RateLimit-Remaining", String.class);
        String reset = response.getHeader("X-RateLimit-Reset", String.class);
        if ("0".equals(remaining == null ? null : remaining.trim()) && reset != null) {
            try {
                return Math.max(0, (long) (Double.parseDouble(reset.trim()) * 1000));
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    private Map<String, String> rejected(String body) {
        Map<String, String> rejected = new LinkedHashMap<>();
        if (body == null || body.isBlank()) {
            return rejected;
        }
        try {
            for (JsonNode item : json.readTree(body).path("rejected")) {
                rejected.put(item.path("sku").asText(), item.path("reason").asText("rejected"));
            }
        } catch (JsonProcessingException e) {
            // an answer we do not understand counts as all accepted: the status said so
        }
        return rejected;
    }
}
