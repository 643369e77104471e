package dev.orderhub.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A published REST API spec (Swagger 2.0 or OpenAPI 3.0, one JSON file from ../shared/specs)
 * as a contract for what goes over the wire, both ways: a request must name an operation of
 * the spec (method and path, under its base path), send only declared query parameters with
 * the declared types, formats and enums, the required ones present, and a body following the
 * operation's schema; an answer must have a status the operation declares (or its
 * {@code default}) and a body following that response's schema. Schemas are checked for
 * {@code $ref}, required and unknown properties (where the schema lists its properties and
 * allows no others), types, {@code nullable}, enums, {@code allOf} / {@code oneOf} /
 * {@code anyOf}, string formats {@code date-time} and {@code date}, and numeric bounds.
 *
 * <p>A connector's {@link ConformanceStub#spec()} answers {@link #check(OpenApiContract...)}
 * of its spec files; each exchange is checked against the file whose base path and operations
 * cover it (an exchange no file covers, e.g. a token endpoint, is not checked).
 */
public final class OpenApiContract {

    /** The published specs, beside the project as in a developer's checkout. */
    public static final Path SPECS = Path.of("..", "shared", "specs");

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Some specs are published as YAML only (Shippo's). */
    private static final ObjectMapper YAML = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());

    private final String name;
    private final JsonNode spec;
    private final boolean openApi3;
    private final String basePath;

    private OpenApiContract(String name, JsonNode spec, String basePath) {
        this.name = name;
        this.spec = spec;
        this.openApi3 = spec.has("openapi");
        this.basePath = basePath;
    }

    /** Whether the published specs are there (a clone without ../shared has none). */
    public static boolean available() {
        return Files.isDirectory(SPECS);
    }

    /** A spec file under ../shared/specs, e.g. {@code ebay-sell-api/sell_fulfillment_v1_oas3.json}. */
    public static OpenApiContract of(String file) {
        return load(SPECS.resolve(file));
    }

    public static OpenApiContract load(Path file) {
        try {
            String name = file.getFileName().toString();
            JsonNode spec = (name.endsWith(".yaml") || name.endsWith(".yml") ? YAML : JSON).readTree(Files.readString(file));
            return new OpenApiContract(file.getFileName().toString(), spec, basePathOf(spec));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the spec " + file, e);
        }
    }

    /** The same spec with its operations under another base path (a stub that serves it elsewhere). */
    public OpenApiContract under(String otherBasePath) {
        return new OpenApiContract(name, spec, otherBasePath.endsWith("/")
                ? otherBasePath.substring(0, otherBasePath.length() - 1) : otherBasePath);
    }

