package dev.orderhub.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.orderhub.HubClient;
import dev.orderhub.HubPostgresTest;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Who may call what, for every endpoint of the API as the controllers declare it (read from
 * the handler mappings, so a new endpoint is covered as soon as it exists and fails here when
 * it names no role): on PostgreSQL, where nobody is anonymous, a request without a key is 401,
 * a key without the role is 403, an integration key for another channel is 403, each in the
 * JSON error shape; the right role gets past the check. Also keys through their life (create,
 * use, rotate, revoke; the command line), and that refusals are counted and never log a key.
 */
@HubPostgresTest
class ApiAccessTest {

    private static final Pattern VARIABLE = Pattern.compile("\\{([^}/]+)}");
    private static final Map<String, String> SAMPLES = Map.of("channel", "webshop", "sku", "ACCESS-SKU", "location", "main",
            "hubOrderId", "oh-000000000000000000000000", "id", "1", "importId", "00000000-0000-0000-0000-000000000000");

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Autowired
    MeterRegistry meters;

    @Autowired
    Environment environment;

    private HubClient admin;
    private final Map<Role, HubClient> byRole = new java.util.EnumMap<>(Role.class);
    private String webshopIntegrationKey;
    private String posIntegrationKey;
    /** Keys made once for the class (test instances are per method; the hub context is shared). */
    private static Map<String, String> made;

    /** One endpoint: a method and a path pattern, and what its handler declares. */
    record Endpoint(String method, String pattern, String consumes, HandlerMethod handler) {

        String path() {
            Matcher m = VARIABLE.matcher(pattern);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(out, SAMPLES.getOrDefault(m.group(1), "x"));
            }
            m.appendTail(out);
            return out.toString().replace("/**", "/x");
        }

