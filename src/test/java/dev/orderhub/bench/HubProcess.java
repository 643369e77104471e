package dev.orderhub.bench;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.orderhub.HubClient;
import dev.orderhub.TestIsolation;

/**
 * The packaged hub run as its own process on PostgreSQL (a schema of its own in database
 * test) and its embedded broker, or an external one. For fault tests that kill or starve it.
 */
final class HubProcess implements AutoCloseable {

    /** The embedded broker's ERP user (may subscribe to order.* and stock.*): a bench-only value. */
    static final String ERP_USER = "erp";
    static final String ERP_PASSWORD = "bench-erp-password-not-real";

    final String schema;
    final Path dataDir;
    final int httpPort;
    final int brokerPort;
    private final String externalBrokerUrl;
    private Process process;

    HubProcess(String externalBrokerUrl) throws IOException {
        this(externalBrokerUrl, "f_" + Long.toString(System.nanoTime(), 36));
    }

    /** A second instance on the same schema (and, for a cluster, the same external broker). */
    HubProcess(String externalBrokerUrl, String schema) throws IOException {
        this.schema = schema;
        this.dataDir = Files.createTempDirectory("orderhub-fault");
        this.httpPort = freePort();
        this.brokerPort = freePort();
        this.externalBrokerUrl = externalBrokerUrl;
    }

    HubClient client() {
        return new HubClient(httpPort);
    }

    /** The hub's process id (for jcmd). */
    long pid() {
        return process.pid();
    }

    /** Starts the jar and waits until /actuator/health is UP. */
    void start() throws Exception {
        start(Map.of());
    }

    void start(Map<String, String> extraEnvironment) throws Exception {
        String jar = Files.list(Path.of("target"))
                .filter(p -> p.getFileName().toString().matches("orderhub-.*\\.jar"))
                .findFirst().orElseThrow(() -> new IllegalStateException("run mvn -DskipTests package first (bench/faults does)"))
                .toString();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", jar)
                .directory(new File("."))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("hub.log").toFile()));
        Map<String, String> env = builder.environment();
        env.put("SPRING_PROFILES_ACTIVE", "postgres");
        env.put("ORDERHUB_DB_URL", url());
        env.put("ORDERHUB_DB_USER", TestIsolation.PG_USER);
        env.put("ORDERHUB_DB_PASSWORD", TestIsolation.PG_PASSWORD);
        env.put("SPRING_FLYWAY_SCHEMAS", schema);
        env.put("ORDERHUB_DATA_DIR", dataDir.toString());
        env.put("PORT", String.valueOf(httpPort));
        env.put("ORDERHUB_BROKER_PORT", String.valueOf(brokerPort));
        env.put("ORDERHUB_BOOTSTRAP_ADMIN_KEY", HubClient.TEST_ADMIN_KEY);
        env.put("ORDERHUB_BROKER_ERP_PASSWORD", ERP_PASSWORD);
        if (externalBrokerUrl != null) {
            env.put("ORDERHUB_BROKER_URL", externalBrokerUrl);
        }
        env.putAll(extraEnvironment);
        process = builder.start();
        awaitHealthy(Duration.ofSeconds(90));
    }

    void awaitHealthy(Duration atMost) {
        HubClient client = client();
        await().atMost(atMost).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> "UP".equals(client.get("/actuator/health").text("status")));
    }

    /** SIGKILL: no shutdown hooks, nothing flushed. */
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    String url() {
        return TestIsolation.PG_URL + "?currentSchema=" + schema;
    }

    long single(String sql) throws Exception {
        long[] value = new long[1];
        query(sql, rs -> value[0] = rs.getLong(1));
        return value[0];
    }

    String text(String sql) throws Exception {
        String[] value = new String[1];
        query(sql, rs -> value[0] = rs.getString(1));
        return value[0];
    }

    interface Row {
        void accept(ResultSet rs) throws Exception;
    }

    void query(String sql, Row row) throws Exception {
        try (Connection connection = DriverManager.getConnection(url(), TestIsolation.PG_USER, TestIsolation.PG_PASSWORD);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                row.accept(rs);
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        kill();
        try (Connection connection = DriverManager.getConnection(TestIsolation.PG_URL, TestIsolation.PG_USER,
                TestIsolation.PG_PASSWORD); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
