package dev.orderhub.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.input.InputRules;

/**
 * Reads typed fields from a JSON request body; a wrong field is a 400 naming it. Text follows
 * {@link InputRules} (printable, bounded), the same rule as orders, path variables and headers.
 */
final class Fields {

    private Fields() {
    }

    static long wholeNumber(JsonNode body, String field, long min, long max) {
        JsonNode node = object(body).get(field);
        if (node == null || node.isNull()) {
            throw ApiException.invalid(field + ": is required");
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw ApiException.invalid(field + ": must be a whole number, was " + abbreviate(node.toString()));
        }
        long value = node.longValue();
        if (value < min || value > max) {
            throw ApiException.invalid(field + ": must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    static String text(JsonNode body, String field, boolean required, int maxLength) {
        JsonNode node = object(body).get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw ApiException.invalid(field + ": is required");
            }
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw ApiException.invalid(field + ": must be a non-blank string, was " + (node.isTextual() ? "blank"
                    : node.getNodeType().name().toLowerCase()));
        }
        text(field, node.asText(), maxLength);
        return node.asText();
    }

    /** A sku field: {@link InputRules#skuProblem}. */
    static String sku(JsonNode body, String field) {
        String sku = text(body, field, true, InputRules.MAX_SKU_LENGTH);
        sku(field, sku);
        return sku;
    }

    /** Checks text from anywhere at the edge (a body field, path variable, parameter or header). */
    static void text(String field, String value, int maxLength) {
        String problem = InputRules.textProblem(value, maxLength);
        if (problem != null) {
            throw ApiException.invalid(field + ": " + problem);
        }
    }

    static void sku(String field, String value) {
        String problem = InputRules.skuProblem(value);
        if (problem != null) {
            throw ApiException.invalid(field + ": " + problem);
        }
    }

    static JsonNode object(JsonNode body) {
        if (!body.isObject()) {
            throw ApiException.invalid("body: must be a JSON object");
        }
        return body;
    }

    /** A parameter value fit to quote in an error: at most 40 characters, anything not printable as "?". */
    static String quoted(String value) {
        StringBuilder safe = new StringBuilder();
        abbreviate(value).codePoints().forEach(c -> safe.appendCodePoint(c < 0x20 || c == 0x7f || c == '"' || c == '\\'
                || Character.getType(c) == Character.FORMAT || Character.getType(c) == Character.SURROGATE ? '?' : c));
        return safe.toString();
    }

    private static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "...";
    }
}
