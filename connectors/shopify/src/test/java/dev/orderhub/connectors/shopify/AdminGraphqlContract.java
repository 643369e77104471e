package dev.orderhub.connectors.shopify;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.conformance.ConformanceStub;
import dev.orderhub.conformance.StubTap;
import dev.orderhub.connectors.shopify.sandbox.Graphql;
import dev.orderhub.connectors.shopify.sandbox.ShopifySandbox;

/**
 * The published Admin GraphQL schema (the 2026-04 introspection in ../shared/specs) as a
 * contract for both directions of every exchange: a request's document (each field exists on
 * its type and is not deprecated, each argument exists and an enum literal is one of its type's
 * values, required arguments given, directives known and allowed where used, the mutations that
 * require {@code @idempotent} carrying it, leaves without and objects with a selection), its
 * variables against their declared types (input object fields, required fields, enum values,
 * scalar kinds), and the answer's {@code data} against the selection (every selected field
 * present, non-null ones not null, enum values the schema's, scalars of their kind) plus the
 * documented {@code extensions.cost} shape.
 */
final class AdminGraphqlContract implements ConformanceStub.SpecCheck {

    static final Path SCHEMA = Path.of("..", "shared", "specs", "shopify-admin-graphql", "admin_2026-04.json.gz");
    /** The mutations that require @idempotent(key:) from 2026-04 (the specs README, "Quirks"). */
    static final Set<String> IDEMPOTENT = Set.of("inventorySetQuantities", "inventoryAdjustQuantities", "inventoryMoveQuantities",
            "inventoryActivate", "inventorySetOnHandQuantities", "inventorySetScheduledChanges", "refundCreate", "locationActivate",
            "locationDeactivate");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, JsonNode> types = new HashMap<>();
    private final Map<String, JsonNode> directives = new HashMap<>();
    private final String queryRoot;
    private final String mutationRoot;

    private AdminGraphqlContract(JsonNode schema) {
        schema.path("types").forEach(t -> types.put(t.path("name").asText(), t));
        schema.path("directives").forEach(d -> directives.put(d.path("name").asText(), d));
        queryRoot = schema.path("queryType").path("name").asText();
        mutationRoot = schema.path("mutationType").path("name").asText();
    }

    static boolean available() {
        return Files.isRegularFile(SCHEMA);
    }