    /** Swagger 2.0 {@code basePath}; OpenAPI 3 the path of the first server URL, its variables at their defaults. */
    private static String basePathOf(JsonNode spec) {
        String base = spec.path("basePath").asText("");
        JsonNode server = spec.path("servers").path(0);
        if (server.has("url")) {
            String url = server.path("url").asText();
            for (Map.Entry<String, JsonNode> variable : server.path("variables").properties()) {
                url = url.replace("{" + variable.getKey() + "}", variable.getValue().path("default").asText());
            }
            base = url.startsWith("/") ? url : Optional.ofNullable(URI.create(url).getPath()).orElse("");
        }
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    public String basePath() {
        return basePath;
    }

    /** Whether a request path is one of this spec's operations (any method). */
    public boolean covers(String path) {
        return relative(path).map(p -> pathItem(p) != null).orElse(false);
    }

    /** The checks of a stub's exchanges against these spec files (each exchange against the file covering it). */
    public static ConformanceStub.SpecCheck check(OpenApiContract... contracts) {
        List<OpenApiContract> all = List.of(contracts);
        return new ConformanceStub.SpecCheck() {
            private Optional<OpenApiContract> covering(StubTap.Exchange exchange) {
                return all.stream().filter(c -> c.covers(exchange.call().path())).findFirst();
            }

            @Override
            public List<String> request(StubTap.Exchange exchange) {
                return covering(exchange).map(c -> c.request(exchange)).orElse(List.of());
            }

            @Override
            public List<String> answer(StubTap.Exchange exchange) {
                return covering(exchange).map(c -> c.answer(exchange)).orElse(List.of());
            }
        };
    }

    public List<String> request(StubTap.Exchange exchange) {
        StubTap.Call call = exchange.call();
        return request(call.method(), call.path(), call.query(), call.body());
    }

    public List<String> answer(StubTap.Exchange exchange) {
        if (exchange.status() < 0) {
            return List.of(); // the stub dropped the connection on purpose: no answer to check
        }
        return answer(exchange.call().method(), exchange.call().path(), exchange.status(), exchange.answer());
    }

    /** What is wrong with this document against the spec file as a JSON Schema (its root schema). */
    public List<String> document(JsonNode document) {
        List<String> problems = new ArrayList<>();
        schemaProblems("document", spec, document, problems);
        return problems;
    }

    /** What is wrong with the request (empty when it conforms); {@code path} as sent, base path included. */
    public List<String> request(String method, String path, Map<String, String> query, String body) {
        List<String> problems = new ArrayList<>();
        String what = method + " " + path;
        JsonNode operation = operation(method, path);
        if (operation == null) {
            problems.add(what + ": no such operation in " + name);
            return problems;
        }
        List<JsonNode> parameters = parameters(path, operation);
        for (JsonNode parameter : parameters) {
            String in = parameter.path("in").asText();
            if ("body".equals(in)) {
                bodyProblems(what + " body", parameter.path("required").asBoolean(), parameter.path("schema"), body, problems);
            } else if ("query".equals(in)) {
                String parameterName = parameter.path("name").asText();
                String value = query.get(parameterName);
                if (value == null) {
                    if (parameter.path("required").asBoolean()) {
                        problems.add(what + ": required query parameter " + parameterName + " is missing");
                    }
                } else {
                    problems.addAll(valueProblems(what + " " + parameterName,
                            parameter.has("schema") ? resolve(parameter.path("schema")) : parameter, value));
                }
            }
        }
        for (String parameterName : query.keySet()) {
            if (parameters.stream().noneMatch(p -> "query".equals(p.path("in").asText())
                    && parameterName.equals(p.path("name").asText()))) {
                problems.add(what + ": query parameter " + parameterName + " is not in the spec");
            }
        }
        if (operation.has("requestBody")) {
            JsonNode requestBody = resolve(operation.path("requestBody"));
            bodyProblems(what + " body", requestBody.path("required").asBoolean(), jsonSchema(requestBody), body, problems);
        } else if (openApi3 && body != null && !body.isBlank()) {
            problems.add(what + ": the spec's operation takes no body, the request has one");
        }
        return problems;
    }

    /**
     * What is wrong with an answer: its status must be one the operation declares (or a
     * {@code default}), and its body must follow that response's schema (a response without a
     * schema has no body).
     */
    public List<String> answer(String method, String path, int status, String body) {
        List<String> problems = new ArrayList<>();
        JsonNode operation = operation(method, path);
        String what = method + " " + path + " answered " + status;
        if (operation == null) {
            problems.add(method + " " + path + ": no such operation in " + name);
            return problems;
        }
        JsonNode response = operation.path("responses").get(String.valueOf(status));
        if (response == null) {
            response = operation.path("responses").get(status / 100 + "XX");
        }
        if (response == null) {
            response = operation.path("responses").get("default");
        }
        if (response == null) {
            problems.add(what + ": the spec declares no such status (" + operation.path("responses").properties().stream()
                    .map(Map.Entry::getKey).toList() + ")");
            return problems;
        }
        response = resolve(response);
        JsonNode schema = openApi3 ? jsonSchema(response) : response.get("schema");
        if (schema == null || schema.isMissingNode()) {
            if (body != null && !body.isBlank() && (!openApi3 || !response.has("content"))) {
                problems.add(what + ": the spec's response has no body, the answer has one");
            }
            return problems;
        }
        try {
            schemaProblems(what, schema, JSON.readTree(body == null ? "" : body), problems);
        } catch (IOException e) {
            problems.add(what + ": the body is not JSON");
        }
        return problems;
    }

    private void bodyProblems(String what, boolean required, JsonNode schema, String body, List<String> problems) {
        if (body == null || body.isBlank()) {
            if (required) {
                problems.add(what + ": is required");
            }
            return;
        }
        if (schema == null || schema.isMissingNode()) {
            return;
        }
        try {
            schemaProblems(what, schema, JSON.readTree(body), problems);
        } catch (IOException e) {
            problems.add(what + ": is not JSON");
        }
    }

    /** The JSON schema of an OpenAPI 3 request body or response: its first JSON media type (application/json, application/vnd...+json). */
    private JsonNode jsonSchema(JsonNode withContent) {
        for (Map.Entry<String, JsonNode> media : withContent.path("content").properties()) {
            if (media.getKey().contains("json") && media.getValue().has("schema")) {
                return media.getValue().path("schema");
            }
        }
        return null;
    }

    private Optional<String> relative(String path) {
        if (!path.startsWith(basePath)) {
            return Optional.empty();
        }
        String rest = path.substring(basePath.length());
        return Optional.of(rest.isEmpty() ? "/" : rest);
    }

    /** The spec's path template for a path: a literal segment wins over a template ({@code /orders/shipment} over {@code /orders/{id}}). */
    private Map.Entry<String, JsonNode> pathItem(String relative) {
        return spec.path("paths").properties().stream()
                .filter(entry -> relative.matches(entry.getKey().replaceAll("\\{[^}]+}", "[^/]+")))
                .min(Comparator.<Map.Entry<String, JsonNode>>comparingInt(entry -> entry.getKey().split("\\{", -1).length)
                        // then the longer literal part: /order/{id}:cancel over /order/{id} for /order/7:cancel
                        .thenComparingInt(entry -> -entry.getKey().replaceAll("\\{[^}]+}", "").length()))
                .orElse(null);
    }

    private JsonNode operation(String method, String path) {
        Map.Entry<String, JsonNode> item = relative(path).map(this::pathItem).orElse(null);
        return item == null ? null : item.getValue().get(method.toLowerCase());
    }

    /** Path-level parameters, overridden by the operation's own (same name and place). */
    private List<JsonNode> parameters(String path, JsonNode operation) {
        Map<String, JsonNode> byKey = new LinkedHashMap<>();
        Map.Entry<String, JsonNode> item = relative(path).map(this::pathItem).orElseThrow();
        for (JsonNode list : List.of(item.getValue().path("parameters"), operation.path("parameters"))) {
            for (JsonNode parameter : list) {
                JsonNode resolved = resolve(parameter);
                byKey.put(resolved.path("in").asText() + ":" + resolved.path("name").asText(), resolved);
            }
        }
        return new ArrayList<>(byKey.values());
    }

    /** Follows a local {@code $ref} (a JSON pointer into this file), repeatedly. */
    private JsonNode resolve(JsonNode node) {
        JsonNode current = node;
        for (int depth = 0; current.has("$ref") && depth < 32; depth++) {
            String ref = current.path("$ref").asText();
            if (!ref.startsWith("#")) {
                throw new IllegalArgumentException(name + ": only local $refs are supported, not " + ref);
            }
            current = spec.at(ref.substring(1));
            if (current.isMissingNode()) {
                throw new IllegalArgumentException(name + ": $ref " + ref + " names nothing");
            }
        }
        return current;
    }

    private void schemaProblems(String where, JsonNode schemaOrRef, JsonNode value, List<String> problems) {
        JsonNode schema = resolve(schemaOrRef);
        if (value.isNull()) {
            if (!schema.path("nullable").asBoolean(false) && !schema.path("x-nullable").asBoolean(false)
                    && !schema.path("type").asText("").isEmpty()) {
                problems.add(where + ": is null, which the spec does not allow");
            }
            return;
        }
        if (schema.has("allOf")) {
            List<String> inner = new ArrayList<>();
            for (JsonNode part : schema.path("allOf")) {
                JsonNode resolved = resolve(part);
                // The object's properties are the union of the parts': check each part loosely, unknowns against the union.
                schemaProblems(where, loosened(resolved), value, inner);
            }
            problems.addAll(inner);
            if (value.isObject()) {
                List<String> known = new ArrayList<>();
                collectProperties(schema, known);
                for (Map.Entry<String, JsonNode> field : value.properties()) {
                    if (!known.isEmpty() && !known.contains(field.getKey()) && !allowsMore(schema)) {
                        problems.add(where + "." + field.getKey() + ": is not a property in the spec");
                    }
                }
            }
            return;
        }
        for (String choice : List.of("oneOf", "anyOf")) {
            if (schema.has(choice)) {
                // Beside its own properties (JSON Schema): the object follows them and one option, the
                // options judged loosely about properties the parent lists.
                boolean beside = schema.has("properties") || schema.has("type");
                if (beside) {
                    com.fasterxml.jackson.databind.node.ObjectNode base = ((com.fasterxml.jackson.databind.node.ObjectNode) schema).deepCopy();
                    base.remove(List.of("oneOf", "anyOf"));
                    schemaProblems(where, base, value, problems);
                }
                List<List<String>> attempts = new ArrayList<>();
                for (JsonNode option : schema.path(choice)) {
                    List<String> attempt = new ArrayList<>();
                    schemaProblems(where, beside ? loosened(resolve(option)) : option, value, attempt);
                    if (attempt.isEmpty()) {
                        return;
                    }
                    attempts.add(attempt);
                }
                problems.add(where + ": matches none of the " + choice + " options (" + attempts.stream()
                        .map(a -> a.get(0)).toList() + ")");
                return;
            }
        }
        String type = schema.path("type").asText(schema.has("properties") || schema.has("required") ? "object" : "");
        switch (type) {
            case "object" -> {
                if (!value.isObject()) {
                    problems.add(where + ": must be an object, was " + abbreviate(value));
                    return;
                }
                for (JsonNode required : schema.path("required")) {
                    // Required is about the key; a null under it is fine where the property is nullable (OpenAPI 3.0).
                    JsonNode property = schema.path("properties").path(required.asText());
                    boolean nullAllowed = !property.isMissingNode() && (resolve(property).path("nullable").asBoolean(false)
                            || resolve(property).path("x-nullable").asBoolean(false));
                    if (!value.has(required.asText()) || value.get(required.asText()).isNull() && !nullAllowed) {
                        problems.add(where + "." + required.asText() + ": is required by the spec");
                    }
                }
                JsonNode additional = schema.path("additionalProperties");
                for (Map.Entry<String, JsonNode> field : value.properties()) {
                    JsonNode property = schema.path("properties").get(field.getKey());
                    if (property != null) {
                        schemaProblems(where + "." + field.getKey(), property, field.getValue(), problems);
                    } else if (additional.isObject() && !additional.isEmpty()) {
                        schemaProblems(where + "." + field.getKey(), additional, field.getValue(), problems);
                    } else if (schema.has("properties") && !allowsMore(schema)) {
                        // Strict where the spec lists the properties: a misspelt field is a bug the remote would ignore.
                        problems.add(where + "." + field.getKey() + ": is not a property in the spec");
                    }
                }
            }
            case "array" -> {
                if (!value.isArray()) {
                    problems.add(where + ": must be an array, was " + abbreviate(value));
                    return;
                }
                if (schema.has("maxItems") && value.size() > schema.path("maxItems").asInt()) {
                    problems.add(where + ": " + value.size() + " items, more than the spec's maxItems " + schema.path("maxItems").asInt());
                }
                for (int i = 0; i < value.size(); i++) {
                    schemaProblems(where + "[" + i + "]", schema.path("items"), value.get(i), problems);
                }
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    problems.add(where + ": must be an integer, was " + abbreviate(value));
                } else {
                    problems.addAll(bounds(where, schema, value.decimalValue()));
                }
            }
            case "number" -> {
                if (!value.isNumber()) {
                    problems.add(where + ": must be a number, was " + abbreviate(value));
                } else {
                    problems.addAll(bounds(where, schema, value.decimalValue()));
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    problems.add(where + ": must be a boolean, was " + abbreviate(value));
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    problems.add(where + ": must be a string, was " + abbreviate(value));
                    return;
                }
                problems.addAll(valueProblems(where, schema, value.asText()));
            }
            default -> { }
        }
    }

