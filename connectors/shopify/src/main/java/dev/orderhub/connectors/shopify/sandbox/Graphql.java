package dev.orderhub.connectors.shopify.sandbox;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A small reader of GraphQL documents (one operation: query or mutation, its variable
 * definitions, fields with aliases, arguments and directives, nested selections), enough for
 * the documents the connector sends. Fragments are refused rather than half read. The sandbox
 * interprets what it reads; the schema check in the tests walks the same tree against the
 * published introspection.
 */
public final class Graphql {

    private Graphql() {
    }

    /** {@code type} is "query" or "mutation"; {@code variables} maps each variable to its type as written ("[String!]!"). */
    public record Operation(String type, String name, Map<String, String> variables, List<Field> selections) {
    }

    public record Field(String alias, String name, Map<String, Object> arguments, List<Directive> directives, List<Field> selections) {

        /** The key the field answers under: its alias, else its name. */
        public String key() {
            return alias == null ? name : alias;
        }

        public Field selection(String name) {
            return selections.stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
        }
    }

    public record Directive(String name, Map<String, Object> arguments) {
    }

    /** {@code $name} in an argument. */
    public record Variable(String name) {
    }

    /** An enum literal, written bare ({@code UPDATED_AT}). */
    public record EnumValue(String name) {
    }

    /** The document cannot be read; the message says where. */
    public static final class SyntaxError extends RuntimeException {
        SyntaxError(String message) {
            super(message);
        }
    }

    public static Operation parse(String document) {
        return new Reader(document).operation();
    }

