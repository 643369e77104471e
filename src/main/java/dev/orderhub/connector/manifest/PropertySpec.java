package dev.orderhub.connector.manifest;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One property of a connector, as its manifest declares it (Kamelet style): what it means, its
 * type and the rules its value must follow. Values are typed: strings as {@link String},
 * integers as {@link Long}, numbers as {@link Double}, booleans as {@link Boolean}, arrays as a
 * {@link List} of those.
 *
 * @param format       null when none
 * @param pattern      a regular expression the value must contain a match of (JSON-schema
 *                     semantics: anchor it with ^…$ to match the whole value); null when none
 * @param enumValues   the only values allowed; empty when any
 * @param defaultValue applied when the channel gives none; null when none
 * @param example      shown in documentation; null when none
 * @param secret       never shown or logged; must be written as a ${VAR} placeholder
 * @param items        the rules for each element of an array; null for other types
 */
public record PropertySpec(String title, String description, PropertyType type, PropertyFormat format, String pattern,
                           List<Object> enumValues, Object defaultValue, Object example, boolean required,
                           boolean secret, Items items) {

    /** The rules for each element of an array property. */
    public record Items(PropertyType type, String pattern, List<Object> enumValues) {
    }

    public PropertySpec {
        enumValues = enumValues == null ? List.of() : List.copyOf(enumValues);
    }

    /** A value that breaks a property's rules; the message never contains a secret's value. */
    static final class BadValue extends Exception {
        BadValue(String message) {
            super(message);
        }
    }

    /**
     * The value as this property's type, or why it cannot be: {@code "5"} becomes 5L for an
     * integer, {@code "a,b"} or a bound {0: a, 1: b} becomes [a, b] for an array.
     */
    Object convert(Object value) throws BadValue {
        if (type != PropertyType.ARRAY) {
            return scalar(type, format, pattern, enumValues, value, secret);
        }
        List<?> elements = elements(value);
        List<Object> converted = new ArrayList<>();
        for (int i = 0; i < elements.size(); i++) {
            try {
                converted.add(items == null ? scalar(PropertyType.STRING, null, null, List.of(), elements.get(i), secret)
                        : scalar(items.type(), null, items.pattern(), items.enumValues(), elements.get(i), secret));
            } catch (BadValue e) {
                throw new BadValue("element " + i + " " + e.getMessage());
            }
        }
        return List.copyOf(converted);
    }

    private static List<?> elements(Object value) throws BadValue {
        if (value instanceof List<?> list) {
            return list;
        }
        if (value instanceof Map<?, ?> map && map.keySet().stream().allMatch(k -> String.valueOf(k).matches("\\d+"))) {
            // Spring binds a YAML list under a Map<String, Object> as {0: a, 1: b}
            return new TreeMap<>(map.entrySet().stream().collect(Collectors.toMap(
                    e -> Integer.parseInt(String.valueOf(e.getKey())), Map.Entry::getValue))).values().stream().toList();
        }
        if (value instanceof String text) {
            return text.isBlank() ? List.of() : List.of(text.split("\\s*,\\s*"));
        }
        if (value instanceof Map<?, ?>) {
            throw new BadValue("must be a list, not an object");
        }
        return List.of(value);
    }

    static Object scalar(PropertyType type, PropertyFormat format, String pattern, List<Object> enumValues, Object value,
                         boolean secret) throws BadValue {
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            throw new BadValue("must be " + article(type) + ", not " + (value instanceof Map<?, ?> ? "an object" : "a list"));
        }
        String text = String.valueOf(value).trim();
        Object typed = switch (type) {
            case STRING -> String.valueOf(value);
            case INTEGER -> {
                if (value instanceof Integer || value instanceof Long) {
                    yield ((Number) value).longValue();
                }
                try {
                    yield Long.parseLong(text);
                } catch (NumberFormatException e) {
                    throw new BadValue("must be an integer, not " + shown(value, secret));
                }
            }
            case NUMBER -> {
                if (value instanceof Number number) {
                    yield number.doubleValue();
                }
                try {
                    yield Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new BadValue("must be a number, not " + shown(value, secret));
                }
            }
            case BOOLEAN -> {
                if (value instanceof Boolean b) {
                    yield b;
                }
                if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                    yield Boolean.parseBoolean(text.toLowerCase(Locale.ROOT));
                }
                throw new BadValue("must be true or false, not " + shown(value, secret));
            }
            case ARRAY -> throw new IllegalArgumentException("arrays are converted element by element");
        };
        if (format == PropertyFormat.URI) {
            try {
                URI uri = new URI(text);
                if (!uri.isAbsolute() || uri.getHost() == null) {
                    throw new BadValue("must be an absolute URI with a host, like https://host/path, not " + shown(value, secret));
                }
            } catch (URISyntaxException e) {
                throw new BadValue("must be an absolute URI with a host, like https://host/path, not " + shown(value, secret));
            }
        }
        if (format == PropertyFormat.DURATION && DurationText.parse(text).isEmpty()) {
            throw new BadValue("must be " + DurationText.RULE + ", not " + shown(value, secret));
        }
        if (pattern != null && !Pattern.compile(pattern).matcher(String.valueOf(typed)).find()) {
            throw new BadValue("does not match pattern " + pattern + (secret ? " (value not shown: secret)" : ": \"" + value + "\""));
        }
        if (!enumValues.isEmpty() && !enumValues.contains(typed)) {
            throw new BadValue("must be one of " + enumValues + ", not " + shown(value, secret));
        }
        return typed;
    }

    private static String shown(Object value, boolean secret) {
        return secret ? "the value given (not shown: secret)" : "\"" + value + "\"";
    }

    private static String article(PropertyType type) {
        return type == PropertyType.INTEGER ? "an integer" : "a " + type.id();
    }
}
