package dev.orderhub.connectors.amazon;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orderhub.connector.RetryLater;
import dev.orderhub.connector.StockOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Stock out to Amazon ({@code stock-out}), called by the hub's stock push flow. Up to {@code patch-up-to} values (the urgent single-sku updates) go out as Listings
 * {@code patchListingsItem} on {@code /attributes/fulfillment_availability}, one per sku; a
 * larger batch goes out as one {@code JSON_LISTINGS_FEED} (createFeedDocument, upload,
 * createFeed), which {@link AmazonFeeds} follows to its processing report. The answer is the
 * result per sku: accepted, or rejected with Amazon's issues; throttled is {@link RetryLater}, a
 * 5xx a failure the hub retries with backoff.
 */
@Component("amazonStockSink")
public class AmazonStockSink implements StockOut {

    static final String LISTINGS = "/listings/2021-08-01/items/";
    static final String FEED_TYPE = "JSON_LISTINGS_FEED";
    static final String CONTENT_TYPE = "application/json; charset=UTF-8";
    private static final Logger LOG = LoggerFactory.getLogger(AmazonStockSink.class);

    private final AmazonProperties properties;
    private final SpApiClient api;
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final Clock clock;
    private final int patchUpTo;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public AmazonStockSink(AmazonProperties properties, SpApiClient api, JdbcClient jdbc, ObjectMapper json, Clock clock,
                           @Value("${orderhub.connectors.amazon.patch-up-to:5}") int patchUpTo) {
        this.properties = properties;
        this.api = api;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.patchUpTo = patchUpTo;
    }

    @Override
    public String connector() {
        return AmazonProperties.CONNECTOR;
    }

    @Override
    public boolean serves(String channel) {
        return properties.accounts().containsKey(channel);
    }

    @Override
    public Pushed push(String channel, List<ListingQuantity> batch, String idempotencyKey) {
        AmazonProperties.Account account = properties.accounts().get(channel);
        if (account == null || account.sellerId() == null) {
            throw new IllegalStateException("channel " + channel + " has no Amazon account with a sellerId "
                    + "(orderhub.connectors.amazon.accounts." + channel + ".seller-id)");
        }
        List<ItemResult> results = new ArrayList<>();
        try {
            if (batch.size() <= patchUpTo) {
                for (ListingQuantity update : batch) {
                    results.add(patch(channel, account, update));
                }
            } else {
                feed(channel, account, batch);
                batch.forEach(update -> results.add(ItemResult.accepted(update.listingSku())));
            }
        } catch (SpApiClient.ThrottledException e) {
            throw new RetryLater(Duration.ofSeconds(1), e.getMessage());
        }
        return Pushed.of(results);
    }

    /** One sku's quantity through patchListingsItem; INVALID or a 4xx makes it a rejected value, a 5xx fails the push. */
    private ItemResult patch(String channel, AmazonProperties.Account account, ListingQuantity update) {
        String sku = update.listingSku();
        ObjectNode body = json.createObjectNode();
        body.put("productType", "PRODUCT");
        body.putArray("patches").add(availability(update.quantity()));
        SpApiClient.Answer answer = api.call(channel, account, "patchListingsItem", "PATCH",
                LISTINGS + account.sellerId() + "/" + URLEncoder.encode(sku, StandardCharsets.UTF_8).replace("+", "%20"),
                Map.of("marketplaceIds", account.marketplaceIds(), "includedData", List.of("issues")), body.toString());
        if (answer.status() >= 500 || answer.status() == 0) {
            throw new SpApiClient.SpApiException(answer.status(), "patchListingsItem " + sku + ": " + answer.error());
        }
        if (!answer.ok()) {
            return ItemResult.rejected(sku, "HTTP " + answer.status() + " " + answer.error());
        }
        if ("INVALID".equals(answer.json().path("status").asText())) {
            StringBuilder reason = new StringBuilder("Amazon: listing update INVALID");
            for (JsonNode issue : answer.json().path("issues")) {
                reason.append("; ").append(issue.path("code").asText()).append(' ').append(issue.path("message").asText());
            }
            return ItemResult.rejected(sku, reason.toString());
        }
        return ItemResult.accepted(sku);
    }

    /** One JSON_LISTINGS_FEED for the whole batch; the feed is recorded to follow its report. */
    private void feed(String channel, AmazonProperties.Account account, List<ListingQuantity> updates) {
        ObjectNode feed = json.createObjectNode();
        feed.putObject("header").put("sellerId", account.sellerId()).put("version", "2.0").put("issueLocale", "en_US");
        ArrayNode messages = feed.putArray("messages");
        ObjectNode skus = json.createObjectNode();
        int messageId = 0;
        for (ListingQuantity update : updates) {
            messageId++;
            ObjectNode message = messages.addObject();
            message.put("messageId", messageId);
            message.put("sku", update.listingSku());
            message.put("operationType", "PATCH");
            message.put("productType", "PRODUCT");
            message.putArray("patches").add(availability(update.quantity()));
            skus.putObject(Integer.toString(messageId)).put("sku", update.listingSku())
                    .put("quantity", update.quantity());
        }
        SpApiClient.Answer document = api.call(channel, account, "createFeedDocument", "POST", "/feeds/2021-06-30/documents",
                Map.of(), json.createObjectNode().put("contentType", CONTENT_TYPE).toString());
        if (!document.ok() || !document.json().hasNonNull("url")) {
            throw new SpApiClient.SpApiException(document.status(), "createFeedDocument: " + document.error());
        }
        upload(URI.create(document.json().path("url").asText()), feed.toString());
        ObjectNode create = json.createObjectNode();
        create.put("feedType", FEED_TYPE);
        create.putArray("marketplaceIds").add(account.marketplaceIds().get(0));
        create.put("inputFeedDocumentId", document.json().path("feedDocumentId").asText());
        SpApiClient.Answer created = api.call(channel, account, "createFeed", "POST", "/feeds/2021-06-30/feeds", Map.of(),
                create.toString());
        if (!created.ok() || !created.json().hasNonNull("feedId")) {
            throw new SpApiClient.SpApiException(created.status(), "createFeed: " + created.error());
        }
        String feedId = created.json().path("feedId").asText();
        jdbc.sql("INSERT INTO amazon_feeds (feed_id, channel, messages, status, created_at) VALUES (:id, :channel, :messages, "
                        + "'IN_QUEUE', :now)")
                .param("id", feedId).param("channel", channel).param("messages", skus.toString())
                .param("now", clock.instant().atOffset(ZoneOffset.UTC)).update();
        LOG.info("amazon stock for {}: {} values sent as feed {}", channel, messageId, feedId);
    }

    /** The pre-signed upload URL Amazon handed out: a plain PUT, no SP-API token. */
    private void upload(URI url, String content) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", CONTENT_TYPE).PUT(HttpRequest.BodyPublishers.ofString(content)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new SpApiClient.SpApiException(response.statusCode(), "feed upload answered " + response.statusCode());
            }
        } catch (IOException e) {
            throw new SpApiClient.SpApiException(0, "feed upload failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpApiClient.SpApiException(0, "feed upload interrupted");
        }
    }

    private ObjectNode availability(long quantity) {
        ObjectNode patch = json.createObjectNode();
        patch.put("op", "replace");
        patch.put("path", "/attributes/fulfillment_availability");
        patch.putArray("value").addObject().put("fulfillment_channel_code", "DEFAULT").put("quantity", quantity);
        return patch;
    }
}
