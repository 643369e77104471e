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
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Stock out to Amazon, called by the hub's stock push flow through the amazon-stock-sink
 * Kamelet. Up to {@code patch-up-to} values (the urgent single-sku updates) go out as Listings
 * {@code patchListingsItem} on {@code /attributes/fulfillment_availability}, one per sku; a
 * larger batch goes out as one {@code JSON_LISTINGS_FEED} (createFeedDocument, upload,
 * createFeed), which {@link AmazonFeeds} follows to its processing report. The answer is the
 * webhook sink's: 200 with the skus Amazon refused, 429 when throttled, 503 when Amazon failed.
 */
@Component("amazonStockSink")
public class AmazonStockSink {

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

    public void push(Exchange exchange) throws JsonProcessingException {
        JsonNode batch = json.readTree(exchange.getMessage().getBody(String.class));
        String channel = batch.path("channel").asText();
        AmazonProperties.Account account = properties.accounts().get(channel);
        ObjectNode answer = json.createObjectNode();
        ArrayNode rejected = answer.putArray("rejected");
        int status;
        try {
            if (account == null || account.sellerId() == null) {
                throw new IllegalStateException("channel " + channel + " has no Amazon account with a sellerId "
                        + "(orderhub.connectors.amazon.accounts." + channel + ".seller-id)");
            }
            if (batch.path("updates").size() <= patchUpTo) {
                for (JsonNode update : batch.path("updates")) {
                    patch(channel, account, update, rejected);
                }
            } else {
                feed(channel, account, batch.path("updates"));
            }
            status = 200;
        } catch (SpApiClient.ThrottledException e) {
            exchange.getMessage().setHeader("Retry-After", "1");
            answer.put("error", e.getMessage());
            status = 429;
        } catch (SpApiClient.SpApiException e) {
            answer.put("error", e.getMessage());
            status = 503;
        }
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setBody(answer.toString());
    }

    /** One sku's quantity through patchListingsItem; INVALID or a 4xx makes it a rejected value, a 5xx fails the push. */
    private void patch(String channel, AmazonProperties.Account account, JsonNode update, ArrayNode rejected) {
        String sku = update.path("sku").asText();
        ObjectNode body = json.createObjectNode();
        body.put("productType", "PRODUCT");
        body.putArray("patches").add(availability(update.path("quantity").asLong()));
        SpApiClient.Answer answer = api.call(channel, account, "patchListingsItem", "PATCH",
                LISTINGS + account.sellerId() + "/" + URLEncoder.encode(sku, StandardCharsets.UTF_8).replace("+", "%20"),
                Map.of("marketplaceIds", account.marketplaceIds(), "includedData", List.of("issues")), body.toString());
        if (answer.status() >= 500 || answer.status() == 0) {
            throw new SpApiClient.SpApiException(answer.status(), "patchListingsItem " + sku + ": " + answer.error());
        }
        if (!answer.ok()) {
            rejected.addObject().put("sku", sku).put("reason", "HTTP " + answer.status() + " " + answer.error());
            return;
        }
        if ("INVALID".equals(answer.json().path("status").asText())) {
            StringBuilder reason = new StringBuilder("Amazon: listing update INVALID");
            for (JsonNode issue : answer.json().path("issues")) {
                reason.append("; ").append(issue.path("code").asText()).append(' ').append(issue.path("message").asText());
            }
            rejected.addObject().put("sku", sku).put("reason", reason.toString());
        }
    }

    /** One JSON_LISTINGS_FEED for the whole batch; the feed is recorded to follow its report. */
    private void feed(String channel, AmazonProperties.Account account, JsonNode updates) {
        ObjectNode feed = json.createObjectNode();
        feed.putObject("header").put("sellerId", account.sellerId()).put("version", "2.0").put("issueLocale", "en_US");
        ArrayNode messages = feed.putArray("messages");
        ObjectNode skus = json.createObjectNode();
        int messageId = 0;
        for (JsonNode update : updates) {
            messageId++;
            ObjectNode message = messages.addObject();
            message.put("messageId", messageId);
            message.put("sku", update.path("sku").asText());
            message.put("operationType", "PATCH");
            message.put("productType", "PRODUCT");
            message.putArray("patches").add(availability(update.path("quantity").asLong()));
            skus.putObject(Integer.toString(messageId)).put("sku", update.path("sku").asText())
                    .put("quantity", update.path("quantity").asLong());
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
