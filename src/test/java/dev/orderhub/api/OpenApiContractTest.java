package dev.orderhub.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.HubClient;
import dev.orderhub.HubPostgresTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The hub's own OpenAPI document (/v3/api-docs) against the hub: every request mapping under
 * /api is in it with its method; the error answers it documents are what the hub really sends
 * (the body has exactly the error schema's required fields); the document and Swagger UI need
 * a viewer. On PostgreSQL, where no request is anonymous. (Not to be confused with
 * dev.orderhub.conformance.OpenApiContractTest, which checks the connectors' stubs against the
 * marketplaces' published specs.)
 */
@HubPostgresTest
class OpenApiContractTest {

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    private static String viewerKey;
    private static String integrationKey;
    private HubClient viewer;
    private HubClient integration;
    private HubClient anonymous;

    @BeforeEach
    void keys() {
        synchronized (OpenApiContractTest.class) {
            if (viewerKey == null) {
                viewerKey = create("openapi viewer", "viewer");
                integrationKey = create("openapi integration", "integration");
            }
        }
        viewer = HubClient.withKey(port, viewerKey);
        integration = HubClient.withKey(port, integrationKey);
        anonymous = HubClient.anonymous(port);
    }

    private String create(String name, String role) {
        HubClient.Response created = new HubClient(port).post("/api/keys", "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.text("key");
    }

    private JsonNode document() {
        HubClient.Response answer = viewer.get("/v3/api-docs");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json()).as("the document is JSON").isNotNull();
        return answer.json();
    }

    @Test
    void everyRequestMappingUnderApiIsDocumentedWithItsMethod() {
        JsonNode paths = document().get("paths");
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mappings.getHandlerMethods().entrySet()) {
            Set<RequestMethod> methods = entry.getKey().getMethodsCondition().getMethods();
            for (String pattern : entry.getKey().getPatternValues()) {
                if (!pattern.startsWith("/api/")) {
                    continue;
                }
                for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                    checked++;
                    JsonNode path = paths.get(pattern);
                    if (path == null || path.get(method.name().toLowerCase(Locale.ROOT)) == null) {
                        missing.add(method + " " + pattern);
                    }
                }
            }
        }
        assertThat(checked).as("API mappings").isGreaterThan(30);
        assertThat(missing).as("mappings missing from /v3/api-docs").isEmpty();
        List<String> documented = new ArrayList<>();
        paths.fieldNames().forEachRemaining(documented::add);
        assertThat(documented).as("the document has the API's paths only (no console page, no error page)")
                .allMatch(p -> p.startsWith("/api/"));
    }

    @Test
    void theDocumentNamesTheHubItsKeySchemeAndTheErrorShape() {
        JsonNode document = document();
        assertThat(document.get("openapi").asText()).startsWith("3.");
        assertThat(document.at("/info/title").asText()).isEqualTo("orderhub API");
        assertThat(document.at("/info/version").asText()).isNotBlank();
        assertThat(document.at("/components/securitySchemes/apiKey/type").asText()).isEqualTo("http");
        assertThat(document.at("/components/securitySchemes/apiKey/scheme").asText()).isEqualTo("bearer");
        assertThat(document.get("security").toString()).as("the key applies to every operation").isEqualTo("[{\"apiKey\":[]}]");
        List<String> required = new ArrayList<>();
        document.at("/components/schemas/ApiError/required").forEach(field -> required.add(field.asText()));
        assertThat(required).containsExactlyInAnyOrder("error", "detail");
        // The signed webhooks need no key, and say so.
        JsonNode webhook = document.at("/paths/~1api~1channels~1{channel}~1webhooks~1orders/post");
        assertThat(webhook.get("security").toString()).isEqualTo("[]");
        assertThat(webhook.at("/responses/401/content/application~1json/schema/$ref").asText())
                .isEqualTo("#/components/schemas/ApiError");
        assertThat(document.at("/paths/~1api~1orders/get/x-orderhub-roles").toString()).isEqualTo("[\"viewer\"]");
        assertThat(document.at("/paths/~1api~1keys/post/x-orderhub-roles").toString()).isEqualTo("[\"admin\"]");
    }

    /**
     * The lists that are not paged, and why: each is bounded by configuration or by one order,
     * not by traffic. Every other list answers {"items", "next"} and takes limit and cursor.
     */
    private static final Map<String, String> UNPAGED = Map.ofEntries(
            Map.entry("/api/orders/{hubOrderId}/labels", "one order's shipping labels (one per parcel), a bare array"),
            Map.entry("/api/channels", "the configured channels (channels.yaml), a bare array since contract v1"),
            Map.entry("/api/locations", "the configured locations, a bare array since contract v1"),
            Map.entry("/api/keys", "the API keys an admin made, a bare array"),
            Map.entry("/api/orders/{hubOrderId}/shipments", "one order's parcels (at most one per line), a bare array"),
            Map.entry("/api/kpis", "one entry per configured channel; next is always null"),
            Map.entry("/api/kpis/carriers", "one entry per carrier seen in 14 days; next is always null"),
            Map.entry("/api/kpis/{channel}/history", "one value per day over at most 90 days (days=)"),
            Map.entry("/api/overview/channels", "one entry per configured channel; next is always null"));

    @Test
    void everyListIsCursorPagedUnlessBoundedByConfiguration() {
        JsonNode document = document();
        List<String> paged = new ArrayList<>();
        List<String> unpaged = new ArrayList<>();
        document.get("paths").fields().forEachRemaining(path -> {
            JsonNode get = path.getValue().get("get");
            if (get == null) {
                return;
            }
            JsonNode schema = get.at("/responses/200/content/application~1json/schema");
            if (schema.has("$ref")) {
                schema = document.at("/components/schemas/" + schema.get("$ref").asText().replace("#/components/schemas/", ""));
            }
            boolean list = "array".equals(schema.path("type").asText())
                    || "array".equals(schema.at("/properties/items/type").asText());
            if (!list) {
                return;
            }
            Set<String> parameters = new TreeSet<>();
            get.path("parameters").forEach(p -> parameters.add(p.get("name").asText()));
            boolean cursorPaged = schema.has("properties") && schema.get("properties").has("next")
                    && parameters.containsAll(Set.of("limit", "cursor"));
            (cursorPaged ? paged : unpaged).add(path.getKey());
        });
        assertThat(paged).as("the paged lists").contains("/api/orders", "/api/exceptions", "/api/stock",
                "/api/stock/{sku}/history", "/api/stock/{sku}/reservations");
        assertThat(unpaged).as("lists without limit and cursor must be bounded by configuration; " + UNPAGED)
                .containsExactlyInAnyOrderElementsOf(UNPAGED.keySet());
    }

    /** One real refusal: the operation it hits, the status, the request and who sends it. */
    private record Sample(String path, String method, int status, HubClient.Response answer) {
    }

    @Test
    void everyDocumentedErrorOfTheSampleIsAnsweredInTheErrorSchema() {
        JsonNode document = document();
        JsonNode schema = document.at("/components/schemas/ApiError");
        Set<String> required = new TreeSet<>();
        schema.get("required").forEach(field -> required.add(field.asText()));
        assertThat(required).containsExactlyInAnyOrder("error", "detail");

        List<Sample> samples = List.of(
                new Sample("/api/orders", "get", 400, viewer.get("/api/orders?cursor=not-a-cursor")),
                new Sample("/api/orders", "get", 400, viewer.get("/api/orders?limit=0")),
                new Sample("/api/exceptions", "get", 400, viewer.get("/api/exceptions?status=SOMETIMES")),
                new Sample("/api/stock/{sku}/history", "get", 400, viewer.get("/api/stock/OPENAPI-SKU/history?cursor=eA")),
                new Sample("/api/orders", "get", 401, anonymous.get("/api/orders")),
                new Sample("/api/stock", "get", 401, HubClient.withKey(port, "ohk_not-a-key-of-this-hub").get("/api/stock")),
                new Sample("/api/orders", "get", 403, integration.get("/api/orders")),
                new Sample("/api/keys", "post", 403, viewer.post("/api/keys", "{\"name\":\"x\",\"role\":\"admin\"}")),
                new Sample("/api/orders/{hubOrderId}", "get", 404, viewer.get("/api/orders/oh-000000000000000000000000")),
                new Sample("/api/exceptions/{id}", "get", 404, viewer.get("/api/exceptions/987654321")),
                new Sample("/api/channels/{channel}", "get", 404, viewer.get("/api/channels/no-such-channel")));
        for (Sample sample : samples) {
            String where = sample.method().toUpperCase(Locale.ROOT) + " " + sample.path() + " " + sample.status();
            assertThat(sample.answer().status()).as(where + ": " + sample.answer().body()).isEqualTo(sample.status());
            JsonNode response = document.get("paths").get(sample.path()).get(sample.method()).get("responses")
                    .get(Integer.toString(sample.status()));
            assertThat(response).as(where + " is documented").isNotNull();
            assertThat(response.at("/content/application~1json/schema/$ref").asText()).as(where)
                    .isEqualTo("#/components/schemas/ApiError");
            JsonNode body = sample.answer().json();
            assertThat(body).as(where + " answers JSON: " + sample.answer().body()).isNotNull();
            Set<String> fields = new TreeSet<>();
            body.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).as(where + ": the body's fields are the schema's required ones").isEqualTo(required);
            for (String field : required) {
                assertThat(body.get(field).isTextual()).as(where + ": " + field + " is a string").isTrue();
                assertThat(schema.at("/properties/" + field + "/type").asText()).isEqualTo("string");
            }
        }
    }

    @Test
    void theDocumentAndSwaggerUiNeedAViewer() {
        HubClient.Response ui = viewer.get("/swagger-ui/index.html");
        assertThat(ui.status()).as(ui.body()).isEqualTo(200);
        assertThat(ui.body()).contains("swagger-ui");
        HubClient.Response entry = viewer.get("/swagger-ui.html");
        assertThat(entry.status()).as("/swagger-ui.html sends the browser on to the UI").isIn(200, 302);
        assertThat(viewer.get("/v3/api-docs/swagger-config").status()).isEqualTo(200);

        for (String path : List.of("/swagger-ui/index.html", "/swagger-ui.html", "/v3/api-docs", "/v3/api-docs/swagger-config")) {
            HubClient.Response refused = anonymous.get(path);
            assertThat(refused.status()).as(path + " without a key").isEqualTo(401);
            assertThat(refused.text("error")).isEqualTo("unauthorized");
            HubClient.Response forbidden = integration.get(path);
            assertThat(forbidden.status()).as(path + " with an integration key").isEqualTo(403);
            assertThat(forbidden.text("detail")).contains("needs the role viewer");
        }
    }
}
