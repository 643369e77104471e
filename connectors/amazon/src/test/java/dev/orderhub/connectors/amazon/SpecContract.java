package dev.orderhub.connectors.amazon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Checks requests against a published Selling Partner API model (Swagger 2.0) from
 * ../shared/specs/amazon-sp-api/: the operation exists for the path and method, every query
 * parameter is declared, required ones are present, and values have the declared type, format
 * and enum (arrays comma-separated, the spec's default collection format).
 */
final class SpecContract {

    static final Path SPECS = Path.of("..", "shared", "specs", "amazon-sp-api");

    private final JsonNode spec;

    SpecContract(String model) {
        try {
            this.spec = new ObjectMapper().readTree(Files.readString(SPECS.resolve(model)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the spec " + model, e);
        }
    }

    /** What is wrong with this document against a JSON Schema file of the specs (its root schema). */
    List<String> documentProblems(JsonNode document) {
        List<String> problems = new ArrayList<>();
        schemaProblems("document", spec, document, problems);
        return problems;
    }

    static boolean available() {
        return Files.isDirectory(SPECS);
    }

    /** What is wrong with this request against the spec (empty when it conforms). */
    List<String> problems(SpApiStub.Request request) {
        List<String> problems = new ArrayList<>();
        JsonNode operation = null;
        for (Iterator<Map.Entry<String, JsonNode>> paths = spec.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            if (request.path().matches(path.getKey().replaceAll("\\{[^}]+}", "[^/]+"))) {
                operation = path.getValue().get(request.method().toLowerCase());
            }
        }
        String what = request.method() + " " + request.path();
        if (operation == null) {
            problems.add(what + ": no such operation in the spec");
            return problems;
        }
        Map<String, String> query = request.query();
        for (JsonNode parameter : operation.path("parameters")) {
            if ("body".equals(parameter.path("in").asText())) {
                if (request.body() == null || request.body().isBlank()) {
                    if (parameter.path("required").asBoolean()) {
                        problems.add(what + ": the body is required");
                    }
                    continue;
                }
                try {
                    schemaProblems(what + " body", parameter.path("schema"), new ObjectMapper().readTree(request.body()), problems);
                } catch (IOException e) {
                    problems.add(what + ": the body is not JSON");
                }
                continue;
            }
            if (!"query".equals(parameter.path("in").asText())) {
                continue;
            }
            String name = parameter.path("name").asText();
            String value = query.get(name);
            if (value == null) {
                if (parameter.path("required").asBoolean()) {
                    problems.add(what + ": required query parameter " + name + " is missing");
                }
                continue;
            }
            problems.addAll(valueProblems(what + " " + name, parameter, value));
        }
        for (String name : query.keySet()) {
            boolean declared = false;
            for (JsonNode parameter : operation.path("parameters")) {
                declared |= "query".equals(parameter.path("in").asText()) && name.equals(parameter.path("name").asText());
            }
            if (!declared) {
                problems.add(what + ": query parameter " + name + " is not in the spec");
            }
        }
        return problems;
    }

    /**
     * What is wrong with an answer against the spec: its status must be one the operation
     * declares (or a {@code default}), and its body must follow that response's schema (a
     * response without a schema has no body).
     */
    List<String> answerProblems(String method, String path, int status, String body) {
        List<String> problems = new ArrayList<>();
        JsonNode operation = operation(method, path);
        String what = method + " " + path + " answered " + status;
        if (operation == null) {
            problems.add(method + " " + path + ": no such operation in the spec");
            return problems;
        }
        JsonNode response = operation.path("responses").get(String.valueOf(status));
        if (response == null) {
            response = operation.path("responses").get("default");
        }
        if (response == null) {
            problems.add(what + ": the spec declares no such status (" + operation.path("responses").properties().stream()
                    .map(Map.Entry::getKey).toList() + ")");
            return problems;
        }
        if (!response.has("schema")) {
            if (body != null && !body.isBlank()) {
                problems.add(what + ": the spec's response has no body, the answer has one");
            }
            return problems;
        }
        try {
            schemaProblems(what, response.path("schema"), new ObjectMapper().readTree(body == null ? "" : body), problems);
        } catch (IOException e) {
            problems.add(what + ": the body is not JSON");
        }
        return problems;
    }

    private JsonNode operation(String method, String path) {
        JsonNode operation = null;
        for (Iterator<Map.Entry<String, JsonNode>> paths = spec.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = paths.next();
            if (path.matches(entry.getKey().replaceAll("\\{[^}]+}", "[^/]+"))) {
                JsonNode candidate = entry.getValue().get(method.toLowerCase());
                operation = candidate != null ? candidate : operation;
            }
        }
        return operation;
    }

    /** A JSON value against a Swagger 2.0 schema: $ref, required properties, unknown properties, types, enums, formats. */
    private void schemaProblems(String where, JsonNode schema, JsonNode value, List<String> problems) {
        if (schema.has("$ref")) {
            String name = schema.path("$ref").asText().replace("#/definitions/", "");
            schemaProblems(where, spec.path("definitions").path(name), value, problems);
            return;
        }
        String type = schema.path("type").asText(schema.has("properties") ? "object" : "");
        switch (type) {
            case "object" -> {
                if (!value.isObject()) {
                    problems.add(where + ": must be an object, was " + value);
                    return;
                }
                for (JsonNode required : schema.path("required")) {
                    if (!value.hasNonNull(required.asText())) {
                        problems.add(where + "." + required.asText() + ": is required by the spec");
                    }
                }
                for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    JsonNode property = schema.path("properties").get(field.getKey());
                    // Strict where the spec lists the properties (a misspelt field is a bug Amazon would
                    // ignore); free-form where it lists none or allows more (attribute values).
                    boolean freeForm = !schema.has("properties") || schema.path("additionalProperties").isObject()
                            || schema.path("additionalProperties").asBoolean(false);
                    if (property == null && !freeForm) {
                        problems.add(where + "." + field.getKey() + ": is not a property in the spec");
                    } else if (property == null) {
                        continue;
                    } else {
                        schemaProblems(where + "." + field.getKey(), property, field.getValue(), problems);
                    }
                }
            }
            case "array" -> {
                if (!value.isArray()) {
                    problems.add(where + ": must be an array, was " + value);
                    return;
                }
                for (int i = 0; i < value.size(); i++) {
                    schemaProblems(where + "[" + i + "]", schema.path("items"), value.get(i), problems);
                }
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    problems.add(where + ": must be an integer, was " + value);
                }
            }
            case "number" -> {
                if (!value.isNumber()) {
                    problems.add(where + ": must be a number, was " + value);
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    problems.add(where + ": must be a boolean, was " + value);
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    problems.add(where + ": must be a string, was " + value);
                    return;
                }
                problems.addAll(valueProblems(where, schema, value.asText()));
            }
            default -> { }
        }
    }

    private static List<String> valueProblems(String what, JsonNode schema, String value) {
        List<String> problems = new ArrayList<>();
        switch (schema.path("type").asText()) {
            case "array" -> {
                for (String item : value.split(",", -1)) {
                    problems.addAll(valueProblems(what + "[]", schema.path("items"), item));
                }
                if (schema.has("maxItems") && value.split(",").length > schema.path("maxItems").asInt()) {
                    problems.add(what + ": more than " + schema.path("maxItems").asInt() + " items");
                }
            }
            case "integer" -> {
                try {
                    long number = Long.parseLong(value);
                    if (schema.has("minimum") && number < schema.path("minimum").asLong()) {
                        problems.add(what + ": " + number + " is below the minimum " + schema.path("minimum").asLong());
                    }
                    if (schema.has("maximum") && number > schema.path("maximum").asLong()) {
                        problems.add(what + ": " + number + " is above the maximum " + schema.path("maximum").asLong());
                    }
                } catch (NumberFormatException e) {
                    problems.add(what + ": \"" + value + "\" is not an integer");
                }
            }
            default -> {
                if ("date-time".equals(schema.path("format").asText())) {
                    try {
                        OffsetDateTime.parse(value);
                    } catch (DateTimeParseException e) {
                        problems.add(what + ": \"" + value + "\" is not an ISO-8601 date-time");
                    }
                }
            }
        }
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode allowed : schema.path("enum")) {
                listed |= allowed.asText().equals(value);
            }
            if (!listed) {
                problems.add(what + ": \"" + value + "\" is not one of " + schema.path("enum"));
            }
        }
        return problems;
    }
}