    /** A part of an allOf: its own required fields count, its unknown properties are judged against the union. */
    private JsonNode loosened(JsonNode part) {
        if (!part.isObject() || !part.has("properties")) {
            return part;
        }
        com.fasterxml.jackson.databind.node.ObjectNode copy = ((com.fasterxml.jackson.databind.node.ObjectNode) part).deepCopy();
        copy.put("additionalProperties", true);
        return copy;
    }

    private void collectProperties(JsonNode schemaOrRef, List<String> into) {
        JsonNode schema = resolve(schemaOrRef);
        schema.path("properties").fieldNames().forEachRemaining(into::add);
        for (JsonNode part : schema.path("allOf")) {
            collectProperties(part, into);
        }
    }

    private boolean allowsMore(JsonNode schema) {
        JsonNode additional = schema.path("additionalProperties");
        return additional.isObject() || additional.asBoolean(false);
    }

    private static List<String> bounds(String where, JsonNode schema, java.math.BigDecimal number) {
        List<String> problems = new ArrayList<>();
        if (schema.has("minimum") && number.compareTo(schema.path("minimum").decimalValue()) < 0) {
            problems.add(where + ": " + number + " is below the minimum " + schema.path("minimum").asText());
        }
        if (schema.has("maximum") && number.compareTo(schema.path("maximum").decimalValue()) > 0) {
            problems.add(where + ": " + number + " is above the maximum " + schema.path("maximum").asText());
        }
        return problems;
    }