    /** An argument's value as JSON, its variables taken from {@code variables}; an enum as its name. */
    public static JsonNode value(Object value, JsonNode variables) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (value == null) {
            return f.nullNode();
        }
        if (value instanceof Variable v) {
            JsonNode given = variables == null ? null : variables.get(v.name());
            return given == null ? f.nullNode() : given;
        }
        if (value instanceof EnumValue e) {
            return f.textNode(e.name());
        }
        if (value instanceof String s) {
            return f.textNode(s);
        }
        if (value instanceof Boolean b) {
            return f.booleanNode(b);
        }
        if (value instanceof Long l) {
            return f.numberNode(l);
        }
        if (value instanceof BigDecimal d) {
            return f.numberNode(d);
        }
        if (value instanceof List<?> list) {
            ArrayNode array = f.arrayNode();
            list.forEach(item -> array.add(value(item, variables)));
            return array;
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = f.objectNode();
            map.forEach((k, v) -> object.set((String) k, value(v, variables)));
            return object;
        }
        throw new IllegalArgumentException("not a GraphQL value: " + value);
    }

    private static final class Reader {
        private final String text;
        private int at;

        Reader(String text) {
            this.text = text == null ? "" : text;
        }

        Operation operation() {
            skip();
            String type = "query";
            String name = null;
            Map<String, String> variables = new LinkedHashMap<>();
            if (peek() != '{') {
                type = name();
                if (!type.equals("query") && !type.equals("mutation")) {
                    throw error("expected query, mutation or {, found \"" + type + "\""
                            + (type.equals("fragment") || type.equals("subscription") ? " (not supported)" : ""));
                }
                if (Character.isLetter(peek()) || peek() == '_') {
                    name = name();
                }
                if (peek() == '(') {
                    expect('(');
                    while (peek() != ')') {
                        expect('$');
                        String variable = name();
                        expect(':');
                        variables.put(variable, type());
                        if (peek() == '=') {
                            expect('=');
                            value();
                        }
                    }
                    expect(')');
                }
                directives();
            }
            List<Field> selections = selections();
            if (at < text.length()) {
                throw error("one operation per document; found more after it");
            }
            return new Operation(type, name, variables, selections);
        }

        private List<Field> selections() {
            expect('{');
            List<Field> fields = new ArrayList<>();
            while (peek() != '}') {
                if (peek() == '.') {
                    throw error("fragments are not supported");
                }
                String first = name();
                String alias = null;
                String name = first;
                if (peek() == ':') {
                    expect(':');
                    alias = first;
                    name = name();
                }
                Map<String, Object> arguments = peek() == '(' ? arguments() : Map.of();
                List<Directive> directives = directives();
                List<Field> sub = peek() == '{' ? selections() : List.of();
                fields.add(new Field(alias, name, arguments, directives, sub));
            }
            expect('}');
            return fields;
        }

        private Map<String, Object> arguments() {
            expect('(');
            Map<String, Object> arguments = new LinkedHashMap<>();
            while (peek() != ')') {
                String name = name();
                expect(':');
                arguments.put(name, value());
            }
            expect(')');
            return arguments;
        }

        private List<Directive> directives() {
            List<Directive> directives = new ArrayList<>();
            while (peek() == '@') {
                expect('@');
                String name = name();
                directives.add(new Directive(name, peek() == '(' ? arguments() : Map.of()));
            }
            return directives;
        }

        private String type() {
            StringBuilder type = new StringBuilder();
            if (peek() == '[') {
                expect('[');
                type.append('[').append(type()).append(']');
                expect(']');
            } else {
                type.append(name());
            }
            if (peek() == '!') {
                expect('!');
                type.append('!');
            }
            return type.toString();
        }

        private Object value() {
            char c = peek();
            if (c == '$') {
                expect('$');
                return new Variable(name());
            }
            if (c == '"') {
                return string();
            }
            if (c == '[') {
                expect('[');
                List<Object> list = new ArrayList<>();
                while (peek() != ']') {
                    list.add(value());
                }
                expect(']');
                return list;
            }
            if (c == '{') {
                expect('{');
                Map<String, Object> object = new LinkedHashMap<>();
                while (peek() != '}') {
                    String name = name();
                    expect(':');
                    object.put(name, value());
                }
                expect('}');
                return object;
            }
            if (c == '-' || Character.isDigit(c)) {
                int start = at;
                at++;
                while (at < text.length() && (Character.isDigit(text.charAt(at)) || "eE.+-".indexOf(text.charAt(at)) >= 0)) {
                    at++;
                }
                String number = text.substring(start, at);
                skip();
                return number.matches("-?\\d+") ? (Object) Long.valueOf(number) : new BigDecimal(number);
            }
            String name = name();
            return switch (name) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                case "null" -> null;
                default -> new EnumValue(name);
            };
        }

        private String string() {
            if (text.startsWith("\"\"\"", at)) {
                int end = text.indexOf("\"\"\"", at + 3);
                if (end < 0) {
                    throw error("unterminated block string");
                }
                String block = text.substring(at + 3, end);
                at = end + 3;
                skip();
                return block;
            }
            at++;
            StringBuilder out = new StringBuilder();
            while (true) {
                if (at >= text.length()) {
                    throw error("unterminated string");
                }
                char c = text.charAt(at++);
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    char e = text.charAt(at++);
                    switch (e) {
                        case 'n' -> out.append('\n');
                        case 't' -> out.append('\t');
                        case 'r' -> out.append('\r');
                        case 'b' -> out.append('\b');
                        case 'f' -> out.append('\f');
                        case 'u' -> {
                            out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                            at += 4;
                        }
                        default -> out.append(e);
                    }
                } else {
                    out.append(c);
                }
            }
            skip();
            return out.toString();
        }

        private String name() {
            int start = at;
            while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_')) {
                at++;
            }
            if (start == at) {
                throw error("expected a name");
            }
            String name = text.substring(start, at);
            skip();
            return name;
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            at++;
            skip();
        }

        private char peek() {
            return at < text.length() ? text.charAt(at) : '\0';
        }

        /** Whitespace, commas and comments are insignificant. */
        private void skip() {
            while (at < text.length()) {
                char c = text.charAt(at);
                if (c == '#') {
                    while (at < text.length() && text.charAt(at) != '\n') {
                        at++;
                    }
                } else if (Character.isWhitespace(c) || c == ',' || c == '\uFEFF') {
                    at++;
                } else {
                    break;
                }
            }
        }

        private SyntaxError error(String what) {
            int line = 1;
            int column = 1;
            for (int i = 0; i < Math.min(at, text.length()); i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                    column = 1;
                } else {
                    column++;
                }
            }
            return new SyntaxError("line " + line + ", column " + column + ": " + what);
        }
    }
}
