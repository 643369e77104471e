package dev.orderhub.connectors.ebay;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Currency;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orderhub.connector.ChannelOrder;

/**
 * One eBay {@code Order} (Fulfillment API) to the hub's canonical order. Every eBay order is
 * shipped by the seller (MERCHANT); Global Shipping Program orders go to eBay's shipping centre,
 * which is what {@code shippingStep.shipTo} holds. {@code lineItemCost} is the unit price times
 * the quantity (the spec says so), so the unit price is their quotient, kept exact: a quotient
 * that does not come out in the currency's decimals is a contradiction, and the order is
 * unreadable rather than rounded. Ids stay the strings eBay sends.
 */
final class EbayOrderMapping {

    /** fulfillmentInstructionsType values the seller ships (eBay's FulfillmentInstructionsType). */
    static final Set<String> SHIPPED = Set.of("SHIP_TO", "SELLER_DEFINED");

    private final ObjectMapper json;

    EbayOrderMapping(ObjectMapper json) {
        this.json = json;
    }

    /** A {@link ChannelOrder.Placed}, or {@link ChannelOrder.Unreadable} naming what is wrong. */
    ChannelOrder map(JsonNode order) {
        String orderId = order.path("orderId").asText("");
        String payload = order.toString();
        try {
            return new ChannelOrder.Placed(orderId, canonical(order).toString(), payload);
        } catch (IllegalArgumentException e) {
            return new ChannelOrder.Unreadable(orderId, "eBay order " + orderId + ": " + e.getMessage(), payload);
        }
    }

    ObjectNode canonical(JsonNode order) {
        ObjectNode canonical = json.createObjectNode();
        canonical.put("channelOrderId", order.path("orderId").asText(null));
        canonical.put("placedAt", text(order, "creationDate"));
        canonical.put("fulfilmentMode", "MERCHANT");
        String currency = first(order.path("pricingSummary").path("total").path("currency").asText(null),
                order.path("pricingSummary").path("priceSubtotal").path("currency").asText(null));
        canonical.put("currency", currency);
        Instant shipBy = null;
        Instant deliverBy = null;
        for (JsonNode line : order.path("lineItems")) {
            JsonNode instructions = line.path("lineItemFulfillmentInstructions");
            shipBy = earliest(shipBy, instant(instructions.path("shipByDate").asText(null), "shipByDate"));
            deliverBy = earliest(deliverBy, instant(instructions.path("maxEstimatedDeliveryDate").asText(null), "maxEstimatedDeliveryDate"));
        }
        if (shipBy != null) {
            canonical.put("shipBy", shipBy.toString());
        }
        if (deliverBy != null) {
            canonical.put("deliverBy", deliverBy.toString());
        }
        JsonNode registered = order.path("buyer").path("buyerRegistrationAddress");
        if (registered.isObject() && (registered.hasNonNull("fullName") || registered.hasNonNull("email"))) {
            ObjectNode buyer = canonical.putObject("buyer");
            putIfText(buyer, "name", registered.path("fullName"));
            putIfText(buyer, "email", registered.path("email"));
        }
        JsonNode start = order.path("fulfillmentStartInstructions").path(0);
        String type = start.path("fulfillmentInstructionsType").asText("SHIP_TO");
        if (!SHIPPED.contains(type)) {
            throw new IllegalArgumentException("fulfillmentInstructionsType " + type + ": the seller does not ship it (the hub ships orders only)");
        }
        JsonNode shipTo = start.path("shippingStep").path("shipTo");
        if (shipTo.isObject()) {
            JsonNode address = shipTo.path("contactAddress");
            ObjectNode to = canonical.putObject("shipTo");
            putIfText(to, "name", shipTo.hasNonNull("fullName") ? shipTo.path("fullName") : shipTo.path("companyName"));
            putIfText(to, "line1", address.path("addressLine1"));
            putIfText(to, "line2", address.path("addressLine2"));
            putIfText(to, "city", address.path("city"));
            putIfText(to, "region", address.path("stateOrProvince"));
            putIfText(to, "postalCode", address.path("postalCode"));
            putIfText(to, "country", address.path("countryCode"));
        }
        for (JsonNode line : order.path("lineItems")) {
            ObjectNode out = canonical.withArray("lines").addObject();
            out.put("lineId", line.path("lineItemId").asText(null));
            putIfText(out, "sku", line.path("sku"));
            out.set("qty", line.get("quantity"));
            out.put("unitPrice", unitPrice(line, currency));
        }
        return canonical;
    }

    /** lineItemCost.value / quantity, exact in the currency's decimals. */
    static String unitPrice(JsonNode line, String currency) {
        String id = line.path("lineItemId").asText("?");
        String value = line.path("lineItemCost").path("value").asText(null);
        int qty = line.path("quantity").asInt(0);
        if (value == null || qty < 1) {
            return value; // the hub names what is missing
        }
        BigDecimal cost;
        try {
            cost = new BigDecimal(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("line item " + id + ": lineItemCost.value \"" + value + "\" is not a decimal");
        }
        BigDecimal unit = cost.divide(BigDecimal.valueOf(qty), java.math.MathContext.DECIMAL128).stripTrailingZeros();
        int decimals = decimals(currency);
        if (unit.scale() > decimals) {
            throw new IllegalArgumentException("line item " + id + ": lineItemCost " + value + " for " + qty
                    + " units is no whole unit price in " + currency);
        }
        return unit.setScale(Math.max(decimals, 0), java.math.RoundingMode.UNNECESSARY).toPlainString();
    }

    private static int decimals(String currency) {
        try {
            return currency == null ? 2 : Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
        } catch (IllegalArgumentException e) {
            return 2;
        }
    }

    private static String text(JsonNode node, String field) {
        return node.path(field).isTextual() ? node.path(field).asText() : null;
    }

    private static void putIfText(ObjectNode target, String field, JsonNode value) {
        if (value != null && value.isTextual() && !value.asText().isBlank()) {
            target.put(field, value.asText());
        }
    }

    private static String first(String a, String b) {
        return a != null ? a : b;
    }

    private static Instant instant(String text, String field) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " \"" + text + "\" is not an ISO-8601 time");
        }
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
    }
}
