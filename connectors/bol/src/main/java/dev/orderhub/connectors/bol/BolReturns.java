package dev.orderhub.connectors.bol;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.connector.ReturnsIn;
import dev.orderhub.connector.http.HttpAnswer;
import dev.orderhub.connector.http.HttpCall;
import org.springframework.stereotype.Component;

/**
 * Returns ({@code returns}, the SPI slot no core flow calls yet): the unhandled returns of
 * seller-fulfilled orders, {@code GET /retailer/returns?handled=false&fulfilment-method=FBR}, 50 a
 * page, oldest first (so bol lists them). A return item names its order and EAN but not its order
 * item, so the order is read ({@code get-order}) to find the line. The cursor is the newest
 * registration time read; bol cannot filter by it, so every poll reads the unhandled ones again
 * (repeats to the flow that will take them). Handling a return ({@code PUT /retailer/returns/{rma-id}})
 * is not in {@link ReturnsIn}, which only reads.
 */
@Component
public class BolReturns implements ReturnsIn {

    static final String LIST = "get-returns";
    private static final int PAGE = 50;

    private final BolAccounts accounts;

    public BolReturns(BolAccounts accounts) {
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

    @Override
    public ReturnsPage read(String channel, String cursor, String page) {
        BolAccounts.Account account = accounts.get(channel);
        int number = page == null ? 1 : Integer.parseInt(page);
        HttpAnswer answer = accounts.send(account, LIST, HttpCall.get("/retailer/returns").query("handled", false)
                .query("fulfilment-method", "FBR").query("page", number));
        JsonNode list = BolAccounts.json(answer).path("returns");
        if (!answer.ok() || !list.isArray()) {
            throw new IllegalStateException("get-returns for " + channel + " answered " + BolAccounts.problem(answer));
        }
        String newest = cursor;
        Map<String, Map<String, String>> lineOfEan = new LinkedHashMap<>();
        List<Return> returns = new ArrayList<>();
        for (JsonNode ret : list) {
            String registered = OffsetDateTime.parse(ret.path("registrationDateTime").asText()).toInstant().toString();
            newest = newest == null || registered.compareTo(newest) > 0 ? registered : newest;
            Map<String, List<Line>> byOrder = new LinkedHashMap<>();
            Map<String, String> reasons = new LinkedHashMap<>();
            for (JsonNode item : ret.path("returnItems")) {
                String orderId = item.path("orderId").asText();
                String lineId = lineOfEan.computeIfAbsent(orderId, id -> lines(account, id)).getOrDefault(item.path("ean").asText(),
                        "ean:" + item.path("ean").asText());
                byOrder.computeIfAbsent(orderId, id -> new ArrayList<>()).add(new Line(lineId, item.path("expectedQuantity").asInt()));
                JsonNode reason = item.path("returnReason");
                reasons.putIfAbsent(orderId, (reason.path("mainReason").asText("") + " " + reason.path("detailedReason").asText("")).trim());
            }
            byOrder.forEach((orderId, lines) -> returns.add(new Return(orderId, ret.path("returnId").asText(), lines, reasons.get(orderId))));
        }
        return new ReturnsPage(returns, list.size() >= PAGE ? String.valueOf(number + 1) : null, newest);
    }

    /** EAN → order item id of the order, read from its detail. */
    private Map<String, String> lines(BolAccounts.Account account, String orderId) {
        HttpAnswer order = accounts.send(account, BolOrders.DETAIL, HttpCall.get("/retailer/orders/{id}", orderId));
        Map<String, String> lines = new LinkedHashMap<>();
        for (JsonNode item : BolAccounts.json(order).path("orderItems")) {
            lines.putIfAbsent(item.path("product").path("ean").asText(), item.path("orderItemId").asText());
        }
        return lines;
    }
}
