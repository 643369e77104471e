package dev.orderhub.connectors.bol;

import java.io.IOException;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.conformance.ConformanceStub;
import dev.orderhub.conformance.StubTap;

/**
 * The check of every exchange against bol's published OpenAPI 3.0 files (retailer.json, and
 * shared.json for the process status), until the core's generic OpenApiContract is on main:
 * the operation (method and path), its query parameters (required, enum, minimum, maximum), the
 * Accept and Content-Type media types, the request body's schema, the answer's status (declared,
 * or one bol documents for every endpoint: 401, 429, 5xx) and its JSON schema (required fields,
 * types, enums, lengths, date-times). The token endpoint (login.bol.com) is not in the spec, nor
 * an answer the suite's tap scripted itself.
 */
final class BolSpec implements ConformanceStub.SpecCheck {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Spec(JsonNode root) {
    }

    private final List<Spec> specs;

    private BolSpec(List<Spec> specs) {
        this.specs = specs;
    }

    static BolSpec load(Path folder) {
        try {
            return new BolSpec(List.of(new Spec(JSON.readTree(folder.resolve("retailer.json").toFile())),
                    new Spec(JSON.readTree(folder.resolve("shared.json").toFile()))));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the bol spec in " + folder, e);
        }
    }

    private record Operation(Spec spec, String template, JsonNode node) {
    }

    private Operation operation(StubTap.Call call) {
        for (Spec spec : specs) {
            Iterator<Map.Entry<String, JsonNode>> paths = spec.root().path("paths").fields();
            while (paths.hasNext()) {
                Map.Entry<String, JsonNode> path = paths.next();
                String regex = path.getKey().replaceAll("\\{[^}]+}", "[^/]+");
                JsonNode operation = path.getValue().path(call.method().toLowerCase());
                if (call.path().matches(regex) && !operation.isMissingNode()) {
                    return new Operation(spec, path.getKey(), operation);
                }
            }
        }
        return null;
    }

    private static boolean outsideTheSpec(StubTap.Exchange exchange) {
        return exchange.call().path().startsWith("/token") || exchange.answer().contains("\"title\":\"Scripted\"");
    }

    @Override
    public List<String> request(StubTap.Exchange exchange) {
        List<String> problems = new ArrayList<>();
        if (exchange.call().path().startsWith("/token")) {
            return problems;
        }
        StubTap.Call call = exchange.call();
        String at = call.method() + " " + call.path();
        Operation operation = operation(call);
        if (operation == null) {
            return List.of(at + ": no operation of the spec");
        }
        for (JsonNode parameter : operation.node().path("parameters")) {
            String name = parameter.path("name").asText();
            if (!parameter.path("in").asText().equals("query")) {
                continue;
            }
            String value = call.query().get(name);
            if (value == null) {
                if (parameter.path("required").asBoolean()) {
                    problems.add(at + ": query " + name + " is required");
                }
                continue;
            }
            JsonNode schema = resolve(operation.spec(), parameter.path("schema"));
            JsonNode typed = schema.path("type").asText().equals("integer") && value.matches("-?\\d+") ? JSON.getNodeFactory().numberNode(Long.parseLong(value))
                    : schema.path("type").asText().equals("boolean") && value.matches("true|false") ? JSON.getNodeFactory().booleanNode(Boolean.parseBoolean(value))
                    : JSON.getNodeFactory().textNode(value);
            validate(operation.spec(), schema, typed, at + " query " + name, problems);
        }
        for (String key : call.query().keySet()) {
            boolean declared = false;
            for (JsonNode parameter : operation.node().path("parameters")) {
                declared |= parameter.path("name").asText().equals(key);
            }
            if (!declared) {
                problems.add(at + ": query " + key + " is not a parameter of " + operation.template());
            }
        }
        String accept = call.headers().getOrDefault("accept", "");
        JsonNode ok = operation.node().path("responses").path(operation.node().path("responses").has("200") ? "200" : "202");
        if (ok.has("content") && !ok.path("content").has(accept)) {
            problems.add(at + ": Accept " + accept + " is not a media type of its answer " + ok.path("content").fieldNames().next());
        }
        JsonNode body = operation.node().path("requestBody");
        if (body.isObject()) {
            String type = call.headers().getOrDefault("content-type", "");
            JsonNode media = body.path("content").path(type);
            if (media.isMissingNode()) {
                problems.add(at + ": Content-Type " + type + " is not declared");
            } else {
                validate(operation.spec(), media.path("schema"), parse(call.body()), at + " body", problems);
            }
        }
        return problems;
    }

