package dev.orderhub.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.HubClient;
import dev.orderhub.OrderJson;
import dev.orderhub.connector.ChannelSettings;
import dev.orderhub.messaging.ExceptionStore;
import dev.orderhub.stocksync.RecordingStockOut;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * /actuator/prometheus as Prometheus scrapes it, with a viewer key (401 without one, 403 for an
 * integration key), after an order was imported and a stock change was pushed to a channel
 * (through the test-only recording connector, once refused, within a bucket of one token): the
 * hub's meters are there with their tags and plausible values, beside Camel's route meters and
 * the JVM's; and every query of the Grafana dashboard (config/grafana/orderhub-dashboard.json)
 * names series, labels and label values this scrape has. The gauges are read on every scrape here (orderhub.metrics.gauge-refresh is 0 s in
 * the tests; CachedReadingTest checks the caching).
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "orderhub.connectors-dir=src/test/resources/test-connectors",
        "camel.main.routes-include-pattern=file:routes/*.camel.yaml",
        // Nobody is anonymous, not even on this machine: a scrape without a key is refused.
        "orderhub.security.anonymous-loopback=false"})
@ActiveProfiles("test")
class PrometheusMetricsTest {

    static final String PUSHED = "metered";
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\S+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @TestConfiguration
    static class RecordingConnector {

        @Bean
        RecordingStockOut recordingStockOut(ChannelSettings settings) {
            return new RecordingStockOut(settings);
        }
    }

    @DynamicPropertySource
    static void aChannelPushedToTheRecorder(DynamicPropertyRegistry registry) {
        String prefix = "orderhub.channels." + PUSHED + ".";
        registry.add(prefix + "name", () -> PUSHED);
        registry.add(prefix + "locations[0]", () -> "main");
        registry.add(prefix + "connector.name", () -> RecordingStockOut.CONNECTOR);
        // One token, refilled every two seconds: a retry right after a failure has to wait for it.
        registry.add(prefix + "stock-sink.rate", () -> "0.5");
        registry.add(prefix + "stock-sink.burst", () -> "1");
        registry.add(prefix + "stock-sink.batch-size", () -> "10");
        registry.add("orderhub.default-buffer.units", () -> "0");
        registry.add("orderhub.stock-sync.backoff-ms", () -> "100");
        registry.add("orderhub.stock-sync.max-backoff-ms", () -> "400");
        registry.add("orderhub.stock-sync.push-interval-ms", () -> "20");
    }

    /** One line of the scrape: a series and its value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    @LocalServerPort
    int port;

    @Autowired
    RecordingStockOut remote;

    @Autowired
    ExceptionStore exceptions;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    private static boolean prepared;
    private static String viewerKey;
    private static String integrationKey;
    private HubClient admin;

    @BeforeEach
    void placeAnOrderAndPushStock() {
        admin = new HubClient(port);
        synchronized (PrometheusMetricsTest.class) {
            if (prepared) {
                return;
            }
            viewerKey = key("prometheus", "viewer");
            integrationKey = key("an integration", "integration");
            String sku = "METER-" + UUID.randomUUID().toString().substring(0, 8);
            remote.script(PUSHED, sku, RecordingStockOut.Answer.fail("refused once by the test"));
            admin.setStock(sku, "main", 5);
            HubClient.Response placed = admin.post("/api/channels/webshop/orders", OrderJson.of(sku, sku, 2));
            assertThat(placed.status()).as(placed.body()).isEqualTo(202);
            String order = "/api/orders/" + placed.text("hubOrderId");
            await().atMost(Duration.ofSeconds(15)).until(() -> "RESERVED".equals(admin.get(order).text("status")));
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> Long.valueOf(3).equals(remote.shown(PUSHED, sku)));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("not pushed: " + admin.get("/api/stock/" + sku).body() + " calls " + remote.calls(PUSHED)
                        + "; buckets " + jdbc.sql("SELECT * FROM rate_buckets").query().listOfRows(), e);
            }
            exceptions.park("queue:orders.intake", "parked by PrometheusMetricsTest", "{}");
            prepared = true;
        }
    }

    private String key(String name, String role) {
        HubClient.Response created = admin.post("/api/keys", "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.text("key");
    }

    /** The scrape as a viewer: every sample, in order. */
    List<Sample> scrape() {
        HubClient.Response answer = HubClient.withKey(port, viewerKey).get("/actuator/prometheus");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        List<Sample> samples = new ArrayList<>();
        for (String line : answer.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a sample line: " + line).isTrue();
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(2) != null) {
                Matcher label = LABEL.matcher(m.group(2));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
        }
        assertThat(samples).as("the scrape has samples").isNotEmpty();
        return samples;
    }

    /** The names of every series the hub exports (for the dashboard's check). */
    Set<String> exportedNames() {
        Set<String> names = new TreeSet<>();
        scrape().forEach(s -> names.add(s.name()));
        return names;
    }

