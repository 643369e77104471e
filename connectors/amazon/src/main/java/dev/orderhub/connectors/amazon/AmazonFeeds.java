package dev.orderhub.connectors.amazon;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.connector.ChannelProblems;
import dev.orderhub.connector.StockFeedback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Follows the JSON_LISTINGS_FEEDs the stock sink sent (route amazon-feeds): getFeed until
 * Amazon has processed one, then its processing report (getFeedDocument, download, gunzip when
 * compressed). Every sku with an ERROR issue becomes an exception naming the sku, the quantity
 * and Amazon's message, and its value is sent again in an hour (or when it changes); a feed
 * that failed as a whole (FATAL, CANCELLED) is sent again in five minutes.
 */
@Component("amazonFeeds")
public class AmazonFeeds {

    private static final Logger LOG = LoggerFactory.getLogger(AmazonFeeds.class);

    private final AmazonProperties properties;
    private final SpApiClient api;
    private final StockFeedback stockFeedback;
    private final ChannelProblems problems;
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public AmazonFeeds(AmazonProperties properties, SpApiClient api, StockFeedback stockFeedback, ChannelProblems problems,
                       JdbcClient jdbc, ObjectMapper json, Clock clock) {
        this.properties = properties;
        this.api = api;
        this.stockFeedback = stockFeedback;
        this.problems = problems;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /** Follows every open feed once; returns how many finished in this round. */
    public int followAll() {
        if (properties.accounts().isEmpty()) {
            return 0;
        }
        int finished = 0;
        for (Map<String, Object> feed : jdbc.sql("SELECT feed_id, channel, messages FROM amazon_feeds "
                + "WHERE status IN ('IN_QUEUE', 'IN_PROGRESS') ORDER BY created_at LIMIT 20").query().listOfRows()) {
            try {
                finished += follow((String) feed.get("feed_id"), (String) feed.get("channel"), (String) feed.get("messages")) ? 1 : 0;
            } catch (RuntimeException e) {
                LOG.warn("amazon feed {}: {}; followed again next round", feed.get("feed_id"), e.getMessage());
            }
        }
        return finished;
    }

    private boolean follow(String feedId, String channel, String messagesJson) {
        AmazonProperties.Account account = properties.accounts().get(channel);
        JsonNode feed = api.get(channel, account, "getFeed", "/feeds/2021-06-30/feeds/" + feedId, Map.of());
        String status = feed.path("processingStatus").asText();
        JsonNode messages = read(messagesJson);
        switch (status) {
            case "DONE" -> {
                JsonNode report = report(channel, account, feed.path("resultFeedDocumentId").asText());
                Map<String, List<String>> errors = new LinkedHashMap<>();
                for (JsonNode issue : report.path("issues")) {
                    if ("ERROR".equals(issue.path("severity").asText())) {
                        errors.computeIfAbsent(issue.path("messageId").asText(), m -> new ArrayList<>())
                                .add(issue.path("code").asText() + " " + issue.path("message").asText());
                    }
                }
                List<String> retry = new ArrayList<>();
                errors.forEach((messageId, issues) -> {
                    JsonNode message = messages.path(messageId);
                    String sku = message.path("sku").asText("message " + messageId);
                    this.problems.raise(AmazonProperties.CONNECTOR, channel, "stock-feed", "Amazon rejected stock " + sku + " = "
                            + message.path("quantity").asText("?") + " (feed " + feedId + "): " + String.join("; ", issues),
                            message.toString());
                    retry.add(sku);
                });
                if (!retry.isEmpty()) {
                    stockFeedback.notTaken(channel, retry, "rejected in Amazon feed " + feedId, clock.instant().plus(Duration.ofHours(1)));
                }
                finish(feedId, "DONE", errors.size());
                return true;
            }
            case "FATAL", "CANCELLED" -> {
                List<String> all = new ArrayList<>();
                messages.forEach(message -> all.add(message.path("sku").asText()));
                problems.raise(AmazonProperties.CONNECTOR, channel, "stock-feed", "Amazon feed " + feedId + " ended " + status
                        + "; its " + all.size() + " values are sent again", messagesJson);
                stockFeedback.notTaken(channel, all, "Amazon feed " + feedId + " " + status, clock.instant().plus(Duration.ofMinutes(5)));
                finish(feedId, status, all.size());
                return true;
            }
            default -> {
                jdbc.sql("UPDATE amazon_feeds SET status = :status WHERE feed_id = :id")
                        .param("status", "IN_PROGRESS".equals(status) ? "IN_PROGRESS" : "IN_QUEUE").param("id", feedId).update();
                return false;
            }
        }
    }

    private JsonNode report(String channel, AmazonProperties.Account account, String documentId) {
        JsonNode document = api.get(channel, account, "getFeedDocument", "/feeds/2021-06-30/documents/" + documentId, Map.of());
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(document.path("url").asText()))
                    .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() / 100 != 2) {
                throw new SpApiClient.SpApiException(response.statusCode(), "processing report download answered " + response.statusCode());
            }
            byte[] body = response.body();
            if ("GZIP".equals(document.path("compressionAlgorithm").asText())) {
                try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                    body = in.readAllBytes();
                }
            }
            return json.readTree(new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SpApiClient.SpApiException(0, "processing report " + documentId + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpApiClient.SpApiException(0, "processing report download interrupted");
        }
    }

    private void finish(String feedId, String status, int errors) {
        jdbc.sql("UPDATE amazon_feeds SET status = :status, finished_at = :now, errors = :errors WHERE feed_id = :id")
                .param("status", status).param("now", clock.instant().atOffset(ZoneOffset.UTC)).param("errors", errors)
                .param("id", feedId).update();
        LOG.info("amazon feed {}: {} with {} rejected values", feedId, status, errors);
    }

    private JsonNode read(String text) {
        try {
            return json.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("amazon_feeds.messages is not JSON", e);
        }
    }
}
