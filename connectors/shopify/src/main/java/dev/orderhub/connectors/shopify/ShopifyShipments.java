package dev.orderhub.connectors.shopify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.connector.ShipmentConfirmation;
import org.springframework.stereotype.Component;

/**
 * Shipments ({@code shipment-confirm}): a shipment is a fulfilment of the order's open
 * fulfilment orders. The connector reads the order's fulfilment orders (OPEN or IN_PROGRESS,
 * each line's remaining quantity) and its fulfilments, takes away what a fulfilment with the
 * same tracking number already holds (a lost answer: Shopify did it, the hub did not hear), and
 * sends one {@code fulfillmentCreate} per fulfilment order with the shipped lines and
 * {@code trackingInfo {company, number}}. fulfillmentCreate has no idempotency key, so it is
 * never sent twice blindly: the toolkit does not repeat it after a 5xx or timeout, and the next
 * attempt starts with that read-back.
 */
@Component
public class ShopifyShipments implements ShipmentConfirmation {

    static final String READ = "fulfillmentOrders";
    static final String OPERATION = "fulfillmentCreate";

    static final String ORDER_QUERY = """
            query FulfillmentOrders($id: ID!) {
              order(id: $id) {
                id
                fulfillments(first: 10) {
                  id status trackingInfo(first: 1) { company number }
                  fulfillmentLineItems(first: 20) { nodes { quantity lineItem { id } } }
                }
                fulfillmentOrders(first: 5) {
                  nodes { id status lineItems(first: 30) { nodes { id remainingQuantity lineItem { id } } } }
                }
              }
            }""";

    static final String CREATE_MUTATION = """
            mutation Fulfil($fulfillment: FulfillmentInput!) {
              fulfillmentCreate(fulfillment: $fulfillment) {
                fulfillment { id status }
                userErrors { field message }
              }
            }""";

    private final ShopifyAccounts accounts;

    public ShopifyShipments(ShopifyAccounts accounts) {
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
    public Result confirm(String channel, Shipment shipment) {
        ShopifyAccounts.Account account = accounts.get(channel);
        String orderGid = ShopifyAccounts.gid("Order", shipment.channelOrderId());
        JsonNode order = accounts.graphql(account, READ, ORDER_QUERY, Map.of("id", orderGid), "fo-" + shipment.shipmentId()).path("order");
        if (!order.isObject()) {
            return Result.refused("Shopify has no order " + shipment.channelOrderId(), orderGid);
        }
        // What a fulfilment with this tracking number already holds, per line item.
        Map<String, Integer> done = new LinkedHashMap<>();
        boolean tracked = false;
        for (JsonNode fulfillment : order.path("fulfillments")) {
            boolean same = !"CANCELLED".equals(fulfillment.path("status").asText()) && !fulfillment.path("trackingInfo").isEmpty()
                    && shipment.trackingNumber() != null && shipment.trackingNumber().equals(fulfillment.path("trackingInfo").get(0).path("number").asText());
            if (same) {
                tracked = true;
                for (JsonNode line : fulfillment.path("fulfillmentLineItems").path("nodes")) {
                    done.merge(ShopifyAccounts.legacyId(line.path("lineItem").path("id").asText()), line.path("quantity").asInt(), Integer::sum);
                }
            }
        }
        Map<String, Integer> wanted = new LinkedHashMap<>();
        if (shipment.lines().isEmpty()) {
            if (tracked) {
                return Result.CONFIRMED; // "the rest" went out with this tracking number already
            }
        } else {
            for (Line line : shipment.lines()) {
                int left = line.qty() - done.getOrDefault(line.lineId(), 0);
                if (left > 0) {
                    wanted.merge(line.lineId(), left, Integer::sum);
                }
            }
            if (wanted.isEmpty()) {
                return Result.CONFIRMED;
            }
        }
        // The wanted quantities (or everything left) taken from the open fulfilment orders' lines, FO by FO.
        Map<String, List<Map<String, Object>>> byFulfillmentOrder = new LinkedHashMap<>();
        for (JsonNode fo : order.path("fulfillmentOrders").path("nodes")) {
            String status = fo.path("status").asText();
            if (!status.equals("OPEN") && !status.equals("IN_PROGRESS")) {
                continue;
            }
            for (JsonNode line : fo.path("lineItems").path("nodes")) {
                String lineId = ShopifyAccounts.legacyId(line.path("lineItem").path("id").asText());
                int remaining = line.path("remainingQuantity").asInt();
                int take = shipment.lines().isEmpty() ? remaining : Math.min(remaining, wanted.getOrDefault(lineId, 0));
                if (take > 0) {
                    byFulfillmentOrder.computeIfAbsent(fo.path("id").asText(), id -> new ArrayList<>())
                            .add(Map.of("id", line.path("id").asText(), "quantity", take));
                    wanted.computeIfPresent(lineId, (id, q) -> q - take);
                }
            }
        }
        wanted.values().removeIf(q -> q <= 0);
        if (!wanted.isEmpty()) {
            return Result.refused("Shopify has less left to fulfil than shipped: " + wanted + " (line item id = quantity)",
                    "order " + shipment.channelOrderId() + " lines " + shipment.lines());
        }
        if (byFulfillmentOrder.isEmpty()) {
            return Result.refused("order " + shipment.channelOrderId() + " has nothing left to fulfil on Shopify", orderGid);
        }
        Map<String, Object> tracking = new LinkedHashMap<>();
        tracking.put("company", shipment.carrier());
        tracking.put("number", shipment.trackingNumber());
        for (Map.Entry<String, List<Map<String, Object>>> fo : byFulfillmentOrder.entrySet()) {
            Map<String, Object> input = new LinkedHashMap<>();
            input.put("lineItemsByFulfillmentOrder", List.of(Map.of("fulfillmentOrderId", fo.getKey(), "fulfillmentOrderLineItems", fo.getValue())));
            input.put("trackingInfo", tracking);
            input.put("notifyCustomer", account.notifyCustomer());
            JsonNode payload = accounts.graphql(account, OPERATION, CREATE_MUTATION, Map.of("fulfillment", input), null)
                    .path("fulfillmentCreate");
            if (!payload.path("userErrors").isEmpty()) {
                return Result.refused(ShopifyAccounts.userErrors(payload.path("userErrors")), input.toString());
            }
        }
        return Result.CONFIRMED;
    }
}
