package dev.orderhub.connectors.shopify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.connector.StockOut;
import org.springframework.stereotype.Component;

/**
 * Stock out ({@code stock-out}): each listing sku is the Shopify inventory item of that sku
 * ({@code inventoryItems(query: "sku:...")}, remembered once found), and its {@code available}
 * quantity at the channel's location is set with one {@code inventorySetQuantities} per batch,
 * carrying {@code @idempotent(key:)} made of the hub's idempotency key and the values sent (so a
 * retry after a lost answer is applied once, and new values never meet IDEMPOTENCY_KEY_PARAMETER_MISMATCH).
 *
 * <p>{@code changeFromQuantity} is the quantity the connector last saw or set for the item. When
 * Shopify answers CHANGE_FROM_QUANTITY_STALE, something changed it since (a sale the hub has not
 * imported yet, a person in the admin): the connector reads the quantity again and sets the
 * smaller of the hub's value and the current one, so a unit Shopify sold a moment ago is never
 * shown again; the order's import moves the hub's value and pushes the right number next.
 */
@Component
public class ShopifyStockOut implements StockOut {

    static final String OPERATION = "inventorySetQuantities";
    static final String LOOKUP = "inventoryItems";
    static final int ROUNDS = 3;

    static final String ITEMS_QUERY = """
            query InventoryItems($first: Int!, $query: String!, $location: ID!) {
              inventoryItems(first: $first, query: $query) {
                nodes { id sku inventoryLevel(locationId: $location) { quantities(names: ["available"]) { name quantity } } }
              }
            }""";

    static final String SET_MUTATION = """
            mutation SetAvailable($input: InventorySetQuantitiesInput!, $key: String!) {
              inventorySetQuantities(input: $input) @idempotent(key: $key) {
                inventoryAdjustmentGroup { id }
                userErrors { code field message }
              }
            }""";

    /** An inventory item of the channel's location and the available quantity last seen or set there. */
    record Item(String inventoryItemId, long shown) {
    }

    private final ShopifyAccounts accounts;
    private final Map<String, Item> items = new ConcurrentHashMap<>(); // channel + " " + sku

