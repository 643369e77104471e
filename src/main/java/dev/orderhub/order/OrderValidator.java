package dev.orderhub.order;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.input.InputRules;

/**
 * Turns a canonical order JSON into an {@link OrderSubmission}, or refuses it naming every
 * field that is wrong and how (e.g. {@code lines[1].qty: must be between 1 and 10000, was 0}).
 * The same rules apply whether the order came over HTTP or straight onto the intake queue.
 */
public final class OrderValidator {

    public static final int MAX_QTY = 10_000;
    public static final int MAX_LINES = 500;
    private static final BigDecimal MAX_PRICE = new BigDecimal("1000000000");
    private static final Set<String> CURRENCIES = Currency.getAvailableCurrencies().stream()
            .map(Currency::getCurrencyCode).collect(Collectors.toUnmodifiableSet());
    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());

    private final List<String> problems = new ArrayList<>();

    private OrderValidator() {
    }

    /** Validates an order posted for {@code channel}; throws {@link InvalidOrderException} listing every problem. */
    public static OrderSubmission validate(String channel, JsonNode body) {
        return new OrderValidator().read(channel, body);
    }

    private OrderSubmission read(String channel, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidOrderException("body: must be a JSON object");
        }
        String channelOrderId = text(body, "channelOrderId", "channelOrderId", 100, true);
        FulfilmentMode mode = fulfilmentMode(body.get("fulfilmentMode"));
        Instant placedAt = instant(body, "placedAt", true);
        Instant shipBy = instant(body, "shipBy", false);
        Instant deliverBy = instant(body, "deliverBy", false);
        String currency = text(body, "currency", "currency", 3, true);
        if (currency != null && !CURRENCIES.contains(currency)) {
            problems.add("currency: \"" + currency + "\" is not an ISO 4217 currency code");
        }
        Currency money = currency != null && CURRENCIES.contains(currency) ? Currency.getInstance(currency) : null;
        Buyer buyer = buyer(body.get("buyer"));
        // A channel-fulfilled order (FBA...) may come without an address: the channel ships it.
        JsonNode address = body.get("shipTo");
        Address shipTo = mode == FulfilmentMode.CHANNEL && (address == null || address.isNull()) ? null : address(address);
        List<OrderLine> lines = lines(body.get("lines"), money);
        if (!problems.isEmpty()) {
            throw new InvalidOrderException(problems);
        }
        return new OrderSubmission(channel, channelOrderId, mode, placedAt, shipBy, deliverBy, currency, buyer,
                shipTo, lines);
    }

    private FulfilmentMode fulfilmentMode(JsonNode node) {
        if (node == null || node.isNull()) {
            return FulfilmentMode.MERCHANT;
        }
        if (node.isTextual()) {
            for (FulfilmentMode mode : FulfilmentMode.values()) {
                if (mode.name().equals(node.asText())) {
                    return mode;
                }
            }
        }
        problems.add("fulfilmentMode: must be one of MERCHANT, CHANNEL, PRIME_MERCHANT, MCF, was " + abbreviate(node.toString()));
        return null;
    }

    private Buyer buyer(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            problems.add("buyer: must be an object");
            return null;
        }
        return new Buyer(personal(node, "name", "buyer.name", 200, false), personal(node, "email", "buyer.email", 200, false));
    }

    private Address address(JsonNode node) {
        if (node == null || node.isNull()) {
            problems.add("shipTo: is required");
            return null;
        }
        if (!node.isObject()) {
            problems.add("shipTo: must be an object");
            return null;
        }
        String country = text(node, "country", "shipTo.country", 2, true);
        if (country != null && !COUNTRIES.contains(country)) {
            problems.add("shipTo.country: \"" + country + "\" is not an ISO 3166-1 alpha-2 country code");
        }
        return new Address(personal(node, "name", "shipTo.name", 200, true), personal(node, "line1", "shipTo.line1", 200, true),
                personal(node, "line2", "shipTo.line2", 200, false), personal(node, "city", "shipTo.city", 100, true),
                personal(node, "region", "shipTo.region", 100, false),
                personal(node, "postalCode", "shipTo.postalCode", 32, true), country);
    }

    private List<OrderLine> lines(JsonNode node, Currency currency) {
        if (node == null || node.isNull()) {
            problems.add("lines: is required");
            return List.of();
        }
        if (!node.isArray()) {
            problems.add("lines: must be an array");
            return List.of();
        }
        if (node.isEmpty()) {
            problems.add("lines: must hold at least one line");
            return List.of();
        }
        if (node.size() > MAX_LINES) {
            problems.add("lines: at most " + MAX_LINES + " lines, was " + node.size());
            return List.of();
        }
        List<OrderLine> lines = new ArrayList<>();
        Set<String> lineIds = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String at = "lines[" + i + "]";
            JsonNode line = node.get(i);
            if (!line.isObject()) {
                problems.add(at + ": must be an object");
                continue;
            }
            String lineId = text(line, "lineId", at + ".lineId", 100, true);
            if (lineId != null && !lineIds.add(lineId)) {
                problems.add(at + ".lineId: \"" + lineId + "\" appears twice in this order");
            }
            String sku = text(line, "sku", at + ".sku", InputRules.MAX_SKU_LENGTH, true);
            if (sku != null && InputRules.skuProblem(sku) != null) {
                problems.add(at + ".sku: " + InputRules.skuProblem(sku));
                sku = null;
            }
            Integer qty = qty(line.get("qty"), at + ".qty");
            BigDecimal unitPrice = money(line.get("unitPrice"), at + ".unitPrice", true, currency);
            BigDecimal tax = money(line.get("tax"), at + ".tax", false, currency);
            if (qty != null) {
                lines.add(new OrderLine(lineId, sku, qty, unitPrice, tax == null ? BigDecimal.ZERO : tax));
            }
        }
        return lines;
    }

    private Integer qty(JsonNode node, String at) {
        if (node == null || node.isNull()) {
            problems.add(at + ": is required");
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            problems.add(at + ": must be a whole number, was " + abbreviate(node.toString()));
            return null;
        }
        int qty = node.intValue();
        if (qty < 1 || qty > MAX_QTY) {
            problems.add(at + ": must be between 1 and " + MAX_QTY + ", was " + qty);
            return null;
        }
        return qty;
    }

    /**
     * Money as a JSON number or a decimal string ("19.95": how SP-API, Shopify and bol send it),
     * read exactly from its text: {@link InputRules#money} (no exponent or sign, at most the
     * currency's decimals). Intake readers keep decimals exact ({@link dev.orderhub.input.StrictJson}).
     */
    private BigDecimal money(JsonNode node, String at, boolean required, Currency currency) {
        if (node == null || node.isNull()) {
            if (required) {
                problems.add(at + ": is required");
            }
            return null;
        }
        String text;
        if (node.isTextual()) {
            text = node.asText();
            if (text.length() > 40) {
                problems.add(at + ": at most 40 characters, was " + text.length());
                return null;
            }
        } else if (node.isNumber()) {
            if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) {
                problems.add(at + ": must be a finite number");
                return null;
            }
            text = node.decimalValue().toPlainString();
        } else {
            problems.add(at + ": must be a number or a decimal string, was " + abbreviate(node.toString()));
            return null;
        }
        try {
            return InputRules.money(text, currency, MAX_PRICE);
        } catch (InputRules.Refused refused) {
            problems.add(at + ": " + refused.getMessage());
            return null;
        }
    }

    private Instant instant(JsonNode parent, String field, boolean required) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                problems.add(field + ": is required");
            }
            return null;
        }
        if (!node.isTextual()) {
            problems.add(field + ": must be an ISO-8601 date-time string, was " + abbreviate(node.toString()));
            return null;
        }
        String unreadable = InputRules.textProblem(node.asText(), 64);
        if (unreadable != null) {
            problems.add(field + ": " + unreadable);
            return null;
        }
        try {
            return InputRules.instant(node.asText());
        } catch (InputRules.Refused refused) {
            problems.add(field + ": \"" + abbreviate(node.asText()) + "\" " + refused.getMessage());
            return null;
        }
    }

    /** Buyer and address fields: their values are personal data, so no problem quotes them. */
    private String personal(JsonNode parent, String field, String at, int maxLength, boolean required) {
        return text(parent, field, at, maxLength, required, true);
    }

    private String text(JsonNode parent, String field, String at, int maxLength, boolean required) {
        return text(parent, field, at, maxLength, required, false);
    }

    private String text(JsonNode parent, String field, String at, int maxLength, boolean required, boolean personal) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                problems.add(at + ": is required");
            }
            return null;
        }
        if (!node.isTextual()) {
            problems.add(at + ": must be a string, was " + (personal ? kind(node) : abbreviate(node.toString())));
            return null;
        }
        String value = node.asText();
        if (value.isBlank()) {
            if (required) {
                problems.add(at + ": is blank");
            }
            return null;
        }
        String problem = InputRules.textProblem(value, maxLength);
        if (problem != null) {
            problems.add(at + ": " + problem);
            return null;
        }
        return value;
    }

    /** What a value is, without what it says: "an array", "a number". */
    private static String kind(JsonNode node) {
        String type = node.getNodeType().name().toLowerCase();
        return ("aeiou".indexOf(type.charAt(0)) >= 0 ? "an " : "a ") + type;
    }

    private static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "...";
    }
}
