package dev.orderhub.connectors.ebay;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.connector.ChannelOrder;
import dev.orderhub.connector.OrdersIn;
import dev.orderhub.connector.http.HttpAnswer;
import dev.orderhub.connector.http.HttpCall;
import org.springframework.stereotype.Component;

/**
 * Orders in from eBay ({@code orders-in}, {@code cancel-in}): Fulfillment API {@code getOrders}
 * with {@code filter=lastmodifieddate:[<from>..],orderfulfillmentstatus:{NOT_STARTED|IN_PROGRESS}}
 * (an order already shipped outside the hub is not imported to be shipped again), {@code limit}
 * a page, following each page's {@code next} URL (only on an allowed host: the toolkit refuses
 * any other). {@code from} is the cursor less the overlap, never in the future (eBay refuses a
 * future start, errorId 30850).
 *
 * <p>The cursor is the newest {@code lastModifiedDate} seen, but never later than the poll's
 * start: offset pages over a set that changes while they are read can shift, and an order
 * changed during the poll is read again by the next one instead of being skipped.
 *
 * <p>{@code cancelStatus.cancelState} CANCELED is a cancellation. IN_PROGRESS means a
 * cancellation request is open; getOrders always answers {@code cancelRequests} empty (the spec
 * says so), so such an order is read again with {@code getOrder}, and a buyer's request still
 * REQUESTED is a cancel request for the seller to act on.
 */
@Component("ebayOrders")
public class EbayOrders implements OrdersIn {

    static final String OPERATION = "getOrders";
    static final String PATH = EbayAccounts.FULFILLMENT + "/order";

    private final EbayAccounts accounts;
    private final EbayOrderMapping mapping;
    private final Clock clock;

    public EbayOrders(EbayAccounts accounts, ObjectMapper json, Clock clock) {
        this.accounts = accounts;
        this.mapping = new EbayOrderMapping(json);
        this.clock = clock;
    }

    @Override
    public String connector() {
        return EbayAccounts.CONNECTOR;
    }

    @Override
    public boolean serves(String channel) {
        return accounts.serves(channel);
    }

    @Override
    public OrdersPage read(String channel, String cursor, String page) {
        EbayAccounts.Account account = accounts.get(channel);
        Instant since;
        Instant pollStart;
        Instant newest;
        HttpCall call;
        if (page == null) {
            pollStart = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            since = cursor == null ? pollStart.minus(account.lookbackHours(), ChronoUnit.HOURS) : Instant.parse(cursor);
            Instant from = since.minusSeconds(account.overlapSeconds());
            from = (from.isAfter(pollStart) ? pollStart : from).truncatedTo(ChronoUnit.MILLIS);
            newest = since;
            call = HttpCall.get(PATH)
                    .query("filter", "lastmodifieddate:[" + format(from) + "..],orderfulfillmentstatus:{NOT_STARTED|IN_PROGRESS}")
                    .query("limit", account.pageSize())
                    .query("offset", 0);
        } else { // "<since> <poll start> <newest so far> <next URL>"
            String[] parts = page.split(" ", 4);
            since = Instant.parse(parts[0]);
            pollStart = Instant.parse(parts[1]);
            newest = Instant.parse(parts[2]);
            URI next = URI.create(parts[3]);
            call = HttpCall.to("GET", next.isAbsolute() ? next : account.client().account().baseUrl().resolve(next));
        }
        HttpAnswer answer = accounts.send(account, OPERATION, call);
        if (!answer.ok()) {
            throw new IllegalStateException("getOrders for " + channel + " answered " + EbayAccounts.error(answer));
        }
        JsonNode body = answer.json();
        List<ChannelOrder> orders = new ArrayList<>();
        for (JsonNode order : body.path("orders")) {
            orders.add(toChannelOrder(account, order));
            Instant modified = instant(order.path("lastModifiedDate").asText(null));
            if (modified != null && modified.isAfter(newest)) {
                newest = modified;
            }
        }
        Instant upTo = newest.isAfter(pollStart) ? pollStart : newest;
        Instant store = upTo.isAfter(since) ? upTo : since;
        String next = body.path("next").asText(null);
        boolean more = next != null && !next.isBlank() && !orders.isEmpty();
        return new OrdersPage(orders, more ? since + " " + pollStart + " " + newest + " " + next : null, store.toString());
    }

    ChannelOrder toChannelOrder(EbayAccounts.Account account, JsonNode order) {
        String orderId = order.path("orderId").asText("");
        String state = order.path("cancelStatus").path("cancelState").asText("NONE_REQUESTED");
        if ("CANCELED".equals(state)) {
            return new ChannelOrder.Cancelled(orderId, "cancelled on eBay");
        }
        ChannelOrder mapped = mapping.map(order);
        if (!"IN_PROGRESS".equals(state) || !(mapped instanceof ChannelOrder.Placed placed)) {
            return mapped;
        }
        HttpAnswer full = accounts.send(account, "getOrder", HttpCall.get(PATH + "/{orderId}", orderId));
        if (!full.ok()) {
            throw new IllegalStateException("getOrder " + orderId + " for " + account.channel() + " answered " + EbayAccounts.error(full));
        }
        if ("CANCELED".equals(full.json().path("cancelStatus").path("cancelState").asText())) {
            return new ChannelOrder.Cancelled(orderId, "cancelled on eBay");
        }
        for (JsonNode request : full.json().path("cancelStatus").path("cancelRequests")) {
            if ("REQUESTED".equals(request.path("cancelRequestState").asText())
                    && !"SELLER".equalsIgnoreCase(request.path("cancelInitiator").asText())) {
                return new ChannelOrder.CancelRequested(orderId, request.path("cancelReason").asText("the buyer asked to cancel"), placed);
            }
        }
        return placed;
    }

    /** eBay's timestamp format: [YYYY]-[MM]-[DD]T[hh]:[mm]:[ss].[sss]Z. */
    static String format(Instant at) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC).format(at);
    }

    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