        @Override
        public String toString() {
            return method + " " + pattern;
        }
    }

    @BeforeEach
    void keys() {
        admin = new HubClient(port);
        synchronized (ApiAccessTest.class) {
            if (made == null) {
                made = new java.util.HashMap<>();
                for (Role role : List.of(Role.VIEWER, Role.OPERATOR, Role.INTEGRATION)) {
                    made.put(role.id(), create("access " + role.id(), role.id(), null));
                }
                made.put("webshop", create("access webshop", "integration", "webshop"));
                made.put("pos", create("access pos", "integration", "pos"));
            }
        }
        for (Role role : List.of(Role.VIEWER, Role.OPERATOR, Role.INTEGRATION)) {
            byRole.put(role, HubClient.withKey(port, made.get(role.id())));
        }
        webshopIntegrationKey = made.get("webshop");
        posIntegrationKey = made.get("pos");
    }

    private String create(String name, String role, String channel) {
        HubClient.Response created = admin.post("/api/keys", "{\"name\":\"" + name + "\",\"role\":\"" + role + "\""
                + (channel == null ? "" : ",\"channels\":[\"" + channel + "\"]") + "}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.text("key");
    }

    private List<Endpoint> endpoints() {
        List<Endpoint> endpoints = new ArrayList<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mappings.getHandlerMethods().entrySet()) {
            Set<RequestMethod> methods = entry.getKey().getMethodsCondition().getMethods();
            for (String pattern : entry.getKey().getPatternValues()) {
                for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                    String consumes = entry.getKey().getConsumesCondition().getConsumableMediaTypes().stream()
                            .map(Object::toString).findFirst().orElse("application/json");
                    endpoints.add(new Endpoint(method.name(), pattern, consumes, entry.getValue()));
                }
            }
        }
        assertThat(endpoints).as("the API's endpoints").hasSizeGreaterThan(20);
        return endpoints;
    }

    private HubClient.Response call(HubClient client, Endpoint endpoint) {
        boolean body = Set.of("POST", "PUT", "PATCH").contains(endpoint.method());
        return client.send(endpoint.method(), endpoint.path(), body ? endpoint.consumes() : null,
                body ? (endpoint.consumes().contains("json") ? "{}" : "sku,location,onHand\n").getBytes(StandardCharsets.UTF_8)
                        : null);
    }

    @Test
    void everyEndpointDeclaresWhoMayCallIt() {
        for (Endpoint endpoint : endpoints()) {
            assertThat(RoleCheck.access(endpoint.handler())).as(endpoint + " declares no role (@RequiresRole) "
                    + "and is not @NoKeyNeeded").isNotNull();
        }
    }

    @Test
    void withoutAKeyEveryEndpointIs401ExceptTheOnesThatNeedNone() {
        HubClient anonymous = HubClient.anonymous(port);
        for (Endpoint endpoint : endpoints()) {
            HubClient.Response answer = call(anonymous, endpoint);
            if (RoleCheck.access(endpoint.handler()).openBecause() != null) {
                assertThat(answer.status()).as(endpoint + " needs no key").isNotIn(401, 403);
            } else {
                assertThat(answer.status()).as(endpoint + " without a key: " + answer.body()).isEqualTo(401);
                assertThat(answer.text("error")).as(endpoint + " answers the JSON error shape").isEqualTo("unauthorized");
                assertThat(answer.text("detail")).contains("API key");
            }
        }
    }

    @Test
    void aKeyWithoutTheRoleIs403AndOneWithTheRoleGetsThrough() {
        for (Endpoint endpoint : endpoints()) {
            RoleCheck.Access access = RoleCheck.access(endpoint.handler());
            if (access.openBecause() != null) {
                continue;
            }
            Set<Role> allowed = EnumSet.noneOf(Role.class);
            for (Role role : byRole.keySet()) {
                if (new Caller("probe", Caller.Kind.KEY, Set.of(role), Set.of()).mayAct(access.roles())) {
                    allowed.add(role);
                }
            }
            for (Map.Entry<Role, HubClient> key : byRole.entrySet()) {
                HubClient.Response answer = call(key.getValue(), endpoint);
                if (allowed.contains(key.getKey())) {
                    assertThat(answer.status()).as(endpoint + " with a " + key.getKey().id() + " key: " + answer.body())
                            .isNotIn(401, 403);
                } else {
                    assertThat(answer.status()).as(endpoint + " with a " + key.getKey().id() + " key: " + answer.body())
                            .isEqualTo(403);
                    assertThat(answer.text("error")).isEqualTo("forbidden");
                    assertThat(answer.text("detail")).contains("needs the role");
                }
            }
            assertThat(call(admin, endpoint).status()).as(endpoint + " with the admin key").isNotIn(401, 403);
        }
    }

    @Test
    void anIntegrationKeyForAnotherChannelIs403OnEveryChannelEndpoint() {
        int checked = 0;
        for (Endpoint endpoint : endpoints()) {
            RoleCheck.Access access = RoleCheck.access(endpoint.handler());
            if (!endpoint.pattern().contains("{channel}") || access.openBecause() != null
                    || !Arrays.asList(access.roles()).contains(Role.INTEGRATION)) {
                continue;
            }
            HubClient.Response other = call(HubClient.withKey(port, posIntegrationKey), endpoint);
            assertThat(other.status()).as(endpoint + " with a key for pos: " + other.body()).isEqualTo(403);
            assertThat(other.text("detail")).contains("may act only for channels pos, not webshop");
            assertThat(call(HubClient.withKey(port, webshopIntegrationKey), endpoint).status())
                    .as(endpoint + " with a key for webshop").isNotIn(401, 403);
            checked++;
        }
        assertThat(checked).as("channel endpoints an integration key may use").isPositive();
    }

    @Test
    void aKeyWorksUntilItIsRotatedOrRevoked() {
        HubClient.Response created = admin.post("/api/keys", "{\"name\":\"erp\",\"role\":\"viewer\"}");
        String id = created.json().get("apiKey").get("id").asText();
        String first = created.text("key");
        assertThat(HubClient.withKey(port, first).get("/api/channels").status()).isEqualTo(200);
        assertThat(admin.get("/api/keys").body()).contains(id).doesNotContain(first).doesNotContain("keyHash");

        String second = admin.post("/api/keys/" + id + "/rotate", null).text("key");
        assertThat(second).isNotEqualTo(first);
        assertThat(HubClient.withKey(port, first).get("/api/channels").status()).as("the old key after rotation").isEqualTo(401);
        assertThat(HubClient.withKey(port, second).get("/api/channels").status()).isEqualTo(200);

        assertThat(admin.send("DELETE", "/api/keys/" + id, null, null).status()).isEqualTo(200);
        HubClient.Response revoked = HubClient.withKey(port, second).get("/api/channels");
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.text("detail")).contains("not valid");
        assertThat(admin.get("/api/keys/" + id).json().get("revokedAt").isNull()).isFalse();
    }

    @Test
    void badKeyRequestsAre400NamingTheField() {
        assertThat(admin.post("/api/keys", "{\"name\":\"x\",\"role\":\"god\"}").text("detail")).contains("role:");
        assertThat(admin.post("/api/keys", "{\"name\":\"x\",\"role\":\"viewer\",\"channels\":[\"pos\"]}").text("detail"))
                .contains("channels: only an integration key");
        assertThat(admin.post("/api/keys", "{\"name\":\"a\\u0000b\",\"role\":\"viewer\"}").status()).isEqualTo(400);
        assertThat(admin.post("/api/keys", "{\"role\":\"viewer\"}").text("detail")).contains("name: is required");
    }

    @Test
    void theCommandLineCreatesAKeyTheRunningHubAccepts() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ApiKeysCommand.run(new String[] {"keys", "create", "--name", "from the shell", "--role", "operator",
                        "--spring.profiles.active=postgres",
                        "--spring.datasource.url=" + environment.getProperty("spring.datasource.url"),
                        "--spring.datasource.username=" + environment.getProperty("spring.datasource.username"),
                        "--spring.datasource.password=" + environment.getProperty("spring.datasource.password", ""),
                        "--spring.flyway.schemas=" + environment.getProperty("spring.flyway.schemas")},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        Matcher key = Pattern.compile("(ohk_[A-Za-z0-9_-]+)").matcher(out.toString(StandardCharsets.UTF_8));
        assertThat(key.find()).as(out.toString(StandardCharsets.UTF_8)).isTrue();
        HubClient operator = HubClient.withKey(port, key.group(1));
        assertThat(operator.get("/api/channels").status()).isEqualTo(200);
        assertThat(operator.post("/api/keys", "{\"name\":\"y\",\"role\":\"admin\"}").status()).as("an operator makes no keys")
                .isEqualTo(403);

        assertThat(ApiKeysCommand.run(new String[] {"keys", "create", "--name", "x"}, new PrintStream(out),
                new PrintStream(err))).as("no role given").isEqualTo(2);
    }

    @Test
    void refusalsAreCountedAndLoggedWithoutTheKey() {
        Logger logger = (Logger) LoggerFactory.getLogger(Refusals.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            double before = refused("401", "unknown_key");
            String wrongKey = "ohk_wrong-key-that-must-never-be-logged-0123456789";
            // The log takes a few lines a second: after a burst of refusals (another test class on
            // this cached context) a refusal is counted but logged only in the next second.
            java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .pollInterval(java.time.Duration.ofMillis(250)).until(() -> {
                        assertThat(HubClient.withKey(port, wrongKey).get("/api/orders").status()).isEqualTo(401);
                        sent.incrementAndGet();
                        return !appender.list.isEmpty();
                    });
            assertThat(refused("401", "unknown_key")).isEqualTo(before + sent.get());
            assertThat(appender.list).isNotEmpty();
            assertThat(appender.list).noneMatch(e -> e.getFormattedMessage().contains(wrongKey));
            assertThat(appender.list.get(appender.list.size() - 1).getFormattedMessage()).contains("GET /api/orders");
        } finally {
            logger.detachAppender(appender);
        }
    }

    private double refused(String status, String reason) {
        var counter = meters.find("orderhub.api.refused").tag("status", status).tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void healthShowsOnlyItsStatusWithoutAKeyAndMetricsNeedOne() {
        HubClient.Response anonymous = HubClient.anonymous(port).get("/actuator/health");
        assertThat(anonymous.text("status")).as(admin.get("/actuator/health").body()).isEqualTo("UP");
        assertThat(anonymous.json().has("components")).as(anonymous.body()).isFalse();
        assertThat(anonymous.body()).doesNotContain("path");
        assertThat(byRole.get(Role.VIEWER).get("/actuator/health").json().has("components")).isTrue();

        assertThat(HubClient.anonymous(port).get("/actuator/metrics").status()).isEqualTo(401);
        assertThat(HubClient.anonymous(port).get("/actuator/metrics").text("error")).isEqualTo("unauthorized");
        assertThat(byRole.get(Role.INTEGRATION).get("/actuator/metrics").status()).isEqualTo(403);
        assertThat(byRole.get(Role.VIEWER).get("/actuator/metrics").status()).isEqualTo(200);

        HubClient.Response scrape = HubClient.anonymous(port).get("/actuator/prometheus");
        assertThat(scrape.status()).isEqualTo(401);
        assertThat(scrape.text("error")).isEqualTo("unauthorized");
        assertThat(byRole.get(Role.INTEGRATION).get("/actuator/prometheus").status()).isEqualTo(403);
        HubClient.Response viewer = byRole.get(Role.VIEWER).get("/actuator/prometheus");
        assertThat(viewer.status()).isEqualTo(200);
        assertThat(viewer.body()).contains("# TYPE orderhub_orders gauge");
    }
}
