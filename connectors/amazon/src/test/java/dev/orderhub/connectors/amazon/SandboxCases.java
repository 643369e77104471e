package dev.orderhub.connectors.amazon;

import dev.orderhub.conformance.OpenApiContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The {@code x-amzn-api-sandbox} static cases of the published SP-API models, read from
 * ../shared/specs/amazon-sp-api/ at test time: each is a request (path, query and body
 * parameters) and the answer Amazon's sandbox gives it. The stub answers a request that
 * matches a case exactly with that answer, before its own behaviour.
 */
final class SandboxCases {

    /** One case: the request as it goes over the wire, and the documented answer. */
    record Case(String operation, String method, String path, Map<String, String> query, JsonNode body, int status,
                JsonNode response) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<Case> cases = new ArrayList<>();

    /** The cases of these models (paths under the specs folder), of the operations named. */
    SandboxCases(Map<String, List<String>> operationsByModel) {
        if (!OpenApiContract.available()) {
            return;
        }
        operationsByModel.forEach((model, operations) -> {
            JsonNode spec;
            try {
                spec = JSON.readTree(Files.readString(OpenApiContract.SPECS.resolve("amazon-sp-api").resolve(model)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (Iterator<Map.Entry<String, JsonNode>> paths = spec.path("paths").fields(); paths.hasNext(); ) {
                Map.Entry<String, JsonNode> path = paths.next();
                for (Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields(); methods.hasNext(); ) {
                    Map.Entry<String, JsonNode> method = methods.next();
                    JsonNode operation = method.getValue();
                    if (!operations.contains(operation.path("operationId").asText())) {
                        continue;
                    }
                    for (Iterator<Map.Entry<String, JsonNode>> answers = operation.path("responses").fields(); answers.hasNext(); ) {
                        Map.Entry<String, JsonNode> answer = answers.next();
                        for (JsonNode example : answer.getValue().path("x-amzn-api-sandbox").path("static")) {
                            Case c = toCase(operation, method.getKey().toUpperCase(), path.getKey(), answer.getKey(), example);
                            if (!c.path().contains("{")) { // a few cases leave path parameters out: they cannot be sent
                                cases.add(c);
                            }
                        }
                    }
                }
            }
        });
    }

    private static Case toCase(JsonNode operation, String method, String template, String status, JsonNode example) {
        JsonNode values = example.path("request").path("parameters");
        String path = template;
        Map<String, String> query = new LinkedHashMap<>();
        JsonNode body = null;
        for (JsonNode parameter : operation.path("parameters")) {
            JsonNode given = values.path(parameter.path("name").asText()).path("value");
            if (given.isMissingNode() && "body".equals(parameter.path("in").asText())) {
                given = values.path("body").path("value"); // the cases call the body "body" whatever its name
            }
            if (given.isMissingNode()) {
                continue;
            }
            switch (parameter.path("in").asText()) {
                case "path" -> path = path.replace("{" + parameter.path("name").asText() + "}", given.asText());
                case "query" -> {
                    List<String> items = new ArrayList<>();
                    if (given.isArray()) {
                        given.forEach(item -> items.add(item.asText()));
                    } else {
                        items.add(given.asText());
                    }
                    query.put(parameter.path("name").asText(), String.join(",", items));
                }
                case "body" -> body = given;
                default -> { }
            }
        }
        return new Case(operation.path("operationId").asText(), method, path, query, body, Integer.parseInt(status),
                example.path("response"));
    }

    List<Case> all() {
        return List.copyOf(cases);
    }

    /** The case this request is, if any: same method and path, the same query parameters, the same body. */
    Optional<Case> match(String method, String path, Map<String, String> query, String body) {
        JsonNode parsed;
        try {
            parsed = body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (IOException e) {
            parsed = null;
        }
        for (Case c : cases) {
            if (c.method().equals(method) && c.path().equals(path) && c.query().equals(query)
                    && (c.body() == null ? parsed == null || parsed.isEmpty() : c.body().equals(parsed))) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
