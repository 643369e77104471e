package dev.orderhub.api;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads typed fields from a JSON request body; a wrong field is a 400 naming it. */
final class Fields {

    private Fields() {
    }

    static long wholeNumber(JsonNode body, String field, long min, long max) {
        JsonNode node = object(body).get(field);
        if (node == null || node.isNull()) {
            throw ApiException.invalid(field + ": is required");
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw ApiException.invalid(field + ": must be a whole number, was " + node);
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
            throw ApiException.invalid(field + ": must be a non-blank string, was " + node);
        }
        if (node.asText().length() > maxLength) {
            throw ApiException.invalid(field + ": at most " + maxLength + " characters");
        }
        return node.asText();
    }

    static JsonNode object(JsonNode body) {
        if (!body.isObject()) {
            throw ApiException.invalid("body: must be a JSON object");
        }
        return body;
    }
}
