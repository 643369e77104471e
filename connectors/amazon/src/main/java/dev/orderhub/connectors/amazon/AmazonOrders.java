package dev.orderhub.connectors.amazon;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.connector.ChannelOrder;
import dev.orderhub.connector.OrdersIn;
import dev.orderhub.connector.http.HttpCall;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/**
 * Orders in from Amazon ({@code orders-in}): Orders API 2026-01-01 {@code searchOrders} by
 * {@code lastUpdatedAfter}, from the hub's cursor less an overlap window, one page per call,
 * following {@code paginationToken}. Each order is mapped to the canonical model by
 * connectors/amazon/mappings/order-to-canonical.jsonata; an order Amazon reports CANCELLED
 * becomes a cancellation, one whose items carry a buyer's cancellation request (included data
 * CANCELLATION) a cancel request, one that does not map is unreadable (the hub parks it).
 * The cursor is the newest {@code lastUpdatedTime} seen; the newest of earlier pages travels in
 * the page token, so the core needs to know nothing about it.
 */
@Component("amazonOrders")
public class AmazonOrders implements OrdersIn {

    static final String OPERATION = "searchOrders";
    static final String PATH = "/orders/2026-01-01/orders";
    static final String MAPPING = "jsonata:file:connectors/amazon/mappings/order-to-canonical.jsonata"
            + "?inputType=JsonString&outputType=JsonString";
    static final List<String> INCLUDED_DATA = List.of("BUYER", "RECIPIENT", "FULFILLMENT", "CANCELLATION");

    private final AmazonAccounts accounts;
    private final SpApiClient api;
    private final ProducerTemplate producer;
    private final Clock clock;

    public AmazonOrders(AmazonAccounts accounts, SpApiClient api, ProducerTemplate producer, Clock clock) {
        this.accounts = accounts;
        this.api = api;
        this.producer = producer;
        this.clock = clock;
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
    public OrdersPage read(String channel, String cursor, String page) {
        AmazonAccounts.Account account = accounts.get(channel);
        Instant since = cursor == null ? clock.instant().minusSeconds(account.lookbackHours() * 3600L) : Instant.parse(cursor);
        Instant newest = since;
        String token = null;
        if (page != null) {
            int space = page.indexOf(' ');
            newest = Instant.parse(page.substring(0, space));
            token = page.substring(space + 1);
        }
        JsonNode answer = api.get(account, OPERATION, HttpCall.get(PATH)
                .query("lastUpdatedAfter", since.minusSeconds(account.overlapSeconds()).toString())
                .query("marketplaceIds", account.marketplaceIds())
                .query("includedData", INCLUDED_DATA)
                .query("maxResultsPerPage", account.pageSize())
                .query("paginationToken", token));
        if (!answer.path("orders").isArray()) {
            throw new SpApiClient.SpApiException(200, OPERATION + " for " + channel + ": the answer has no orders array");
        }
        List<ChannelOrder> orders = new ArrayList<>();
        for (JsonNode order : answer.path("orders")) {
            orders.add(toChannelOrder(order));
            Instant updated = instant(order.path("lastUpdatedTime").asText(null));
            if (updated != null && updated.isAfter(newest)) {
                newest = updated;
            }
        }
        String next = answer.path("pagination").path("nextToken").asText(null);
        return new OrdersPage(orders, next == null || next.isBlank() ? null : newest + " " + next, newest.toString());
    }

    /**
     * Reads one order now (getOrder): the faster path an ORDER_CHANGE notification triggers.
     */
    public ChannelOrder readOne(String channel, String amazonOrderId) {
        JsonNode answer = api.get(accounts.get(channel), "getOrder", HttpCall.get(PATH + "/{orderId}", amazonOrderId)
                .query("includedData", INCLUDED_DATA));
        if (!answer.path("order").isObject()) {
            throw new SpApiClient.SpApiException(200, "getOrder " + amazonOrderId + " for " + channel + ": no order in the answer");
        }
        return toChannelOrder(answer.path("order"));
    }

    ChannelOrder toChannelOrder(JsonNode order) {
        String payload = order.toString();
        String orderId = order.path("orderId").asText("");
        if ("CANCELLED".equals(order.path("fulfillment").path("fulfillmentStatus").asText())) {
            return new ChannelOrder.Cancelled(orderId, "cancelled on Amazon");
        }
        ChannelOrder.Placed placed;
        try {
            placed = new ChannelOrder.Placed(orderId, producer.requestBody(MAPPING, payload, String.class), payload);
        } catch (CamelExecutionException e) {
            return new ChannelOrder.Unreadable(orderId, "cannot be mapped: " + e.getMessage(), payload);
        }
        for (JsonNode item : order.path("orderItems")) {
            JsonNode request = item.path("cancellation").path("cancellationRequest");
            if (request.isObject() && !"MERCHANT".equals(request.path("requester").asText())) {
                return new ChannelOrder.CancelRequested(orderId, request.path("cancelReason").asText(null), placed);
            }
        }
        return placed;
    }

    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
