package dev.orderhub.connectors.shopify;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orderhub.connector.ChannelOrder;
import dev.orderhub.connector.OrdersIn;
import org.springframework.stereotype.Component;

/**
 * Orders in by reconciliation ({@code orders-in}, {@code cancel-in}): Shopify does not guarantee
 * webhook delivery, so the hub also polls {@code orders(query: "updated_at:>='<cursor>'",
 * sortKey: UPDATED_AT)} page by page (cursor paging, {@code endCursor}). The cursor is the newest
 * {@code updatedAt} read; the orders at the cursor are read again and are repeats. An order with
 * more lines than a page holds has the rest read with {@code order(id:)} before it is mapped.
 */
@Component
public class ShopifyOrders implements OrdersIn {

    static final String OPERATION = "orders";
    static final String LINES_OPERATION = "orderLines";
    static final int LINES_PER_ORDER = 30;

    static final String ORDER_FIELDS = """
            id createdAt updatedAt cancelledAt cancelReason currencyCode
            shippingAddress { name address1 address2 city provinceCode zip countryCodeV2 }""";
    static final String LINE_FIELDS = "id sku quantity originalUnitPriceSet { shopMoney { amount currencyCode } }";

    static final String ORDERS_QUERY = """
            query Orders($first: Int!, $after: String, $query: String!) {
              orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
                pageInfo { hasNextPage endCursor }
                nodes {
                  %s
                  lineItems(first: %d) { pageInfo { hasNextPage endCursor } nodes { %s } }
                }
              }
            }""".formatted(ORDER_FIELDS, LINES_PER_ORDER, LINE_FIELDS);

    static final String LINES_QUERY = """
            query OrderLines($id: ID!, $after: String) {
              order(id: $id) {
                lineItems(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { %s } }
              }
            }""".formatted(LINE_FIELDS);

    private final ShopifyAccounts accounts;

    public ShopifyOrders(ShopifyAccounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public String connector() {
        return ShopifyAccounts.CONNECTOR;
    }

    @Override
    public boolean serves(String channel) {
        return accounts.serves(channel);
    }

    @Override
    public OrdersPage read(String channel, String cursor, String page) {
        ShopifyAccounts.Account account = accounts.get(channel);
        Instant since = cursor == null ? Instant.EPOCH : Instant.parse(cursor);
        Instant newest = since;
        String after = null;
        if (page != null) { // "<newest so far> <endCursor>"
            newest = Instant.parse(page.substring(0, page.indexOf(' ')));
            after = page.substring(page.indexOf(' ') + 1);
        }
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put("first", account.pageSize());
        variables.put("after", after);
        variables.put("query", "updated_at:>='" + since + "'");
        JsonNode orders = accounts.graphql(account, OPERATION, ORDERS_QUERY, variables, "orders-" + since + "-" + after).path("orders");
        if (!orders.path("nodes").isArray()) {
            throw new IllegalStateException("channel " + channel + " orders: the answer holds no orders.nodes");
        }
        List<ChannelOrder> read = new ArrayList<>();
        for (JsonNode order : orders.path("nodes")) {
            if (order.path("lineItems").path("pageInfo").path("hasNextPage").asBoolean()) {
                order = withAllLines(account, (ObjectNode) order.deepCopy());
            }
            read.add(ShopifyOrderMapping.fromGraphql(order));
            Instant updated = Instant.parse(order.path("updatedAt").asText());
            newest = updated.isAfter(newest) ? updated : newest;
        }
        boolean more = orders.path("pageInfo").path("hasNextPage").asBoolean();
        return new OrdersPage(read, more ? newest + " " + orders.path("pageInfo").path("endCursor").asText() : null, newest.toString());
    }

    private JsonNode withAllLines(ShopifyAccounts.Account account, ObjectNode order) {
        ArrayNode lines = (ArrayNode) order.path("lineItems").path("nodes");
        String after = order.path("lineItems").path("pageInfo").path("endCursor").asText();
        while (after != null) {
            Map<String, Object> variables = new LinkedHashMap<>();
            variables.put("id", order.path("id").asText());
            variables.put("after", after);
            JsonNode more = accounts.graphql(account, LINES_OPERATION, LINES_QUERY, variables,
                    "lines-" + order.path("id").asText() + "-" + after).path("order").path("lineItems");
            more.path("nodes").forEach(lines::add);
            after = more.path("pageInfo").path("hasNextPage").asBoolean() ? more.path("pageInfo").path("endCursor").asText() : null;
        }
        return order;
    }
}