    static AdminGraphqlContract load() {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(SCHEMA))) {
            return new AdminGraphqlContract(JSON.readTree(in).path("data").path("__schema"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SCHEMA, e);
        }
    }

    private static boolean graphqlCall(StubTap.Exchange exchange) {
        return exchange.call().method().equals("POST") && exchange.call().path().equals(ShopifySandbox.API_PATH);
    }

    // ---- requests ------------------------------------------------------------------------------

    @Override
    public List<String> request(StubTap.Exchange exchange) {
        if (!graphqlCall(exchange)) {
            return List.of(exchange.call().method() + " " + exchange.call().path() + ": not the Admin GraphQL endpoint");
        }
        try {
            JsonNode body = JSON.readTree(exchange.call().body());
            return document(body.path("query").asText(""), body.path("variables"));
        } catch (IOException e) {
            return List.of("request body is not JSON: " + e.getMessage());
        }
    }

    /** What is wrong with a document and its variables against the schema (empty: nothing). */
    List<String> document(String document, JsonNode variables) {
        List<String> problems = new ArrayList<>();
        Graphql.Operation operation;
        try {
            operation = Graphql.parse(document);
        } catch (Graphql.SyntaxError e) {
            return List.of("document does not parse: " + e.getMessage());
        }
        String root = operation.type().equals("mutation") ? mutationRoot : queryRoot;
        for (Map.Entry<String, String> variable : operation.variables().entrySet()) {
            String named = variable.getValue().replaceAll("[\\[\\]!]", "");
            if (!types.containsKey(named)) {
                problems.add("$" + variable.getKey() + ": type " + named + " is not in the schema");
            } else {
                input(variable.getValue(), variables.path(variable.getKey()), "$" + variable.getKey(), problems);
            }
        }
        selections(root, operation.selections(), operation, root, problems);
        return problems;
    }

    private void selections(String typeName, List<Graphql.Field> fields, Graphql.Operation operation, String at, List<String> problems) {
        JsonNode type = types.get(typeName);
        for (Graphql.Field field : fields) {
            String where = at + "." + field.name();
            if (field.name().equals("__typename")) {
                continue;
            }
            JsonNode definition = field(type, field.name());
            if (definition == null) {
                problems.add(where + ": no field " + field.name() + " on " + typeName);
                continue;
            }
            if (definition.path("isDeprecated").asBoolean()) {
                problems.add(where + ": deprecated (" + definition.path("deprecationReason").asText() + ")");
            }
            arguments(definition.path("args"), field.arguments(), operation, where, problems);
            for (Graphql.Directive directive : field.directives()) {
                JsonNode known = directives.get(directive.name());
                if (known == null || !known.path("locations").toString().contains("\"FIELD\"")) {
                    problems.add(where + ": directive @" + directive.name() + " is not allowed on a field");
                } else {
                    arguments(known.path("args"), directive.arguments(), operation, where + " @" + directive.name(), problems);
                }
            }
            if (typeName.equals(mutationRoot) && IDEMPOTENT.contains(field.name())
                    && field.directives().stream().noneMatch(d -> d.name().equals("idempotent"))) {
                problems.add(where + ": requires @idempotent(key:) from 2026-04");
            }
            JsonNode fieldType = named(definition.path("type"));
            String kind = fieldType.path("kind").asText();
            boolean leaf = kind.equals("SCALAR") || kind.equals("ENUM");
            if (leaf && !field.selections().isEmpty()) {
                problems.add(where + ": " + fieldType.path("name").asText() + " is a leaf, it takes no selection");
            } else if (!leaf && field.selections().isEmpty()) {
                problems.add(where + ": " + fieldType.path("name").asText() + " needs a selection");
            } else if (!leaf) {
                selections(fieldType.path("name").asText(), field.selections(), operation, where, problems);
            }
        }
    }

    private void arguments(JsonNode definitions, Map<String, Object> given, Graphql.Operation operation, String where, List<String> problems) {
        for (Map.Entry<String, Object> argument : given.entrySet()) {
            JsonNode definition = null;
            for (JsonNode d : definitions) {
                if (d.path("name").asText().equals(argument.getKey())) {
                    definition = d;
                }
            }
            if (definition == null) {
                problems.add(where + ": no argument " + argument.getKey());
                continue;
            }
            if (definition.path("isDeprecated").asBoolean()) {
                problems.add(where + "(" + argument.getKey() + "): deprecated argument");
            }
            String expected = typeText(definition.path("type"));
            if (argument.getValue() instanceof Graphql.Variable variable) {
                String declared = operation.variables().get(variable.name());
                if (declared == null) {
                    problems.add(where + "(" + argument.getKey() + "): $" + variable.name() + " is not declared");
                } else if (!declared.replace("!", "").equals(expected.replace("!", "")) || expected.endsWith("!") && !declared.endsWith("!")) {
                    problems.add(where + "(" + argument.getKey() + "): $" + variable.name() + " is " + declared + ", the argument " + expected);
                }
            } else {
                literal(definition.path("type"), argument.getValue(), where + "(" + argument.getKey() + ")", problems);
            }
        }
        for (JsonNode d : definitions) {
            if (d.path("type").path("kind").asText().equals("NON_NULL") && d.path("defaultValue").isNull()
                    && !given.containsKey(d.path("name").asText())) {
                problems.add(where + ": required argument " + d.path("name").asText() + " missing");
            }
        }
    }

    /** A literal in the document against its type (variables inside are checked where declared). */
    private void literal(JsonNode type, Object value, String where, List<String> problems) {
        if (value instanceof Graphql.Variable) {
            return;
        }
        if (type.path("kind").asText().equals("NON_NULL")) {
            if (value == null) {
                problems.add(where + ": null for a non-null " + typeText(type));
            }
            literal(type.path("ofType"), value, where, problems);
            return;
        }
        if (value == null) {
            return;
        }
        JsonNode named = types.get(type.path("name").asText());
        switch (type.path("kind").asText()) {
            case "LIST" -> {
                for (Object item : value instanceof List<?> list ? list : List.of(value)) {
                    literal(type.path("ofType"), item, where + "[]", problems);
                }
            }
            case "ENUM" -> {
                if (!(value instanceof Graphql.EnumValue e) || !enumValues(named).contains(e.name())) {
                    problems.add(where + ": " + value + " is not a value of " + type.path("name").asText() + " " + enumValues(named));
                }
            }
            case "INPUT_OBJECT" -> {
                if (!(value instanceof Map<?, ?> map)) {
                    problems.add(where + ": " + type.path("name").asText() + " takes an object");
                    return;
                }
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    JsonNode field = inputField(named, (String) entry.getKey());
                    if (field == null) {
                        problems.add(where + ": " + type.path("name").asText() + " has no field " + entry.getKey());
                    } else {
                        literal(field.path("type"), entry.getValue(), where + "." + entry.getKey(), problems);
                    }
                }
                for (JsonNode field : named.path("inputFields")) {
                    if (field.path("type").path("kind").asText().equals("NON_NULL") && !map.containsKey(field.path("name").asText())) {
                        problems.add(where + ": " + type.path("name").asText() + "." + field.path("name").asText() + " is required");
                    }
                }
            }
            default -> scalar(type.path("name").asText(), Graphql.value(value, null), where, problems);
        }
    }

    /** A variable's JSON value against its declared type text ("[String!]!"). */
    private void input(String typeText, JsonNode value, String where, List<String> problems) {
        boolean nonNull = typeText.endsWith("!");
        String inner = nonNull ? typeText.substring(0, typeText.length() - 1) : typeText;
        if (value == null || value.isNull() || value.isMissingNode()) {
            if (nonNull) {
                problems.add(where + ": null or missing for " + typeText);
            }
            return;
        }
        if (inner.startsWith("[")) {
            String item = inner.substring(1, inner.length() - 1);
            for (JsonNode element : value.isArray() ? value : JSON.createArrayNode().add(value)) {
                input(item, element, where + "[]", problems);
            }
            return;
        }
        JsonNode type = types.get(inner);
        switch (type.path("kind").asText()) {
            case "ENUM" -> {
                if (!value.isTextual() || !enumValues(type).contains(value.asText())) {
                    problems.add(where + ": " + value + " is not a value of " + inner + " " + enumValues(type));
                }
            }
            case "INPUT_OBJECT" -> {
                if (!value.isObject()) {
                    problems.add(where + ": " + inner + " takes an object, not " + value);
                    return;
                }
                value.fieldNames().forEachRemaining(name -> {
                    JsonNode field = inputField(type, name);
                    if (field == null) {
                        problems.add(where + ": " + inner + " has no field " + name);
                    } else {
                        if (field.path("isDeprecated").asBoolean()) {
                            problems.add(where + "." + name + ": deprecated input field");
                        }
                        input(typeText(field.path("type")), value.get(name), where + "." + name, problems);
                    }
                });
                for (JsonNode field : type.path("inputFields")) {
                    if (field.path("type").path("kind").asText().equals("NON_NULL") && !value.has(field.path("name").asText())) {
                        problems.add(where + ": " + inner + "." + field.path("name").asText() + " is required");
                    }
                }
            }
            default -> scalar(inner, value, where, problems);
        }
    }

    private static void scalar(String scalar, JsonNode value, String where, List<String> problems) {
        boolean ok = switch (scalar) {
            case "Int" -> value.isIntegralNumber() && value.canConvertToInt();
            case "Float" -> value.isNumber();
            case "Boolean" -> value.isBoolean();
            case "String", "ID", "DateTime", "URL", "Decimal", "UnsignedInt64", "HTML", "Date" -> value.isTextual();
            default -> true; // JSON, Money, ... take several shapes
        };
        if (!ok) {
            problems.add(where + ": " + value + " is not a " + scalar);
        }
    }

    // ---- answers -------------------------------------------------------------------------------

    @Override
    public List<String> answer(StubTap.Exchange exchange) {
        if (!graphqlCall(exchange) || exchange.status() != 200) {
            return List.of(); // transport answers (401, a scripted 429 or 5xx, a lost answer) are not the schema's
        }
        List<String> problems = new ArrayList<>();
        JsonNode answer;
        Graphql.Operation operation;
        try {
            answer = JSON.readTree(exchange.answer());
            operation = Graphql.parse(JSON.readTree(exchange.call().body()).path("query").asText(""));
        } catch (IOException | Graphql.SyntaxError e) {
            return List.of("answer or request does not parse: " + e.getMessage());
        }
        if (!answer.isObject() || !answer.has("data") && !answer.has("errors")) {
            return List.of("a GraphQL answer is an object with data or errors, not " + exchange.answer());
        }
        boolean errors = answer.path("errors").isArray() && !answer.path("errors").isEmpty();
        for (JsonNode error : answer.path("errors")) {
            if (!error.path("message").isTextual()) {
                problems.add("errors[]: every error has a message");
            }
        }
        JsonNode cost = answer.path("extensions").path("cost");
        if (!cost.path("requestedQueryCost").isNumber() || !cost.path("throttleStatus").path("maximumAvailable").isNumber()
                || !cost.path("throttleStatus").path("currentlyAvailable").isNumber() || !cost.path("throttleStatus").path("restoreRate").isNumber()) {
            problems.add("extensions.cost: requestedQueryCost and throttleStatus {maximumAvailable, currentlyAvailable, restoreRate} as Shopify documents");
        }
        if (answer.has("data")) {
            String root = operation.type().equals("mutation") ? mutationRoot : queryRoot;
            data(root, operation.selections(), answer.path("data"), "data", errors, problems);
        }
        return problems;
    }

    private void data(String typeName, List<Graphql.Field> fields, JsonNode value, String at, boolean errors, List<String> problems) {
        if (!value.isObject()) {
            problems.add(at + ": " + typeName + " answered as " + value.getNodeType());
            return;
        }
        JsonNode type = types.get(typeName);
        for (Graphql.Field field : fields) {
            JsonNode definition = field(type, field.name());
            if (definition == null) {
                continue; // the request check says so
            }
            String where = at + "." + field.key();
            if (!value.has(field.key())) {
                problems.add(where + ": selected, missing from the answer");
                continue;
            }
            typed(definition.path("type"), field, value.get(field.key()), where, errors, problems);
        }
        value.fieldNames().forEachRemaining(name -> {
            if (fields.stream().noneMatch(f -> f.key().equals(name))) {
                problems.add(at + "." + name + ": answered, not selected");
            }
        });
    }

    private void typed(JsonNode type, Graphql.Field field, JsonNode value, String where, boolean errors, List<String> problems) {
        String kind = type.path("kind").asText();
        if (kind.equals("NON_NULL")) {
            if (value.isNull() && !errors) {
                problems.add(where + ": null for non-null " + typeText(type));
                return;
            }
            typed(type.path("ofType"), field, value, where, errors, problems);
            return;
        }
        if (value.isNull()) {
            return;
        }
        switch (kind) {
            case "LIST" -> {
                if (!value.isArray()) {
                    problems.add(where + ": a list, answered as " + value.getNodeType());
                    return;
                }
                for (int i = 0; i < value.size(); i++) {
                    typed(type.path("ofType"), field, value.get(i), where + "[" + i + "]", errors, problems);
                }
            }
            case "ENUM" -> {
                if (!value.isTextual() || !enumValues(types.get(type.path("name").asText())).contains(value.asText())) {
                    problems.add(where + ": " + value + " is not a value of " + type.path("name").asText());
                }
            }
            case "SCALAR" -> scalar(type.path("name").asText(), value, where, problems);
            default -> data(type.path("name").asText(), field.selections(), value, where, errors, problems);
        }
    }

    // ---- the schema ----------------------------------------------------------------------------

    private static JsonNode field(JsonNode type, String name) {
        for (JsonNode field : type.path("fields")) {
            if (field.path("name").asText().equals(name)) {
                return field;
            }
        }
        return null;
    }

    private static JsonNode inputField(JsonNode type, String name) {
        for (JsonNode field : type.path("inputFields")) {
            if (field.path("name").asText().equals(name)) {
                return field;
            }
        }
        return null;
    }

    private JsonNode named(JsonNode type) {
        while (type.has("ofType") && !type.path("ofType").isNull()) {
            type = type.path("ofType");
        }
        return types.get(type.path("name").asText());
    }

    private static List<String> enumValues(JsonNode type) {
        List<String> values = new ArrayList<>();
        type.path("enumValues").forEach(v -> values.add(v.path("name").asText()));
        return values;
    }

    private static String typeText(JsonNode type) {
        return switch (type.path("kind").asText()) {
            case "NON_NULL" -> typeText(type.path("ofType")) + "!";
            case "LIST" -> "[" + typeText(type.path("ofType")) + "]";
            default -> type.path("name").asText();
        };
    }
}
