package dev.orderhub.connectors.shopify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orderhub.connector.ChannelOrder;

/**
 * Shopify's order in its two shapes, the Admin GraphQL {@code Order} (the reconciliation query)
 * and the REST-shaped webhook payload, to the same canonical order: the channel order id is the
 * order's numeric id as text (the end of its gid), each line id the line item's, so a webhook and
 * a poll of the same order are one order in the hub. Ids are copied as text, never through a
 * double (they pass 2^53); prices are the shop-currency decimal strings as Shopify wrote them.
 * An order with {@code cancelledAt} is a cancellation.
 */
final class ShopifyOrderMapping {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ShopifyOrderMapping() {
    }

    /** A GraphQL {@code Order} node, its lines all present (the connector reads further pages before). */
    static ChannelOrder fromGraphql(JsonNode order) {
        String id = ShopifyAccounts.legacyId(order.path("id").asText(""));
        if (!order.path("cancelledAt").isNull() && !order.path("cancelledAt").isMissingNode()) {
            return new ChannelOrder.Cancelled(id, "cancelled on Shopify (" + order.path("cancelReason").asText("no reason") + ")");
        }
        ObjectNode canonical = JSON.objectNode();
        canonical.put("channelOrderId", id);
        canonical.put("fulfilmentMode", "MERCHANT");
        canonical.set("placedAt", order.get("createdAt"));
        canonical.set("currency", order.get("currencyCode"));
        JsonNode address = order.path("shippingAddress");
        if (address.isObject()) {
            ObjectNode shipTo = canonical.putObject("shipTo");
            copy(address, "name", shipTo, "name");
            copy(address, "address1", shipTo, "line1");
            copy(address, "address2", shipTo, "line2");
            copy(address, "city", shipTo, "city");
            copy(address, "provinceCode", shipTo, "region");
            copy(address, "zip", shipTo, "postalCode");
            copy(address, "countryCodeV2", shipTo, "country");
        }
        for (JsonNode line : order.path("lineItems").path("nodes")) {
            ObjectNode out = canonical.withArray("lines").addObject();
            out.put("lineId", ShopifyAccounts.legacyId(line.path("id").asText("")));
            copy(line, "sku", out, "sku");
            out.set("qty", line.get("quantity"));
            out.set("unitPrice", line.path("originalUnitPriceSet").path("shopMoney").get("amount"));
        }
        return new ChannelOrder.Placed(id, canonical.toString(), order.toString());
    }

    /** A webhook payload of orders/create, orders/updated, orders/cancelled (REST field names). */
    static ChannelOrder fromWebhook(JsonNode order) {
        String id = idText(order.get("id"));
        if (id == null) {
            return new ChannelOrder.Unreadable("", "webhook payload without an order id", order.toString());
        }
        if (!order.path("cancelled_at").isNull() && !order.path("cancelled_at").isMissingNode()) {
            return new ChannelOrder.Cancelled(id, "cancelled on Shopify (" + order.path("cancel_reason").asText("no reason") + ")");
        }
        ObjectNode canonical = JSON.objectNode();
        canonical.put("channelOrderId", id);
        canonical.put("fulfilmentMode", "MERCHANT");
        canonical.set("placedAt", order.get("created_at"));
        canonical.set("currency", order.get("currency"));
        JsonNode address = order.path("shipping_address");
        if (address.isObject()) {
            ObjectNode shipTo = canonical.putObject("shipTo");
            copy(address, "name", shipTo, "name");
            copy(address, "address1", shipTo, "line1");
            copy(address, "address2", shipTo, "line2");
            copy(address, "city", shipTo, "city");
            copy(address, "province_code", shipTo, "region");
            copy(address, "zip", shipTo, "postalCode");
            copy(address, "country_code", shipTo, "country");
        }
        for (JsonNode line : order.path("line_items")) {
            ObjectNode out = canonical.withArray("lines").addObject();
            out.put("lineId", idText(line.get("id")));
            copy(line, "sku", out, "sku");
            out.set("qty", line.get("quantity"));
            JsonNode shopMoney = line.path("price_set").path("shop_money").path("amount");
            out.set("unitPrice", shopMoney.isTextual() ? shopMoney : line.get("price"));
        }
        return new ChannelOrder.Placed(id, canonical.toString(), order.toString());
    }

    /** A JSON id as exact text: an integer node's digits (Jackson reads them as long or BigInteger, never double). */
    static String idText(JsonNode id) {
        if (id == null || id.isNull() || id.isMissingNode()) {
            return null;
        }
        if (id.isIntegralNumber()) {
            return id.bigIntegerValue().toString();
        }
        if (id.isTextual() && !id.asText().isBlank()) {
            return id.asText().startsWith("gid://") ? ShopifyAccounts.legacyId(id.asText()) : id.asText();
        }
        return null; // a floating-point id has lost its digits already: not an id
    }

    private static void copy(JsonNode from, String field, ObjectNode to, String as) {
        JsonNode value = from.get(field);
        if (value != null && !value.isNull() && !(value.isTextual() && value.asText().isEmpty())) {
            to.set(as, value);
        }
    }
}
