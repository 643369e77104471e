package dev.orderhub.connectors.amazon;

import java.net.URI;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orderhub.connector.ChannelUnusable;
import dev.orderhub.connector.RetryLater;
import dev.orderhub.connector.StockOut;
import dev.orderhub.connector.http.HttpAnswer;
import dev.orderhub.connector.http.HttpCall;
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

    private final AmazonAccounts accounts;
    private final SpApiClient api;
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final Clock clock;
    private final int patchUpTo;

    public AmazonStockSink(AmazonAccounts accounts, SpApiClient api, JdbcClient jdbc, ObjectMapper json, Clock clock,
                           @Value("${orderhub.connectors.amazon.patch-up-to:5}") int patchUpTo) {
        this.accounts = accounts;
        this.api = api;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.patchUpTo = patchUpTo;
    }

    @Override
    public String connector() {
        return AmazonAccounts.CONNECTOR;
    }

    @Override
    public boolean serves(String channel) {
        return accounts.serves(channel);
    }

    @Override
    public Pushed push(String channel, List<ListingQuantity> batch, String idempotencyKey) {
        AmazonAccounts.Account account = accounts.get(channel);
        if (account.sellerId() == null) {
            throw new ChannelUnusable("channel " + channel + " has no sellerId to update its listings with "
                    + "(orderhub.channels." + channel + ".connector.properties.sellerId)");
        }
        List<ItemResult> results = new ArrayList<>();
        if (batch.size() <= patchUpTo) {
            for (ListingQuantity update : batch) {
                results.add(patch(account, update));
            }
        } else {
            feed(account, batch);
            batch.forEach(update -> results.add(ItemResult.accepted(update.listingSku())));
        }
        return Pushed.of(results);
    }

    /**
     * One sku's quantity through patchListingsItem; INVALID or a 4xx makes it a rejected value;
     * throttling or a 5xx that outlasts the retries is a {@link RetryLater} for the whole push.
     */
    private ItemResult patch(AmazonAccounts.Account account, ListingQuantity update) {
        String sku = update.listingSku();
        ObjectNode body = json.createObjectNode();
        body.put("productType", "PRODUCT");
        body.putArray("patches").add(availability(update.quantity()));
        HttpAnswer answer = api.call(account, "patchListingsItem",
                HttpCall.patch(LISTINGS + "{sellerId}/{sku}", account.sellerId(), sku)
                        .query("marketplaceIds", account.marketplaceIds()).query("includedData", List.of("issues"))
                        .json(body.toString()));
        if (!answer.ok()) {
            return ItemResult.rejected(sku, "HTTP " + answer.status() + " " + SpApiClient.error(answer));
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
    private void feed(AmazonAccounts.Account account, List<ListingQuantity> updates) {
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
        JsonNode document = api.get(account, "createFeedDocument", HttpCall.post("/feeds/2021-06-30/documents")
                .json(json.createObjectNode().put("contentType", CONTENT_TYPE).toString()));
        if (!document.hasNonNull("url")) {
            throw new SpApiClient.SpApiException(200, "createFeedDocument: the answer has no url to upload to");
        }
        // The pre-signed upload URL carries its own signature: no SP-API token goes with it.
        HttpAnswer upload = api.call(account, "uploadFeedDocument",
                HttpCall.to("PUT", URI.create(document.path("url").asText())).withoutCredentials().body(feed.toString(), CONTENT_TYPE));
        if (!upload.ok()) {
            throw new SpApiClient.SpApiException(upload.status(), "feed upload answered " + upload.status());
        }
        ObjectNode create = json.createObjectNode();
        create.put("feedType", FEED_TYPE);
        create.putArray("marketplaceIds").add(account.marketplaceId());
        create.put("inputFeedDocumentId", document.path("feedDocumentId").asText());
        JsonNode created = api.get(account, "createFeed", HttpCall.post("/feeds/2021-06-30/feeds").json(create.toString()));
        if (!created.hasNonNull("feedId")) {
            throw new SpApiClient.SpApiException(200, "createFeed: the answer has no feedId");
        }
        String feedId = created.path("feedId").asText();
        String channel = account.channel();
        jdbc.sql("INSERT INTO amazon_feeds (feed_id, channel, messages, status, created_at) VALUES (:id, :channel, :messages, "
                        + "'IN_QUEUE', :now)")
                .param("id", feedId).param("channel", channel).param("messages", skus.toString())
                .param("now", clock.instant().atOffset(ZoneOffset.UTC)).update();
        LOG.info("amazon stock for {}: {} values sent as feed {}", channel, messageId, feedId);
    }

    private ObjectNode availability(long quantity) {
        ObjectNode patch = json.createObjectNode();
        patch.put("op", "replace");
        patch.put("path", "/attributes/fulfillment_availability");
        patch.putArray("value").addObject().put("fulfillment_channel_code", "DEFAULT").put("quantity", quantity);
        return patch;
    }
}
