package dev.orderhub.connectors.webhook;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.connector.ChannelSettings;
import dev.orderhub.connector.ChannelUnusable;
import dev.orderhub.connector.RetryLater;
import dev.orderhub.connector.StockOut;
import dev.orderhub.connector.http.RateHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.FailedToCreateProducerException;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.NoSuchEndpointException;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/**
 * Stock out to any HTTP endpoint that takes a JSON POST: the batch goes through the
 * webhook-stock-sink Kamelet (one route per channel, its properties as parameters) and the
 * HTTP answer becomes the typed result. 2xx: every item accepted except those the body lists
 * under {@code rejected}; 429 or 503 with Retry-After, or an exhausted X-RateLimit window:
 * throttled for as long as the remote asked; 401 or 403: the channel is unusable as configured
 * (its token is refused); any other status or a network failure: a failure the hub retries
 * with backoff.
 */
@Component("webhookStockOut")
public class WebhookStockOut implements StockOut {

    static final String CONNECTOR = "webhook";
    static final String KAMELET = "kamelet:webhook-stock-sink";
    /** Exchange property the Kamelet sends as the Idempotency-Key header. */
    static final String IDEMPOTENCY_KEY = "orderhubIdempotencyKey";

    private final ChannelSettings settings;
    private final ProducerTemplate producer;
    private final ObjectMapper json;

    public WebhookStockOut(ChannelSettings settings, ProducerTemplate producer, ObjectMapper json) {
        this.settings = settings;
        this.producer = producer;
        this.json = json;
    }

    @Override
    public String connector() {
        return CONNECTOR;
    }

    @Override
    public boolean serves(String channel) {
        return settings.of(CONNECTOR, channel).isPresent();
    }

    /** The body POSTed: {"channel": "...", "updates": [{"sku", "quantity", "version"}]}. */
    record Batch(String channel, List<Item> updates) {
    }

    record Item(String sku, long quantity, long version) {
    }

    @Override
    public Pushed push(String channel, List<ListingQuantity> batch, String idempotencyKey) {
        Map<String, String> properties = settings.of(CONNECTOR, channel)
                .orElseThrow(() -> new IllegalArgumentException("channel " + channel + " does not use the webhook connector"));
        String body;
        try {
            body = json.writeValueAsString(new Batch(channel,
                    batch.stream().map(q -> new Item(q.listingSku(), q.quantity(), q.version())).toList()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stock batch for " + channel + " cannot be written", e);
        }
        Exchange answer;
        try {
            answer = producer.send(endpoint(channel, properties), exchange -> {
                exchange.setProperty(IDEMPOTENCY_KEY, idempotencyKey);
                exchange.getMessage().setBody(body);
            });
        } catch (RuntimeException e) {
            throw cannotBeCreated(e) ? unusable(channel, e) : e;
        }
        if (answer.getException() != null) {
            if (cannotBeCreated(answer.getException())) {
                throw unusable(channel, answer.getException());
            }
            throw new IllegalStateException(answer.getException().getMessage(), answer.getException());
        }
        Message response = answer.getMessage();
        int status = response.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        long wait = waitMillis(response, status);
        String text = response.getBody(String.class);
        if (status >= 200 && status < 300) {
            Map<String, String> rejected = rejected(text);
            List<ItemResult> results = new ArrayList<>();
            for (ListingQuantity item : batch) {
                String reason = rejected.get(item.listingSku());
                results.add(reason == null ? ItemResult.accepted(item.listingSku()) : ItemResult.rejected(item.listingSku(), reason));
            }
            // Taken; an exhausted window makes the next batch wait until its reset.
            return new Pushed(results, Duration.ofMillis(wait));
        }
        String error = "HTTP " + status + (text == null || text.isBlank() ? "" : ": " + (text.length() > 200 ? text.substring(0, 200) : text));
        if (status == 401 || status == 403) {
            // The remote refuses the channel's token: no retry helps until a person fixes it.
            throw new ChannelUnusable("channel " + channel + ": the endpoint refused the credentials (" + error
                    + "); check orderhub.channels." + channel + ".connector.properties.authorizationToken");
        }
        if (status == 429 || wait > 0) {
            throw new RetryLater(Duration.ofMillis(Math.max(wait, 1000)), error);
        }
        throw new IllegalStateException(error);
    }

    /**
     * Whether the failure is the sink's route or endpoint not being created (a parameter the
     * Kamelet cannot use), not the remote's answer: no retry will help until the channel's
     * properties change.
     */
    static boolean cannotBeCreated(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ResolveEndpointFailedException || t instanceof NoSuchEndpointException
                    || t instanceof FailedToCreateRouteException || t instanceof FailedToCreateProducerException) {
                return true;
            }
        }
        return false;
    }

    private static ChannelUnusable unusable(String channel, Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        // Camel's messages carry the endpoint URI, whose RAW(...) parameters may hold the token: name the problem only.
        return new ChannelUnusable("the webhook sink of channel " + channel + " cannot be created ("
                + root.getClass().getSimpleName() + "); check orderhub.channels." + channel + ".connector.properties", failure);
    }

    /** One Kamelet route per channel, its properties as parameters (RAW: tokens and URLs as they are). */
    static String endpoint(String channel, Map<String, String> properties) {
        String parameters = properties.entrySet().stream()
                .filter(p -> p.getValue() != null && !p.getValue().isBlank())
                .map(p -> p.getKey() + "=RAW(" + p.getValue() + ")")
                .collect(Collectors.joining("&"));
        return KAMELET + "/stock-sink-" + URLEncoder.encode(channel, StandardCharsets.UTF_8)
                + (parameters.isEmpty() ? "" : "?" + parameters);
    }

    /** How long the remote asked us to wait: Retry-After on 429/503, or an exhausted X-RateLimit window. */
    private static long waitMillis(Message response, int status) {
        Instant now = Instant.now();
        if (status == 429 || status == 503) {
            Duration retryAfter = RateHeaders.retryAfter(response.getHeader("Retry-After", String.class), now);
            if (retryAfter != null) {
                return retryAfter.toMillis();
            }
            if (status == 429) {
                return 1000; // throttled without saying for how long: be careful, wait a second
            }
        }
        String remaining = response.getHeader("X-RateLimit-Remaining", String.class);
        if ("0".equals(remaining == null ? null : remaining.trim())) {
            Duration reset = RateHeaders.resetWait(response.getHeader("X-RateLimit-Reset", String.class), now);
            return reset == null ? 0 : reset.toMillis();
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
