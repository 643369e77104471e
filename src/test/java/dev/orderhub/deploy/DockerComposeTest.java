package dev.orderhub.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml cannot be started here (no Docker engine), so its shape and wiring are
 * checked: the services exist, the hub reaches PostgreSQL and Artemis by their service names,
 * waits for them to be healthy, Prometheus scrapes every hub replica with a viewer key from a
 * secret file and Grafana is provisioned with it and the orderhub dashboard, and no secret is
 * written in the file.
 */
class DockerComposeTest {

    private static final Path COMPOSE = Path.of("docker-compose.yml");
    private static JsonNode services;

    @BeforeAll
    static void parse() throws Exception {
        services = new ObjectMapper(new YAMLFactory()).readTree(COMPOSE.toFile()).get("services");
    }

    @Test
    void hasPostgresArtemisAndTheHub() {
        List<String> names = new ArrayList<>();
        services.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyInAnyOrder("postgres", "artemis", "hub", "prometheus", "grafana");
        assertThat(services.get("postgres").get("image").asText()).startsWith("postgres:");
        assertThat(services.get("artemis").get("image").asText()).startsWith("apache/activemq-artemis:");
        assertThat(services.get("hub").get("deploy").get("replicas").asInt()).isGreaterThan(1);
    }

    @Test
    void hubIsWiredToTheDatabaseAndBrokerServicesAndWaitsForThem() {
        JsonNode hub = services.get("hub");
        JsonNode env = hub.get("environment");
        assertThat(env.get("SPRING_PROFILES_ACTIVE").asText()).isEqualTo("postgres");
        assertThat(env.get("ORDERHUB_DB_URL").asText())
                .isEqualTo("jdbc:postgresql://postgres:5432/" + services.get("postgres").get("environment").get("POSTGRES_DB").asText());
        assertThat(env.get("ORDERHUB_DB_USER").asText())
                .isEqualTo(services.get("postgres").get("environment").get("POSTGRES_USER").asText());
        assertThat(env.get("ORDERHUB_BROKER_URL").asText()).isEqualTo("tcp://artemis:61616");
        for (String dependency : List.of("postgres", "artemis")) {
            assertThat(hub.get("depends_on").get(dependency).get("condition").asText()).isEqualTo("service_healthy");
            assertThat(services.get(dependency).has("healthcheck")).as(dependency + " healthcheck").isTrue();
        }
        assertThat(hub.get("build").asText()).isEqualTo(".");
        assertThat(Path.of("Dockerfile")).exists();
    }

    @Test
    void secretsComeFromTheEnvironmentOnly() throws Exception {
        for (String secret : List.of("ORDERHUB_DB_PASSWORD", "ORDERHUB_BROKER_PASSWORD")) {
            assertThat(services.get("hub").get("environment").get(secret).asText()).startsWith("${" + secret + ":?");
        }
        assertThat(services.get("postgres").get("environment").get("POSTGRES_PASSWORD").asText())
                .startsWith("${ORDERHUB_DB_PASSWORD:?");
        assertThat(services.get("artemis").get("environment").get("ARTEMIS_PASSWORD").asText())
                .startsWith("${ORDERHUB_BROKER_PASSWORD:?");
        assertThat(services.get("grafana").get("environment").get("GF_SECURITY_ADMIN_PASSWORD").asText())
                .startsWith("${ORDERHUB_GRAFANA_ADMIN_PASSWORD:?");
        assertThat(Files.readString(Path.of(".gitignore"))).as("the Prometheus key file is never committed")
                .contains("config/prometheus/orderhub-api-key");
    }

    @Test
    void prometheusScrapesEveryHubReplicaWithAViewerKeyFromASecretFile() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        JsonNode prometheus = services.get("prometheus");
        assertThat(prometheus.get("image").asText()).startsWith("prom/prometheus:v3.");
        assertThat(prometheus.get("volumes").toString()).contains("./config/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml");
        assertThat(prometheus.get("command").toString()).contains("--config.file=/etc/prometheus/prometheus.yml");
        assertThat(prometheus.get("secrets").toString()).isEqualTo("[\"orderhub_prometheus_key\"]");
        JsonNode secret = yaml.readTree(COMPOSE.toFile()).get("secrets").get("orderhub_prometheus_key");
        assertThat(secret.get("file").asText()).isEqualTo("${ORDERHUB_PROMETHEUS_KEY_FILE:-./config/prometheus/orderhub-api-key}");

