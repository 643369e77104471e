package dev.orderhub.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenApiContractTest {

    /** A small OpenAPI 3.0 spec in the shape of the marketplaces' (server variables, $refs, vendor media type, allOf). */
    static final String OAS3 = """
            {"openapi": "3.0.1",
             "servers": [{"url": "https://api.shop.example{basePath}", "variables": {"basePath": {"default": "/sell/v1"}}}],
             "paths": {
               "/order": {"get": {
                 "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 200}},
                                {"$ref": "#/components/parameters/Status"}],
                 "responses": {"200": {"description": "ok", "content": {"application/vnd.shop.v1+json":
                                 {"schema": {"$ref": "#/components/schemas/Page"}}}}}}},
               "/order/{id}": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json":
                                 {"schema": {"$ref": "#/components/schemas/Order"}}}}}}},
               "/order/shipment": {"put": {
                 "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Shipment"}}}},
                 "responses": {"202": {"description": "accepted"}}}}},
             "components": {
               "parameters": {"Status": {"name": "status", "in": "query", "required": true,
                                         "schema": {"type": "string", "enum": ["OPEN", "ALL"]}}},
               "schemas": {
                 "Page": {"type": "object", "properties": {"orders": {"type": "array", "items": {"$ref": "#/components/schemas/Order"}}}},
                 "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
                 "Order": {"allOf": [{"$ref": "#/components/schemas/Base"},
                                     {"type": "object", "properties": {"placed": {"type": "string", "format": "date-time"},
                                                                       "note": {"type": "string", "nullable": true}}}]},
                 "Shipment": {"type": "object", "required": ["code"], "properties": {
                   "code": {"type": "string", "enum": ["DHL", "TNT"]}, "items": {"type": "array", "maxItems": 2, "items": {"type": "integer"}}}}}}}
            """;

    @Test
    void requestsAreCheckedForOperationParametersAndBody(@TempDir Path dir) throws IOException {
        OpenApiContract contract = write(dir, OAS3);
        assertThat(contract.basePath()).isEqualTo("/sell/v1");
        assertThat(contract.request("GET", "/sell/v1/order", Map.of("limit", "50", "status", "OPEN"), null)).isEmpty();
        assertThat(contract.request("GET", "/sell/v1/order", Map.of("limit", "500", "status", "open", "offset", "1"), null))
                .anyMatch(p -> p.contains("500 is above the maximum 200"))
                .anyMatch(p -> p.contains("\"open\" is not one of"))
                .anyMatch(p -> p.contains("offset is not in the spec"));
        assertThat(contract.request("GET", "/sell/v1/order", Map.of(), null)).anyMatch(p -> p.contains("status is missing"));
        assertThat(contract.request("DELETE", "/sell/v1/order", Map.of(), null)).anyMatch(p -> p.contains("no such operation"));
        assertThat(contract.request("PUT", "/sell/v1/order/shipment", Map.of(), "{\"code\": \"DHL\", \"items\": [1, 2]}")).isEmpty();
        assertThat(contract.request("PUT", "/sell/v1/order/shipment", Map.of(), "{\"code\": \"UPS\", \"items\": [1, 2, 3], \"x\": 1}"))
                .anyMatch(p -> p.contains("\"UPS\" is not one of"))
                .anyMatch(p -> p.contains("more than the spec's maxItems 2"))
                .anyMatch(p -> p.contains("body.x: is not a property"));
        assertThat(contract.request("PUT", "/sell/v1/order/shipment", Map.of(), "")).anyMatch(p -> p.contains("body: is required"));
        assertThat(contract.covers("/sell/v1/order/123")).isTrue();
        assertThat(contract.covers("/identity/v1/oauth2/token")).isFalse();
    }

    @Test
    void answersAreCheckedForStatusAndSchema(@TempDir Path dir) throws IOException {
        OpenApiContract contract = write(dir, OAS3);
        assertThat(contract.answer("GET", "/sell/v1/order/1", 200,
                "{\"id\": \"1\", \"placed\": \"2026-12-01T10:00:00Z\", \"note\": null}")).isEmpty();
        assertThat(contract.answer("GET", "/sell/v1/order/1", 200, "{\"placed\": \"yesterday\", \"colour\": \"red\"}"))
                .anyMatch(p -> p.contains(".id: is required"))
                .anyMatch(p -> p.contains("\"yesterday\" is not an ISO-8601 date-time"))
                .anyMatch(p -> p.contains(".colour: is not a property"));
        assertThat(contract.answer("GET", "/sell/v1/order", 200, "{\"orders\": [{\"id\": 7}]}"))
                .anyMatch(p -> p.contains("orders[0].id: must be a string"));
        assertThat(contract.answer("GET", "/sell/v1/order/1", 404, "")).anyMatch(p -> p.contains("declares no such status"));
        assertThat(contract.answer("PUT", "/sell/v1/order/shipment", 202, "")).isEmpty();
    }

    @Test
    void swagger2SpecsAreReadToo(@TempDir Path dir) throws IOException {
        OpenApiContract contract = write(dir, """
                {"swagger": "2.0", "basePath": "/", "paths": {"/orders": {"post": {
                   "parameters": [{"name": "body", "in": "body", "required": true, "schema": {"$ref": "#/definitions/In"}},
                                  {"name": "ids", "in": "query", "type": "array", "maxItems": 2, "items": {"type": "string"}}],
                   "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/In"}}}}}},
                 "definitions": {"In": {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}}}}
                """);
        assertThat(contract.request("POST", "/orders", Map.of("ids", "a,b"), "{\"n\": 1}")).isEmpty();
        assertThat(contract.request("POST", "/orders", Map.of("ids", "a,b,c"), "{\"n\": \"1\"}"))
                .anyMatch(p -> p.contains("more than 2 items"))
                .anyMatch(p -> p.contains("body.n: must be an integer"));
        assertThat(contract.answer("POST", "/orders", 200, "{}")).anyMatch(p -> p.contains(".n: is required"));
    }

    private static OpenApiContract write(Path dir, String spec) throws IOException {
        Path file = dir.resolve("spec.json");
        Files.writeString(file, spec);
        return OpenApiContract.load(file);
    }
}
