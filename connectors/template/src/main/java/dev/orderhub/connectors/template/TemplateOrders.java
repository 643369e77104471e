package dev.orderhub.connectors.template;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orderhub.connector.ChannelOrder;
import dev.orderhub.connector.OrdersIn;
import dev.orderhub.connector.http.HttpAnswer;
import dev.orderhub.connector.http.HttpCall;
import org.springframework.stereotype.Component;

/**
 * Orders in ({@code orders-in}, {@code cancel-in}): {@code GET /v1/orders?updatedSince=} from the
 * hub's cursor, following each page's {@code next} link. The cursor is the newest
 * {@code updatedAt} seen; until the last page it travels in the page token. A CANCELLED order is
 * a cancellation; the rest is mapped to the canonical order, which the hub validates (an order
 * that does not map is parked with the reason).
 */
@Component
public class TemplateOrders implements OrdersIn {

    static final String OPERATION = "listOrders";

    private final TemplateAccounts accounts;
    private final ObjectMapper json;

    public TemplateOrders(TemplateAccounts accounts, ObjectMapper json) {
        this.accounts = accounts;
        this.json = json;
    }

    @Override
    public String connector() {
        return TemplateAccounts.CONNECTOR;
    }

    @Override
    public boolean serves(String channel) {
        return accounts.serves(channel);
    }

    @Override
    public OrdersPage read(String channel, String cursor, String page) {
        TemplateAccounts.Account account = accounts.get(channel);
        Instant newest = cursor == null ? Instant.EPOCH : Instant.parse(cursor);
        HttpCall call = HttpCall.get("/v1/orders").query("updatedSince", newest).query("limit", account.pageSize());
        if (page != null) { // "<newest so far> <next link>"
            newest = Instant.parse(page.substring(0, page.indexOf(' ')));
            call = HttpCall.to("GET", URI.create(page.substring(page.indexOf(' ') + 1)));
        }
        HttpAnswer answer = accounts.send(account, OPERATION, call);
        if (!answer.ok() || !answer.json().path("orders").isArray()) {
            throw new IllegalStateException("listOrders for " + channel + " answered " + TemplateAccounts.error(answer));
        }
        List<ChannelOrder> orders = new ArrayList<>();
        for (JsonNode order : answer.json().path("orders")) {
            orders.add(toChannelOrder(order));
            Instant updated = Instant.parse(order.path("updatedAt").asText());
            newest = updated.isAfter(newest) ? updated : newest;
        }
        String next = answer.json().path("next").asText(null);
        return new OrdersPage(orders, next == null ? null : newest + " " + next, newest.toString());
    }

    ChannelOrder toChannelOrder(JsonNode order) {
        String id = order.path("id").asText("");
        if ("CANCELLED".equals(order.path("status").asText())) {
            return new ChannelOrder.Cancelled(id, "cancelled on the marketplace");
        }
        ObjectNode canonical = json.createObjectNode();
        canonical.put("channelOrderId", id);
        canonical.set("placedAt", order.get("placedAt"));
        canonical.set("shipBy", order.get("shipBy"));
        canonical.set("currency", order.get("currency"));
        canonical.set("shipTo", order.get("shipTo")); // name, line1, city, postalCode, country: the hub's names
        for (JsonNode line : order.path("lines")) {
            canonical.withArray("lines").addObject().put("lineId", line.path("id").asText())
                    .put("sku", line.path("sku").asText()).put("qty", line.path("quantity").asInt())
                    .put("unitPrice", line.path("price").asText());
        }
        return new ChannelOrder.Placed(id, canonical.toString(), order.toString());
    }
}