        JsonNode scrape = yaml.readTree(Path.of("config/prometheus/prometheus.yml").toFile()).get("scrape_configs").get(0);
        assertThat(scrape.get("metrics_path").asText()).isEqualTo("/actuator/prometheus");
        // The hub takes its API key as "Authorization: Bearer <key>" (dev.orderhub.security.CallerFilter).
        assertThat(scrape.get("authorization").get("type").asText()).isEqualTo("Bearer");
        assertThat(scrape.get("authorization").get("credentials_file").asText()).isEqualTo("/run/secrets/orderhub_prometheus_key");
        assertThat(scrape.has("basic_auth") || scrape.get("authorization").has("credentials")).as("no key in the file").isFalse();
        JsonNode replicas = scrape.get("dns_sd_configs").get(0);
        assertThat(replicas.get("names").toString()).isEqualTo("[\"hub\"]");
        assertThat(replicas.get("port").asInt()).as("the hub's port inside the network").isEqualTo(8080);
        assertThat(services.get("hub").get("ports").get(0).asText()).endsWith(":8080");
    }

    @Test
    void grafanaIsProvisionedWithPrometheusAndTheOrderhubDashboard() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        JsonNode grafana = services.get("grafana");
        assertThat(grafana.get("image").asText()).startsWith("grafana/grafana:");
        String volumes = grafana.get("volumes").toString();
        assertThat(volumes).contains("./config/grafana/provisioning:/etc/grafana/provisioning");
        assertThat(volumes).contains("./config/grafana/orderhub-dashboard.json:/etc/grafana/dashboards/orderhub-dashboard.json");
        JsonNode source = yaml.readTree(Path.of("config/grafana/provisioning/datasources/prometheus.yaml").toFile())
                .get("datasources").get(0);
        assertThat(source.get("type").asText()).isEqualTo("prometheus");
        assertThat(source.get("url").asText()).isEqualTo("http://prometheus:9090");
        JsonNode provider = yaml.readTree(Path.of("config/grafana/provisioning/dashboards/orderhub.yaml").toFile())
                .get("providers").get(0);
        assertThat(provider.get("options").get("path").asText()).isEqualTo("/etc/grafana/dashboards");
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("config/grafana/orderhub-dashboard.json").toFile());
        assertThat(dashboard.get("panels")).isNotEmpty();
        for (JsonNode panel : dashboard.get("panels")) {
            assertThat(panel.get("datasource").get("uid").asText()).as(panel.get("title").asText() + " reads the provisioned source")
                    .isEqualTo(source.get("uid").asText());
        }
    }

    @Test
    void brokerGetsTheHubsAddressSettingsAndBindsNoReservedPort() throws Exception {
        JsonNode artemis = services.get("artemis");
        assertThat(artemis.get("volumes").toString()).contains("./config/artemis:/var/lib/artemis-instance/etc-override");
        String settings = Files.readString(Path.of("config/artemis/broker.properties"));
        assertThat(settings).contains("addressSettings.\"orders.intake\".deadLetterAddress=DLQ.orders.intake");
        for (JsonNode service : services) {
            if (service.has("ports")) {
                for (JsonNode port : service.get("ports")) {
                    assertThat(port.asText()).doesNotStartWith("5672").doesNotStartWith("1883").doesNotStartWith("5432")
                            .doesNotStartWith("3306").doesNotStartWith("6379").doesNotStartWith("4222");
                }
            }
        }
    }

    @Test
    void externalBrokerHasTheEmbeddedBrokersSecurity() throws Exception {
        JsonNode artemis = services.get("artemis");
        JsonNode env = artemis.get("environment");
        assertThat(env.get("EXTRA_ARGS").asText()).contains("--role hub");
        assertThat(env.get("ANONYMOUS_LOGIN").asText()).isEqualTo("false");
        assertThat(env.get("ORDERHUB_BROKER_ERP_PASSWORD").asText()).isEqualTo("${ORDERHUB_BROKER_ERP_PASSWORD:-}");
        assertThat(artemis.get("entrypoint").toString()).contains("/var/lib/artemis-instance/etc-override/orderhub-entrypoint.sh");
        Path entrypoint = Path.of("config/artemis/orderhub-entrypoint.sh");
        assertThat(Files.readString(entrypoint)).contains("artemis\" mask --hash", "/docker-run.sh", "exec ./bin/artemis");
        // The same file, applied as the embedded broker applies it: the hub everywhere, nobody
        // else consuming orders.intake or a dead-letter queue.
        org.apache.activemq.artemis.core.config.impl.ConfigurationImpl external =
                new org.apache.activemq.artemis.core.config.impl.ConfigurationImpl();
        external.parseFileProperties(new File("config/artemis/broker.properties"));
        org.apache.activemq.artemis.core.config.impl.ConfigurationImpl embedded =
                new org.apache.activemq.artemis.core.config.impl.ConfigurationImpl();
        dev.orderhub.messaging.EmbeddedBroker.applyBrokerProperties(embedded, new File("config/artemis/broker.properties"));
        assertThat(permissions(external)).as("broker.properties lists the hub in every match, as the embedded broker applies it")
                .isEqualTo(permissions(embedded));
        dev.orderhub.messaging.EmbeddedBroker.refuseOutsideReaders(external, "orders.intake");
    }

    @Test
    void dockerComposeAcceptsTheFile() throws Exception {
        assumeTrue(onPath("docker-compose"), "docker-compose is not installed here (.ci/run installs it)");
        ProcessBuilder check = new ProcessBuilder("docker-compose", "-f", COMPOSE.toString(), "config", "-q")
                .redirectErrorStream(true);
        check.environment().put("ORDERHUB_DB_PASSWORD", "only-for-validation");
        check.environment().put("ORDERHUB_BROKER_PASSWORD", "only-for-validation");
        check.environment().put("ORDERHUB_GRAFANA_ADMIN_PASSWORD", "only-for-validation");
        Process process = check.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    /** Match -> each role's permissions, comparable (the parser's sets hold roles changed after insertion). */
    private static java.util.Map<String, java.util.Set<String>> permissions(
            org.apache.activemq.artemis.core.config.Configuration configuration) {
        java.util.Map<String, java.util.Set<String>> permissions = new java.util.TreeMap<>();
        configuration.getSecurityRoles().forEach((match, roles) -> permissions.put(match,
                roles.stream().map(Object::toString).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new))));
        return permissions;
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