    /** A query parameter's or a string's value against its schema: arrays comma-separated, integers, formats, enums, lengths. */
    private List<String> valueProblems(String what, JsonNode schemaOrRef, String value) {
        JsonNode schema = resolve(schemaOrRef);
        List<String> problems = new ArrayList<>();
        switch (schema.path("type").asText()) {
            case "array" -> {
                String[] items = value.split(",", -1);
                for (String item : items) {
                    problems.addAll(valueProblems(what + "[]", schema.path("items"), item));
                }
                if (schema.has("maxItems") && items.length > schema.path("maxItems").asInt()) {
                    problems.add(what + ": more than " + schema.path("maxItems").asInt() + " items");
                }
            }
            case "integer" -> {
                try {
                    problems.addAll(bounds(what, schema, new java.math.BigDecimal(Long.parseLong(value))));
                } catch (NumberFormatException e) {
                    problems.add(what + ": \"" + abbreviate(value) + "\" is not an integer");
                }
            }
            case "boolean" -> {
                if (!value.equals("true") && !value.equals("false")) {
                    problems.add(what + ": \"" + abbreviate(value) + "\" is not a boolean");
                }
            }
            default -> {
                String format = schema.path("format").asText();
                try {
                    if ("date-time".equals(format)) {
                        OffsetDateTime.parse(value);
                    } else if ("date".equals(format)) {
                        LocalDate.parse(value);
                    }
                } catch (DateTimeParseException e) {
                    problems.add(what + ": \"" + abbreviate(value) + "\" is not an ISO-8601 " + format);
                }
                if (schema.has("maxLength") && value.length() > schema.path("maxLength").asInt()) {
                    problems.add(what + ": longer than the spec's maxLength " + schema.path("maxLength").asInt());
                }
                if (schema.has("minLength") && value.length() < schema.path("minLength").asInt()) {
                    problems.add(what + ": shorter than the spec's minLength " + schema.path("minLength").asInt());
                }
            }
        }
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode allowed : schema.path("enum")) {
                listed |= allowed.asText().equals(value);
            }
            if (!listed) {
                problems.add(what + ": \"" + abbreviate(value) + "\" is not one of " + schema.path("enum"));
            }
        }
        return problems;
    }

    private static String abbreviate(Object value) {
        String text = String.valueOf(value);
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }
}
