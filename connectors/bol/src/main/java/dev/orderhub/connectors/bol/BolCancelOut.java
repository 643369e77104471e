package dev.orderhub.connectors.bol;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.connector.CancelOut;
import dev.orderhub.connector.http.HttpAnswer;
import dev.orderhub.connector.http.HttpCall;
import org.springframework.stereotype.Component;

/**
 * Cancel out ({@code cancel-out}): bol cancels order items, one a request
 * ({@code PUT /retailer/orders/cancellation}, at most one item), so the order is read first and
 * each item still open is cancelled with a reason code of the spec's enum and followed through
 * its process status. An item already cancelled counts as done; a refusal is bol's message.
 */
@Component
public class BolCancelOut implements CancelOut {

    static final String OPERATION = "cancel-order-item";

    private final BolAccounts accounts;
    private final BolProcesses processes;

    public BolCancelOut(BolAccounts accounts, BolProcesses processes) {
        this.accounts = accounts;
        this.processes = processes;
    }

    @Override
    public String connector() {
        return BolAccounts.CONNECTOR;
    }

    @Override
    public boolean serves(String channel) {
        return accounts.serves(channel);
    }

    @Override
    public String cancel(String channel, String channelOrderId, String reason) {
        BolAccounts.Account account = accounts.get(channel);
        HttpAnswer order = accounts.send(account, BolOrders.DETAIL, HttpCall.get("/retailer/orders/{id}", channelOrderId));
        if (!order.ok()) {
            return "bol has no order " + channelOrderId + " to cancel: " + BolAccounts.problem(order);
        }
        String code = reasonCode(reason);
        List<String> refused = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        for (JsonNode item : BolAccounts.json(order).path("orderItems")) {
            int open = item.path("quantity").asInt() - item.path("quantityShipped").asInt() - item.path("quantityCancelled").asInt();
            String itemId = item.path("orderItemId").asText();
            if (open <= 0) {
                continue;
            }
            String body = BolAccounts.JSON.valueToTree(Map.of("orderItems", List.of(Map.of("orderItemId", itemId, "reasonCode", code)))).toString();
            BolProcesses.Outcome outcome = processes.run(account, "cancel", itemId, itemId, "CANCEL_ORDER",
                    () -> accounts.send(account, OPERATION, HttpCall.put("/retailer/orders/cancellation").body(body, BolAccounts.MEDIA)));
            if (!outcome.success()) {
                refused.add(itemId);
                refusals.add("item " + itemId + ": bol " + outcome.status() + " " + outcome.error());
            }
        }
        if (!refused.isEmpty() && cancelledNow(account, channelOrderId).containsAll(refused)) {
            return null; // a PUT the client sent again after a lost answer failed only because the first had cancelled the item
        }
        return refusals.isEmpty() ? null : "bol did not cancel order " + channelOrderId + ": " + String.join("; ", refusals);
    }

    private List<String> cancelledNow(BolAccounts.Account account, String channelOrderId) {
        HttpAnswer order = accounts.send(account, BolOrders.DETAIL, HttpCall.get("/retailer/orders/{id}", channelOrderId));
        List<String> cancelled = new ArrayList<>();
        for (JsonNode item : BolAccounts.json(order).path("orderItems")) {
            if (item.path("quantityCancelled").asInt() > 0 && item.path("quantityCancelled").asInt() + item.path("quantityShipped").asInt()
                    >= item.path("quantity").asInt()) {
                cancelled.add(item.path("orderItemId").asText());
            }
        }
        return cancelled;
    }

    /** The hub's reason in bol's words (CancellationRequest's reasonCode enum). */
    static String reasonCode(String reason) {
        String text = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
        if (text.contains("stock")) {
            return "OUT_OF_STOCK";
        }
        if (text.contains("customer") || text.contains("buyer")) {
            return "REQUESTED_BY_CUSTOMER";
        }
        if (text.contains("price")) {
            return "INCORRECT_PRICE";
        }
        if (text.contains("damage") || text.contains("condition")) {
            return "BAD_CONDITION";
        }
        if (text.contains("twice") || text.contains("duplicate")) {
            return "ORDERED_TWICE";
        }
        if (text.contains("late") || text.contains("in time")) {
            return "NOT_AVAIL_IN_TIME";
        }
        return "OTHER";
    }
}
