package dev.orderhub.connectors.ebay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.conformance.ConformanceStub;
import dev.orderhub.conformance.OpenApiContract;
import dev.orderhub.conformance.StubTap;

/**
 * Every exchange against eBay's two contracts ({@link OpenApiContract}), with what the contracts
 * leave out: they give their error answers (400, 404, 409, 500) no body schema, while eBay
 * answers each with its error container {@code {"errors": [Error]}} (Error is a schema of the
 * same files); and they declare no 401 (OAuth: an expired or revoked token, errorId 1001), 429
 * (call limits, errorId 2001) or 502/503/504 (eBay's gateway), which eBay answers on every call.
 * Such answers are checked against that container instead; everything else as the contract says.
 * The identity endpoint is in neither file and is not checked.
 */
final class EbaySpecCheck implements ConformanceStub.SpecCheck {

    static final String FULFILLMENT_SPEC = "ebay-sell-api/sell_fulfillment_v1_oas3.json";
    static final String INVENTORY_SPEC = "ebay-sell-api/sell_inventory_v1_oas3.json";
    /** Statuses eBay answers on every call that the contracts do not declare. */
    static final Set<Integer> GATEWAY = Set.of(401, 429, 502, 503, 504);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConformanceStub.SpecCheck contracts;
    private final Set<String> errorFields;

    private EbaySpecCheck(ConformanceStub.SpecCheck contracts, Set<String> errorFields) {
        this.contracts = contracts;
        this.errorFields = errorFields;
    }

    static Optional<ConformanceStub.SpecCheck> load() {
        if (!OpenApiContract.available()) {
            return Optional.empty();
        }
        try {
            JsonNode spec = JSON.readTree(Files.readString(OpenApiContract.SPECS.resolve(FULFILLMENT_SPEC)));
            Set<String> fields = Set.copyOf(spec.path("components").path("schemas").path("Error").path("properties")
                    .properties().stream().map(Map.Entry::getKey).toList());
            return Optional.of(new EbaySpecCheck(OpenApiContract.check(OpenApiContract.of(FULFILLMENT_SPEC),
                    OpenApiContract.of(INVENTORY_SPEC)), fields));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<String> request(StubTap.Exchange exchange) {
        return contracts.request(exchange);
    }

    @Override
    public List<String> answer(StubTap.Exchange exchange) {
        List<String> problems = contracts.answer(exchange);
        if (exchange.status() < 400 || exchange.status() >= 600) {
            return problems;
        }
        boolean undeclared = problems.stream().anyMatch(p -> p.contains("declares no such status"));
        boolean bodyless = problems.stream().anyMatch(p -> p.contains("response has no body, the answer has one"));
        if (undeclared && !GATEWAY.contains(exchange.status())) {
            return problems;
        }
        List<String> rest = new ArrayList<>(problems.stream()
                .filter(p -> !p.contains("declares no such status") && !p.contains("response has no body, the answer has one")).toList());
        if (undeclared || bodyless) {
            rest.addAll(errorContainer(exchange));
        }
        return rest;
    }

    /** eBay's error container: {"errors": [Error, ...]}, each Error only with the spec's fields, errorId a number. */
    private List<String> errorContainer(StubTap.Exchange exchange) {
        String what = exchange.call().method() + " " + exchange.call().path() + " answered " + exchange.status();
        List<String> problems = new ArrayList<>();
        if (exchange.answer() == null || exchange.answer().isBlank()) {
            return problems;
        }
        try {
            JsonNode body = JSON.readTree(exchange.answer());
            if (!body.path("errors").isArray() || body.path("errors").isEmpty() || body.size() != 1) {
                problems.add(what + ": not eBay's error container {\"errors\": [Error]}: " + exchange.answer());
                return problems;
            }
            for (JsonNode error : body.path("errors")) {
                error.properties().forEach(field -> {
                    if (!errorFields.contains(field.getKey())) {
                        problems.add(what + ": errors[]." + field.getKey() + " is not a property of Error in the spec");
                    }
                });
                if (!error.path("errorId").isIntegralNumber()) {
                    problems.add(what + ": errors[].errorId must be an integer");
                }
            }
        } catch (IOException e) {
            problems.add(what + ": the body is not JSON");
        }
        return problems;
    }
}
