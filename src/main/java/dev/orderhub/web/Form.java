package dev.orderhub.web;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.orderhub.api.ApiException;
import dev.orderhub.api.JsonBodies;
import dev.orderhub.input.InputRules;
import jakarta.servlet.http.HttpServletRequest;

/**
 * A console form as htmx posts it ({@code application/x-www-form-urlencoded}), read from the
 * body by the hub itself within the API's body limit (Tomcat never parses form bodies here),
 * every value checked like the API's text fields: printable and bounded, 400 naming the field.
 */
final class Form {

    private final Map<String, List<String>> values;

    private Form(Map<String, List<String>> values) {
        this.values = values;
    }

    static Form read(HttpServletRequest request, JsonBodies bodies) {
        String type = request.getContentType();
        Map<String, List<String>> values = new LinkedHashMap<>();
        if (request.getContentLengthLong() == 0 && request.getHeader("Transfer-Encoding") == null) {
            return new Form(values);
        }
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            throw new ApiException(org.springframework.http.HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                    "Content-Type " + type + " is not accepted here; the console posts application/x-www-form-urlencoded");
        }
        String body = new String(bodies.bytes(request), StandardCharsets.UTF_8);
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("body: not a valid form (bad %-encoding)");
            }
        }
        return new Form(values);
    }

    /** A text field: null when absent or empty and not required. */
    String text(String name, boolean required, int max) {
        List<String> given = values.get(name);
        String value = given == null || given.isEmpty() ? null : given.get(0).strip();
        if (value == null || value.isEmpty()) {
            if (required) {
                throw ApiException.invalid(name + ": is required");
            }
            return null;
        }
        String problem = InputRules.textProblem(value, max);
        if (problem != null) {
            throw ApiException.invalid(name + ": " + problem);
        }
        return value;
    }

    /** A multi-line text (an edited payload): line breaks and tabs allowed, bounded. */
    String block(String name, boolean required, int max) {
        List<String> given = values.get(name);
        String value = given == null || given.isEmpty() ? null : given.get(0);
        if (value == null || value.isBlank()) {
            if (required) {
                throw ApiException.invalid(name + ": is required");
            }
            return null;
        }
        String problem = InputRules.blockProblem(value, max);
        if (problem != null) {
            throw ApiException.invalid(name + ": " + problem);
        }
        return value;
    }

    long whole(String name, long min, long max) {
        String value = text(name, true, 20);
        try {
            long number = Long.parseLong(value);
            if (number < min || number > max) {
                throw ApiException.invalid(name + ": must be between " + min + " and " + max + ", was " + number);
            }
            return number;
        } catch (NumberFormatException e) {
            throw ApiException.invalid(name + ": must be a whole number, was \"" + value.replaceAll("[^0-9A-Za-z.-]", "?") + "\"");
        }
    }

    List<Long> ids(String name) {
        List<Long> ids = new ArrayList<>();
        for (String value : values.getOrDefault(name, List.of())) {
            try {
                ids.add(Long.parseLong(value));
            } catch (NumberFormatException e) {
                throw ApiException.invalid(name + ": \"" + value.replaceAll("[^0-9A-Za-z]", "?") + "\" is not an id");
            }
        }
        if (ids.isEmpty() || ids.size() > 500) {
            throw ApiException.invalid(name + ": select between 1 and 500 entries");
        }
        return ids;
    }
}