    @Override
    public List<String> answer(StubTap.Exchange exchange) {
        List<String> problems = new ArrayList<>();
        int status = exchange.status();
        if (status < 0 || outsideTheSpec(exchange) || status == 401 || status == 429 || status >= 500) {
            return problems;
        }
        Operation operation = operation(exchange.call());
        String at = exchange.call().method() + " " + exchange.call().path() + " answered " + status;
        if (operation == null) {
            return List.of(at + ": no operation of the spec");
        }
        JsonNode response = operation.node().path("responses").path(String.valueOf(status));
        if (response.isMissingNode()) {
            return List.of(at + ": status not declared");
        }
        if (!response.has("content")) {
            return problems;
        }
        String type = exchange.answerHeaders().getOrDefault("content-type", "");
        JsonNode media = response.path("content").path(type);
        if (media.isMissingNode()) {
            return List.of(at + ": Content-Type " + type + " not declared");
        }
        validate(operation.spec(), media.path("schema"), parse(exchange.answer()), at, problems);
        return problems;
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(text);
        }
    }

    private static JsonNode resolve(Spec spec, JsonNode schema) {
        while (schema.has("$ref")) {
            schema = spec.root().at(schema.path("$ref").asText().substring(1));
        }
        return schema;
    }

    private static void validate(Spec spec, JsonNode schemaRef, JsonNode value, String at, List<String> problems) {
        JsonNode schema = resolve(spec, schemaRef);
        if (schema.isMissingNode() || value == null || value.isNull()) {
            return;
        }
        switch (schema.path("type").asText("")) {
            case "object" -> {
                if (!value.isObject()) {
                    problems.add(at + ": must be an object");
                    return;
                }
                schema.path("required").forEach(r -> {
                    if (!value.has(r.asText())) {
                        problems.add(at + ": " + r.asText() + " is required");
                    }
                });
                value.fields().forEachRemaining(field -> {
                    JsonNode property = schema.path("properties").path(field.getKey());
                    if (!property.isMissingNode()) {
                        validate(spec, property, field.getValue(), at + "." + field.getKey(), problems);
                    }
                });
            }
            case "array" -> {
                if (!value.isArray()) {
                    problems.add(at + ": must be an array");
                    return;
                }
                if (schema.has("minItems") && value.size() < schema.path("minItems").asInt()) {
                    problems.add(at + ": at least " + schema.path("minItems").asInt() + " items");
                }
                if (schema.has("maxItems") && value.size() > schema.path("maxItems").asInt()) {
                    problems.add(at + ": at most " + schema.path("maxItems").asInt() + " items");
                }
                for (int i = 0; i < value.size(); i++) {
                    validate(spec, schema.path("items"), value.get(i), at + "[" + i + "]", problems);
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    problems.add(at + ": must be a string, was " + value);
                    return;
                }
                if (schema.has("enum") && !contains(schema.path("enum"), value.asText())) {
                    problems.add(at + ": \"" + value.asText() + "\" is not one of " + schema.path("enum"));
                }
                if (schema.has("minLength") && value.asText().length() < schema.path("minLength").asInt()
                        || schema.has("maxLength") && value.asText().length() > schema.path("maxLength").asInt()) {
                    problems.add(at + ": length " + value.asText().length() + " outside the spec's bounds");
                }
                if (schema.path("format").asText().equals("date-time")) {
                    try {
                        OffsetDateTime.parse(value.asText());
                    } catch (RuntimeException e) {
                        problems.add(at + ": \"" + value.asText() + "\" is not a date-time");
                    }
                }
            }
            case "integer", "number" -> {
                if (!value.isNumber() || schema.path("type").asText().equals("integer") && !value.isIntegralNumber()) {
                    problems.add(at + ": must be " + schema.path("type").asText() + ", was " + value);
                    return;
                }
                if (schema.has("minimum") && value.decimalValue().compareTo(schema.path("minimum").decimalValue()) < 0
                        || schema.has("maximum") && value.decimalValue().compareTo(schema.path("maximum").decimalValue()) > 0) {
                    problems.add(at + ": " + value + " outside [" + schema.path("minimum") + ", " + schema.path("maximum") + "]");
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    problems.add(at + ": must be a boolean, was " + value);
                }
            }
            default -> {
            }
        }
    }

    private static boolean contains(JsonNode values, String value) {
        for (JsonNode v : values) {
            if (v.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }
}
