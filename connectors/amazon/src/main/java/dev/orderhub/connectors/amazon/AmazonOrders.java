package dev.orderhub.connectors.amazon;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.channel.SyncCursors;
import dev.orderhub.messaging.ClusterLeases;
import dev.orderhub.messaging.ExceptionStore;
import dev.orderhub.order.HubOrderIds;
import dev.orderhub.order.IllegalTransitionException;
import dev.orderhub.order.InvalidOrderException;
import dev.orderhub.order.OrderIngress;
import dev.orderhub.order.OrderService;
import dev.orderhub.order.OrderStatus;
import dev.orderhub.order.OrderSubmission;
import dev.orderhub.order.OrderValidator;
import org.apache.camel.ProducerTemplate;
import dev.orderhub.privacy.Redaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Orders in from Amazon (route amazon-orders-poll): Orders API 2026-01-01 {@code searchOrders}
 * by {@code lastUpdatedAfter}, from the channel's persisted cursor less an overlap window,
 * following {@code paginationToken} to the last page; the cursor moves only when every page
 * has been read. Each order is mapped to the canonical model by
 * connectors/amazon/mappings/order-to-canonical.jsonata and handed to the hub's intake like any
 * channel order, so an order read twice (overlap, a second poll) is imported once. An order
 * Amazon reports CANCELLED is cancelled in the hub (and not imported if the hub never had it).
 * A payload that does not map to a valid order is parked with the reason and Amazon's JSON.
 */
@Component("amazonOrders")
@EnableConfigurationProperties(AmazonProperties.class)
public class AmazonOrders {

    static final String OPERATION = "searchOrders";
    static final String PATH = "/orders/2026-01-01/orders";
    static final String CURSOR = "amazon.orders.lastUpdatedAfter";
    static final String MAPPING = "jsonata:file:connectors/amazon/mappings/order-to-canonical.jsonata"
            + "?inputType=JsonString&outputType=JsonString";
    private static final List<String> INCLUDED_DATA = List.of("BUYER", "RECIPIENT", "FULFILLMENT");
    private static final Logger LOG = LoggerFactory.getLogger(AmazonOrders.class);

    private final AmazonProperties properties;
    private final SpApiClient api;
    private final SyncCursors cursors;
    private final ClusterLeases leases;
    private final OrderIngress ingress;
    private final OrderService orders;
    private final ExceptionStore exceptions;
    private final ProducerTemplate producer;
    private final ObjectMapper json;
    private final Clock clock;

    public AmazonOrders(AmazonProperties properties, ChannelRegistry channels, SpApiClient api, SyncCursors cursors,
                        ClusterLeases leases, OrderIngress ingress, OrderService orders, ExceptionStore exceptions,
                        ProducerTemplate producer, ObjectMapper json, Clock clock) {
        properties.accounts().keySet().forEach(channel -> {
            if (channels.channel(channel).isEmpty()) {
                throw new IllegalStateException("orderhub.connectors.amazon.accounts." + channel
                        + ": no channel " + channel + " in channels.yaml");
            }
        });
        this.properties = properties;
        this.api = api;
        this.cursors = cursors;
        this.leases = leases;
        this.ingress = ingress;
        this.orders = orders;
        this.exceptions = exceptions;
        this.producer = producer;
        this.json = json;
        this.clock = clock;
    }

    /** What one poll did. */
    public record PollResult(int read, int imported, int repeats, int cancelled, int parked, Instant cursor) {
    }