    public ShopifyStockOut(ShopifyAccounts accounts) {
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
    public Pushed push(String channel, List<ListingQuantity> batch, String idempotencyKey) {
        ShopifyAccounts.Account account = accounts.get(channel);
        Map<String, String> rejected = new LinkedHashMap<>();
        Map<String, Long> pending = new LinkedHashMap<>();
        batch.forEach(q -> pending.put(q.listingSku(), q.quantity()));
        lookUp(account, pending.keySet().stream().filter(sku -> !items.containsKey(key(channel, sku))).toList(), rejected);
        rejected.keySet().forEach(pending::remove);
        Map<String, Long> retry = new LinkedHashMap<>();
        for (int round = 0; round < ROUNDS && !pending.isEmpty(); round++) {
            List<String> skus = List.copyOf(pending.keySet());
            List<Map<String, Object>> quantities = new ArrayList<>();
            for (String sku : skus) {
                Item item = items.get(key(channel, sku));
                Map<String, Object> quantity = new LinkedHashMap<>();
                quantity.put("inventoryItemId", item.inventoryItemId());
                quantity.put("locationId", account.locationId());
                quantity.put("quantity", pending.get(sku));
                quantity.put("changeFromQuantity", item.shown());
                quantities.add(quantity);
            }
            // The same values against the same quantities are the same key (a lost answer is replayed, not applied
            // twice); a retry against a quantity read again is another request, so another key.
            String key = idempotencyKey + "-" + Integer.toHexString(quantities.toString().hashCode());
            Map<String, Object> input = new LinkedHashMap<>();
            input.put("name", "available");
            input.put("reason", "correction");
            input.put("referenceDocumentUri", "gid://orderhub/StockPush/" + key);
            input.put("quantities", quantities);
            JsonNode payload = accounts.graphql(account, OPERATION, named(skus) + SET_MUTATION, Map.of("input", input, "key", key), key)
                    .path("inventorySetQuantities");
            JsonNode errors = payload.path("userErrors");
            if (errors.isEmpty()) {
                skus.forEach(sku -> items.computeIfPresent(key(channel, sku), (k, item) -> new Item(item.inventoryItemId(), pending.get(sku))));
                pending.clear();
                break;
            }
            // Shopify applies none of a set with a user error: each named item is refused or read again, the rest sent again.
            List<String> stale = new ArrayList<>();
            for (JsonNode error : errors) {
                int index = index(error.path("field"));
                String sku = index >= 0 && index < skus.size() ? skus.get(index) : null;
                if (sku == null) {
                    skus.forEach(s -> rejected.put(s, ShopifyAccounts.userErrors(errors)));
                    pending.clear();
                    break;
                }
                if ("CHANGE_FROM_QUANTITY_STALE".equals(error.path("code").asText())) {
                    stale.add(sku);
                } else {
                    rejected.put(sku, ShopifyAccounts.userErrors(List.of(error)));
                    pending.remove(sku);
                }
            }
            if (!stale.isEmpty()) {
                stale.forEach(sku -> items.remove(key(channel, sku)));
                lookUp(account, stale, rejected);
                for (String sku : stale) {
                    Item fresh = items.get(key(channel, sku));
                    if (fresh == null) {
                        pending.remove(sku);
                    } else {
                        pending.put(sku, Math.min(pending.get(sku), fresh.shown())); // never show again what Shopify just sold
                        retry.put(sku, pending.get(sku));
                    }
                }
            }
        }
        List<ItemResult> results = new ArrayList<>();
        for (ListingQuantity q : batch) {
            String reason = rejected.get(q.listingSku());
            if (reason != null) {
                results.add(ItemResult.rejected(q.listingSku(), reason));
            } else if (pending.containsKey(q.listingSku())) {
                results.add(ItemResult.retry(q.listingSku(), Duration.ofSeconds(1), "Shopify's quantity kept changing (CHANGE_FROM_QUANTITY_STALE)"));
            } else if (retry.containsKey(q.listingSku()) && retry.get(q.listingSku()) < q.quantity()) {
                // Shopify sold some since the hub last looked: it shows the smaller quantity until the order is in the hub
                results.add(ItemResult.retry(q.listingSku(), Duration.ofSeconds(5), "Shopify sold since the last push; showing "
                        + retry.get(q.listingSku()) + " until the hub has the order"));
            } else {
                results.add(ItemResult.accepted(q.listingSku()));
            }
        }
        return Pushed.of(results);
    }

    /** Finds the inventory items of these skus and their available quantity at the location; a sku without one is refused. */
    private void lookUp(ShopifyAccounts.Account account, List<String> skus, Map<String, String> rejected) {
        if (skus.isEmpty()) {
            return;
        }
        StringBuilder query = new StringBuilder();
        for (String sku : skus) {
            query.append(query.length() == 0 ? "" : " OR ").append("sku:\"").append(sku.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        Map<String, Object> variables = Map.of("first", Math.min(250, skus.size() * 2), "query", query.toString(),
                "location", account.locationId());
        JsonNode nodes = accounts.graphql(account, LOOKUP, ITEMS_QUERY, variables, "items-" + String.join(",", skus).hashCode())
                .path("inventoryItems").path("nodes");
        for (JsonNode node : nodes) {
            String sku = node.path("sku").asText();
            if (!skus.contains(sku)) {
                continue; // Shopify's search also matches by prefix and token: only the exact sku counts
            }
            JsonNode level = node.path("inventoryLevel");
            if (level.isNull() || level.isMissingNode()) {
                rejected.put(sku, "ITEM_NOT_STOCKED_AT_LOCATION: Shopify's inventory item " + node.path("id").asText()
                        + " is not stocked at " + account.locationId() + " (activate it there in Shopify)");
                continue;
            }
            long available = 0;
            for (JsonNode quantity : level.path("quantities")) {
                if ("available".equals(quantity.path("name").asText())) {
                    available = quantity.path("quantity").asLong();
                }
            }
            items.put(key(account.channel(), sku), new Item(node.path("id").asText(), available));
        }
        for (String sku : skus) {
            if (!items.containsKey(key(account.channel(), sku)) && !rejected.containsKey(sku)) {
                rejected.put(sku, "no Shopify inventory item has sku \"" + sku + "\"");
            }
        }
    }

    /**
     * A comment naming the listing skus, ahead of the mutation: the input names inventory items
     * only, and a person reading the request (or the suite, which finds a sku's stock calls by it)
     * sees which skus it set. Control characters are dropped, so a sku cannot end the comment.
     */
    static String named(List<String> skus) {
        return "# orderhub stock push: " + String.join(" ", skus).replaceAll("\\p{Cntrl}", "?") + "\n";
    }

    private static int index(JsonNode field) {
        List<String> path = ShopifyAccounts.fieldPath(field);
        int at = path.indexOf("quantities");
        if (at < 0 || at + 1 >= path.size()) {
            return -1;
        }
        try {
            return Integer.parseInt(path.get(at + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String key(String channel, String sku) {
        return channel + " " + sku;
    }
}
