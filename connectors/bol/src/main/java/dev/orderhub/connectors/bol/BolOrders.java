package dev.orderhub.connectors.bol;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orderhub.connector.ChannelOrder;
import dev.orderhub.connector.OrdersIn;
import dev.orderhub.connector.http.HttpAnswer;
import dev.orderhub.connector.http.HttpCall;
import org.springframework.stereotype.Component;

/**
 * Orders in ({@code orders-in}, {@code cancel-in}): {@code GET /retailer/orders} (reduced
 * orders, 50 a page) and, for each order not wholly cancelled, {@code GET /retailer/orders/{id}}
 * for its items, prices and address.
 *
 * <p>The cursor is the instant the last complete poll started. bol filters by change only with
 * {@code change-interval-minute} (the last 1 to 60 minutes before now) or
 * {@code latest-change-date} (one day, up to three months back), so a poll asks for the minutes
 * since the cursor plus one (the spec's advice: poll at least a minute more often than the
 * interval) when that fits in 60, and otherwise day by day from the cursor's day to today. The
 * first poll, without a cursor, reads the OPEN orders. Orders read again are repeats to the hub.
 * The page token is {@code <poll start>|<interval|day|open>|<minutes or day>|<page>}.
 */
@Component
public class BolOrders implements OrdersIn {

    static final String LIST = "get-orders";
    static final String DETAIL = "get-order";
    static final ZoneId AMSTERDAM = ZoneId.of("Europe/Amsterdam");
    private static final int PAGE = 50;
    private static final Duration LONGEST_INTERVAL = Duration.ofMinutes(59);

    private final BolAccounts accounts;