    /** Polls every account whose lease this instance holds; one account's failure does not stop the others. */
    public void pollAll() {
        for (String channel : properties.accounts().keySet()) {
            if (!leases.holds("amazon-orders:" + channel)) {
                continue;
            }
            try {
                poll(channel);
            } catch (SpApiClient.ThrottledException e) {
                LOG.info("amazon orders for {}: {}; the next poll continues from the same cursor", channel, e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("amazon orders for {}: poll failed ({}); the next poll continues from the same cursor", channel,
                        Redaction.describe(e));
            }
        }
    }

    public PollResult poll(String channel) {
        AmazonProperties.Account account = Optional.ofNullable(properties.accounts().get(channel))
                .orElseThrow(() -> new IllegalArgumentException("no Amazon account for channel " + channel));
        Instant cursor = cursors.get(channel, CURSOR).map(Instant::parse)
                .orElse(clock.instant().minusSeconds(account.lookbackHours() * 3600L));
        Instant from = cursor.minusSeconds(account.overlap());
        Instant newest = cursor;
        int read = 0;
        int imported = 0;
        int repeats = 0;
        int cancelled = 0;
        int parked = 0;
        String token = null;
        do {
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("lastUpdatedAfter", from.toString());
            query.put("marketplaceIds", account.marketplaceIds());
            query.put("includedData", INCLUDED_DATA);
            query.put("maxResultsPerPage", account.pageSizeOrDefault());
            query.put("paginationToken", token);
            JsonNode page = api.get(channel, account, OPERATION, PATH, query);
            if (!page.path("orders").isArray()) {
                throw new SpApiClient.SpApiException(200, OPERATION + " for " + channel + ": the answer has no orders array");
            }
            for (JsonNode order : page.path("orders")) {
                read++;
                switch (accept(channel, order)) {
                    case IMPORTED -> imported++;
                    case REPEAT -> repeats++;
                    case CANCELLED -> cancelled++;
                    case PARKED -> parked++;
                    default -> { }
                }
                Instant updated = instant(order.path("lastUpdatedTime").asText(null));
                if (updated != null && updated.isAfter(newest)) {
                    newest = updated;
                }
            }
            token = page.path("pagination").path("nextToken").asText(null);
        } while (token != null && !token.isBlank());
        cursors.set(channel, CURSOR, newest.toString());
        PollResult result = new PollResult(read, imported, repeats, cancelled, parked, newest);
        LOG.info("amazon orders for {}: {}", channel, result);
        return result;
    }

    /**
     * Reads one order now (getOrder) and takes it like a polled one: the faster path that an
     * ORDER_CHANGE notification triggers. Returns what happened to it.
     */
    public String refresh(String channel, String amazonOrderId) {
        AmazonProperties.Account account = Optional.ofNullable(properties.accounts().get(channel))
                .orElseThrow(() -> new IllegalArgumentException("no Amazon account for channel " + channel));
        JsonNode answer = api.get(channel, account, "getOrder", PATH + "/" + amazonOrderId,
                Map.of("includedData", INCLUDED_DATA));
        if (!answer.path("order").isObject()) {
            throw new SpApiClient.SpApiException(200, "getOrder " + amazonOrderId + " for " + channel + ": no order in the answer");
        }
        return accept(channel, answer.path("order")).name();
    }

    private enum Outcome { IMPORTED, REPEAT, CANCELLED, SKIPPED, PARKED }

    private Outcome accept(String channel, JsonNode order) {
        String payload = order.toString();
        String orderId = order.path("orderId").asText("");
        boolean cancelledOnAmazon = "CANCELLED".equals(order.path("fulfillment").path("fulfillmentStatus").asText());
        if (cancelledOnAmazon) {
            return cancel(channel, orderId);
        }
        JsonNode canonical;
        try {
            canonical = json.readTree(producer.requestBody(MAPPING, payload, String.class));
        } catch (JsonProcessingException | org.apache.camel.CamelExecutionException e) {
            return park(channel, orderId, "cannot be mapped: " + e.getMessage(), payload);
        }
        OrderSubmission submission;
        try {
            submission = OrderValidator.validate(channel, canonical);
        } catch (InvalidOrderException e) {
            return park(channel, orderId, e.getMessage(), payload);
        }
        // Anything failing from here (broker, database) fails the poll: the cursor stays, the next poll reads it again.
        OrderIngress.Receipt receipt = ingress.submit(submission);
        return receipt.accepted() ? Outcome.IMPORTED : Outcome.REPEAT;
    }

    private Outcome park(String channel, String orderId, String reason, String payload) {
        exceptions.park("amazon:" + channel + ":orders", "Amazon order " + (orderId.isEmpty() ? "(no orderId)" : orderId)
                + ": " + reason, payload);
        return Outcome.PARKED;
    }

    private Outcome cancel(String channel, String orderId) {
        String hubOrderId = HubOrderIds.of(channel, orderId);
        Optional<OrderStatus> status = orders.status(hubOrderId);
        if (status.isEmpty() || status.get() == OrderStatus.CANCELLED) {
            return Outcome.SKIPPED;
        }
        try {
            orders.cancel(hubOrderId, "cancelled on Amazon");
            return Outcome.CANCELLED;
        } catch (IllegalTransitionException e) {
            LOG.warn("Amazon cancelled order {} ({}), which the hub cannot cancel from {}", orderId, hubOrderId, status.get());
            return Outcome.SKIPPED;
        }
    }

    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
