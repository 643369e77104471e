package dev.orderhub.connectors.amazon;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
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
import dev.orderhub.connector.http.HttpAnswer;
import dev.orderhub.connector.http.HttpCall;
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

    private final AmazonAccounts accounts;
    private final SpApiClient api;
    private final StockFeedback stockFeedback;
    private final ChannelProblems problems;
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final Clock clock;

    public AmazonFeeds(AmazonAccounts accounts, SpApiClient api, StockFeedback stockFeedback, ChannelProblems problems,
                       JdbcClient jdbc, ObjectMapper json, Clock clock) {
        this.accounts = accounts;
        this.api = api;
        this.stockFeedback = stockFeedback;
        this.problems = problems;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /** Follows every open feed once; returns how many finished in this round. */
    public int followAll() {
        if (accounts.all().isEmpty()) {
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
        AmazonAccounts.Account account = accounts.get(channel);
        JsonNode feed = api.get(account, "getFeed", HttpCall.get("/feeds/2021-06-30/feeds/{feedId}", feedId));
        String status = feed.path("processingStatus").asText();
        JsonNode messages = read(messagesJson);
        switch (status) {
            case "DONE" -> {
                JsonNode report = report(account, feed.path("resultFeedDocumentId").asText());
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
                    this.problems.raise(AmazonAccounts.CONNECTOR, channel, "stock-feed", "Amazon rejected stock " + sku + " = "
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
                problems.raise(AmazonAccounts.CONNECTOR, channel, "stock-feed", "Amazon feed " + feedId + " ended " + status
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

    private JsonNode report(AmazonAccounts.Account account, String documentId) {
        JsonNode document = api.get(account, "getFeedDocument", HttpCall.get("/feeds/2021-06-30/documents/{id}", documentId));
        // The pre-signed URL carries its own signature: no SP-API token goes with it.
        HttpAnswer download = api.call(account, "downloadFeedDocument",
                HttpCall.to("GET", URI.create(document.path("url").asText())).withoutCredentials());
        if (!download.ok()) {
            throw new SpApiClient.SpApiException(download.status(), "processing report " + documentId + " download answered "
                    + download.status());
        }
        byte[] body = download.content();
        try {
            if ("GZIP".equals(document.path("compressionAlgorithm").asText())) {
                try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                    body = in.readAllBytes();
                }
            }
            return json.readTree(new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SpApiClient.SpApiException(download.status(), "processing report " + documentId + ": " + e.getMessage());
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