    public BolOrders(BolAccounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public String connector() {
        return BolAccounts.CONNECTOR;
    }

    @Override
    public boolean serves(String channel) {
        return accounts.serves(channel);
    }

    record Token(Instant asOf, String mode, String argument, int page) {

        static Token parse(String text) {
            String[] parts = text.split("\\|");
            return new Token(Instant.parse(parts[0]), parts[1], parts[2], Integer.parseInt(parts[3]));
        }

        @Override
        public String toString() {
            return asOf + "|" + mode + "|" + argument + "|" + page;
        }
    }

    @Override
    public OrdersPage read(String channel, String cursor, String page) {
        BolAccounts.Account account = accounts.get(channel);
        Token token = page != null ? Token.parse(page) : first(cursor, Instant.now());
        if (token == null) { // a cursor past now: nothing changed after it
            return new OrdersPage(List.of(), null, cursor);
        }
        HttpCall call = HttpCall.get("/retailer/orders").query("fulfilment-method", account.fulfilmentMethod)
                .query("status", token.mode().equals("open") ? "OPEN" : "ALL").query("page", token.page());
        if (token.mode().equals("interval")) {
            call = call.query("change-interval-minute", token.argument());
        } else if (token.mode().equals("day")) {
            call = call.query("latest-change-date", token.argument());
        }
        HttpAnswer answer = accounts.send(account, LIST, call);
        JsonNode list = BolAccounts.json(answer).path("orders");
        if (!answer.ok() || !list.isArray()) {
            throw new IllegalStateException("get-orders for " + channel + " answered " + BolAccounts.problem(answer));
        }
        List<ChannelOrder> orders = new ArrayList<>();
        for (JsonNode reduced : list) {
            orders.add(read(account, reduced));
        }
        Token next = null;
        if (list.size() >= PAGE) {
            next = new Token(token.asOf(), token.mode(), token.argument(), token.page() + 1);
        } else if (token.mode().equals("day") && LocalDate.parse(token.argument()).isBefore(token.asOf().atZone(AMSTERDAM).toLocalDate())) {
            next = new Token(token.asOf(), "day", LocalDate.parse(token.argument()).plusDays(1).toString(), 1);
        }
        return new OrdersPage(orders, next == null ? null : next.toString(), token.asOf().toString());
    }

    /** The first page of a poll starting now from the cursor; null when the cursor is past now. */
    static Token first(String cursor, Instant now) {
        if (cursor == null) {
            return new Token(now, "open", "-", 1);
        }
        Instant since = Instant.parse(cursor);
        if (since.isAfter(now)) {
            return null;
        }
        Duration gap = Duration.between(since, now);
        if (gap.compareTo(LONGEST_INTERVAL) <= 0) {
            long minutes = Math.min(60, (gap.toSeconds() + 59) / 60 + 1);
            return new Token(now, "interval", String.valueOf(minutes), 1);
        }
        LocalDate day = since.atZone(AMSTERDAM).toLocalDate();
        LocalDate oldest = now.atZone(AMSTERDAM).toLocalDate().minusMonths(3);
        return new Token(now, "day", (day.isBefore(oldest) ? oldest : day).toString(), 1);
    }

    private ChannelOrder read(BolAccounts.Account account, JsonNode reduced) {
        String orderId = reduced.path("orderId").asText("");
        JsonNode items = reduced.path("orderItems");
        boolean allCancelled = items.size() > 0;
        for (JsonNode item : items) {
            allCancelled &= item.path("quantityCancelled").asInt() >= item.path("quantity").asInt();
        }
        if (allCancelled) {
            return new ChannelOrder.Cancelled(orderId, "cancelled on bol.com");
        }
        HttpAnswer answer = accounts.send(account, DETAIL, HttpCall.get("/retailer/orders/{id}", orderId));
        if (!answer.ok()) {
            throw new IllegalStateException("get-order " + orderId + " for " + account.channel + " answered " + BolAccounts.problem(answer));
        }
        return toChannelOrder(BolAccounts.json(answer), answer.body());
    }

    /** A bol order (the detail) as the hub takes it: FBR lines reserved, an FBB-only order recorded as channel-fulfilled. */
    static ChannelOrder toChannelOrder(JsonNode order, String payload) {
        String orderId = order.path("orderId").asText("");
        List<JsonNode> fbr = new ArrayList<>();
        List<JsonNode> all = new ArrayList<>();
        boolean cancelRequested = false;
        for (JsonNode item : order.path("orderItems")) {
            if (item.path("quantity").asInt() - item.path("quantityCancelled").asInt() <= 0) {
                continue; // a cancelled item: nothing of it is left to fulfil
            }
            String sku = item.path("offer").path("reference").asText("");
            if (sku.isBlank() && item.path("product").path("ean").asText("").isBlank()) {
                return new ChannelOrder.Unreadable(orderId, "bol order " + orderId + ": item " + item.path("orderItemId").asText()
                        + " names neither an offer reference nor a product EAN", payload);
            }
            all.add(item);
            if (!"FBB".equals(item.path("fulfilment").path("method").asText())) {
                fbr.add(item);
            }
            cancelRequested |= item.path("cancellationRequest").asBoolean();
        }
        boolean channelFulfilled = fbr.isEmpty() && !all.isEmpty();
        ObjectNode canonical = BolAccounts.JSON.createObjectNode();
        canonical.put("channelOrderId", orderId);
        canonical.put("fulfilmentMode", channelFulfilled ? "CHANNEL" : "MERCHANT");
        canonical.put("placedAt", instant(order.path("orderPlacedDateTime").asText(null)));
        canonical.put("currency", "EUR"); // bol.com sells in euros only; its orders carry no currency
        JsonNode first = all.isEmpty() ? BolAccounts.JSON.missingNode() : all.get(0).path("fulfilment");
        String deliveryDate = first.path("exactDeliveryDate").asText(first.path("latestDeliveryDate").asText(""));
        if (!deliveryDate.isBlank()) {
            canonical.put("deliverBy", LocalDate.parse(deliveryDate).plusDays(1).atStartOfDay(AMSTERDAM).minusSeconds(1).toInstant().toString());
        }
        JsonNode to = order.path("shipmentDetails");
        if (to.isObject()) {
            ObjectNode shipTo = canonical.putObject("shipTo");
            shipTo.put("name", join(to.path("firstName").asText(""), to.path("surname").asText("")));
            shipTo.put("line1", join(to.path("streetName").asText(""), to.path("houseNumber").asText("")
                    + to.path("houseNumberExtension").asText("")));
            if (!to.path("extraAddressInformation").asText("").isBlank()) {
                shipTo.put("line2", to.path("extraAddressInformation").asText());
            }
            if (!to.path("company").asText("").isBlank()) {
                shipTo.put("line2", join(to.path("company").asText(), to.path("extraAddressInformation").asText("")));
            }
            shipTo.put("city", to.path("city").asText(null)).put("postalCode", to.path("zipCode").asText(null))
                    .put("country", to.path("countryCode").asText(null));
            canonical.putObject("buyer").put("name", shipTo.path("name").asText()).put("email", to.path("email").asText(null));
        }
        for (JsonNode item : channelFulfilled ? all : fbr) {
            String reference = item.path("offer").path("reference").asText("");
            canonical.withArray("lines").addObject().put("lineId", item.path("orderItemId").asText())
                    .put("sku", reference.isBlank() ? item.path("product").path("ean").asText() : reference)
                    .put("qty", item.path("quantity").asInt() - item.path("quantityCancelled").asInt())
                    .put("unitPrice", item.path("unitPrice").decimalValue().toPlainString());
        }
        if (!canonical.has("lines")) {
            canonical.putArray("lines");
        }
        ChannelOrder.Placed placed = new ChannelOrder.Placed(orderId, canonical.toString(), payload);
        return cancelRequested ? new ChannelOrder.CancelRequested(orderId, "the buyer asked bol.com to cancel", placed) : placed;
    }

    private static String instant(String offsetTime) {
        return offsetTime == null ? null : java.time.OffsetDateTime.parse(offsetTime).toInstant().toString();
    }

    private static String join(String a, String b) {
        return (a + " " + b).trim();
    }
}