    private static List<Sample> named(List<Sample> samples, String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name)
                && labels.entrySet().stream().allMatch(l -> l.getValue().equals(s.labels().get(l.getKey())))).toList();
    }

    private static double value(List<Sample> samples, String name, Map<String, String> labels) {
        List<Sample> found = named(samples, name, labels);
        assertThat(found).as(name + labels + " in the scrape; " + name + " has "
                + named(samples, name, Map.of()).stream().map(Sample::labels).toList()).hasSize(1);
        return found.get(0).value();
    }

    @Test
    void theScrapeNeedsAViewerKey() {
        HubClient.Response anonymous = HubClient.anonymous(port).get("/actuator/prometheus");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.text("error")).isEqualTo("unauthorized");
        assertThat(anonymous.body()).doesNotContain("orderhub_");
        assertThat(HubClient.withKey(port, integrationKey).get("/actuator/prometheus").status()).isEqualTo(403);
        assertThat(HubClient.withKey(port, viewerKey).get("/actuator/prometheus").status()).isEqualTo(200);
    }

    @Test
    void ordersInAndStandingArePerChannelAndStatus() {
        List<Sample> samples = scrape();
        assertThat(value(samples, "orderhub_orders_received_total", Map.of("channel", "webshop"))).isGreaterThanOrEqualTo(1);
        assertThat(value(samples, "orderhub_orders", Map.of("channel", "webshop", "status", "RESERVED"))).isGreaterThanOrEqualTo(1);
        assertThat(value(samples, "orderhub_orders", Map.of("channel", "pos", "status", "SHIPPED")))
                .as("every configured channel and status has its series, 0 when none").isZero();
        assertThat(named(samples, "orderhub_orders", Map.of())).as("no order of a channel that was never configured")
                .allMatch(s -> Set.of("webshop", "b2b", "pos", "manual", PUSHED).contains(s.labels().get("channel")));
    }

    @Test
    void backlogsAndOpenExceptionsAreThere() {
        List<Sample> samples = scrape();
        assertThat(value(samples, "orderhub_outbox_backlog", Map.of())).isBetween(0.0, 1000.0);
        assertThat(value(samples, "orderhub_intake_backlog", Map.of("queue", "orders.intake"))).isBetween(0.0, 1000.0);
        assertThat(value(samples, "orderhub_intake_backlog", Map.of("queue", "webhooks.in"))).isBetween(0.0, 1000.0);
        assertThat(value(samples, "orderhub_exceptions_open", Map.of("group", "queue"))).isGreaterThanOrEqualTo(1);
        assertThat(value(samples, "orderhub_exceptions_open", Map.of("group", "other"))).isGreaterThanOrEqualTo(0);
        assertThat(value(samples, "orderhub_exceptions_open", Map.of("group", RecordingStockOut.CONNECTOR)))
                .as("a group per installed connector").isGreaterThanOrEqualTo(0);
    }

    @Test
    void openAlertsAreCountedPerSeverity() {
        double before = value(scrape(), "orderhub_alerts_open", Map.of("severity", "alert"));
        java.time.OffsetDateTime now = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC);
        jdbc.sql("INSERT INTO alerts (kind, channel, subject, severity, title, raised_at, updated_at, open_key) "
                        + "VALUES ('test.metrics', 'webshop', '', 'alert', 'metrics test', :now, :now, :key)")
                .param("now", now).param("key", "test.metrics|webshop|" + java.util.UUID.randomUUID()).update();
        List<Sample> samples = scrape();
        assertThat(value(samples, "orderhub_alerts_open", Map.of("severity", "alert"))).isEqualTo(before + 1);
        assertThat(value(samples, "orderhub_alerts_open", Map.of("severity", "warn"))).isGreaterThanOrEqualTo(0);
    }

    @Test
    void stockPushesAreTimedAndTheirFailuresAndWaitsCountedPerChannel() {
        List<Sample> samples = scrape();
        Map<String, String> accepted = Map.of("channel", PUSHED, "outcome", "accepted");
        double pushes = value(samples, "orderhub_stock_push_seconds_count", accepted);
        assertThat(pushes).isGreaterThanOrEqualTo(1);
        assertThat(value(samples, "orderhub_stock_push_seconds_sum", accepted)).as("seconds, not zero, under a minute")
                .isGreaterThan(0).isLessThan(60.0 * pushes);
        assertThat(value(samples, "orderhub_stock_push_seconds_bucket", Map.of("channel", PUSHED, "outcome", "accepted",
                "le", "+Inf"))).isEqualTo(pushes);
        assertThat(named(samples, "orderhub_stock_push_seconds_bucket", accepted)).as("a few buckets, for a p95").hasSize(12);
        assertThat(value(samples, "orderhub_stock_push_seconds_count", Map.of("channel", PUSHED, "outcome", "failed")))
                .isGreaterThanOrEqualTo(1);
        assertThat(value(samples, "orderhub_stock_push_failures_total", Map.of("channel", PUSHED, "reason", "failed")))
                .isGreaterThanOrEqualTo(1);
        assertThat(value(samples, "orderhub_ratelimit_waits_total", Map.of("channel", PUSHED, "operation", "stock-push",
                "reason", "no_token"))).as("the retry after the failure waited for the bucket's one token").isGreaterThanOrEqualTo(1);
    }

    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without)\\s*\\(([^)]*)\\)");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "offset", "bool", "by", "without", "on",
            "ignoring", "group_left", "group_right");
    /** Labels Prometheus adds to every series it scrapes; the hub's own output has none of them. */
    private static final Set<String> TARGET_LABELS = Set.of("instance", "job");

    /** The metric names a PromQL expression reads: identifiers that are not functions, keywords or labels. */
    static Set<String> metricsOf(String expr) {
        String bare = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"").replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ").replaceAll(GROUPING.pattern(), " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(bare);
        while (m.find()) {
            boolean function = bare.substring(m.end()).stripLeading().startsWith("(");
            boolean number = m.start() > 0 && Character.isDigit(bare.charAt(m.start() - 1));
            if (!function && !number && !KEYWORDS.contains(m.group())) {
                names.add(m.group());
            }
        }
        return names;
    }

    @Test
    void everyDashboardQueryNamesSeriesTheHubExports() throws Exception {
        List<Sample> samples = scrape();
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("config/grafana/orderhub-dashboard.json").toFile());
        assertThat(dashboard.get("panels")).hasSizeGreaterThanOrEqualTo(10);
        Set<String> covered = new TreeSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            String title = panel.get("title").asText();
            assertThat(panel.get("targets")).as(title + " has queries").isNotEmpty();
            for (JsonNode target : panel.get("targets")) {
                String expr = target.get("expr").asText();
                Set<String> metrics = metricsOf(expr);
                assertThat(metrics).as(title + ": " + expr + " reads a metric").isNotEmpty();
                List<Sample> read = new ArrayList<>();
                for (String metric : metrics) {
                    List<Sample> series = named(samples, metric, Map.of());
                    assertThat(series).as(title + ": " + metric + " is not in the hub's scrape").isNotEmpty();
                    read.addAll(series);
                    covered.add(metric);
                }
                Matcher selector = SELECTOR.matcher(expr);
                while (selector.find()) {
                    Matcher matcher = MATCHER.matcher(selector.group(2));
                    while (matcher.find()) {
                        String label = matcher.group(1);
                        String value = matcher.group(3);
                        assertThat(named(samples, selector.group(1), Map.of())).as(title + ": " + selector.group(1)
                                + " has the label " + label).anyMatch(sample -> sample.labels().containsKey(label));
                        if (matcher.group(2).equals("=")) {
                            assertThat(named(samples, selector.group(1), Map.of(label, value)))
                                    .as(title + ": " + selector.group(1) + "{" + label + "=\"" + value + "\"}").isNotEmpty();
                        }
                    }
                }
                Matcher grouping = GROUPING.matcher(expr);
                while (grouping.find()) {
                    for (String label : grouping.group(1).split(",")) {
                        String name = label.trim();
                        if (!TARGET_LABELS.contains(name)) {
                            assertThat(read).as(title + ": grouped by " + name).anyMatch(sample -> sample.labels().containsKey(name));
                        }
                    }
                }
            }
        }
        assertThat(covered).as("the dashboard shows each hub meter").contains("orderhub_orders_received_total", "orderhub_orders",
                "orderhub_intake_backlog", "orderhub_outbox_backlog", "orderhub_stock_push_seconds_bucket",
                "orderhub_stock_push_failures_total", "orderhub_ratelimit_waits_total", "orderhub_exceptions_open",
                "orderhub_alerts_open", "camel_exchanges_total", "camel_exchanges_failed_total", "jvm_memory_used_bytes");
    }

    @Test
    void thePromQlReaderFindsTheMetricsOfAQuery() {
        assertThat(metricsOf("histogram_quantile(0.95, sum by (le, channel) (rate(orderhub_stock_push_seconds_bucket"
                + "{outcome=\"accepted\"}[5m])))")).containsExactly("orderhub_stock_push_seconds_bucket");
        assertThat(metricsOf("sum by (routeId) (rate(a_sum[5m])) / sum by (routeId) (rate(a_count[5m])) * 60"))
                .containsExactly("a_count", "a_sum");
        assertThat(metricsOf("max(orderhub_outbox_backlog)")).containsExactly("orderhub_outbox_backlog");
    }

    @Test
    void camelRoutesAndTheJvmAreThereToo() {
        List<Sample> samples = scrape();
        assertThat(value(samples, "camel_exchanges_total", Map.of("routeId", "order-intake"))).isGreaterThanOrEqualTo(1);
        assertThat(named(samples, "camel_exchanges_failed_total", Map.of("routeId", "order-intake"))).hasSize(1);
        assertThat(named(samples, "camel_route_policy_seconds_count", Map.of("routeId", "order-intake"))).hasSize(1);
        assertThat(named(samples, "jvm_memory_used_bytes", Map.of("area", "heap"))).isNotEmpty();
    }
}
