package dev.orderhub.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A standalone Artemis 2.40.0 (the Maven Central bin distribution that bench/faults unpacks
 * under target/artemis), made with `artemis create` on one free port: no AMQP, MQTT, STOMP or
 * HornetQ acceptors of its own and no web console, so it binds nothing the build machines
 * reserve. Login required: user hub, with role hub (the hub's role in broker.properties).
 */
final class StandaloneArtemis implements AutoCloseable {

    static final Path HOME = Path.of("target", "artemis", "apache-artemis-2.40.0");
    static final String USER = "hub";
    static final String PASSWORD = "hub-secret";

    final int port;
    private final Path instance;
    private Process process;

    static boolean available() {
        return Files.isExecutable(HOME.resolve("bin/artemis"));
    }

    StandaloneArtemis() throws Exception {
        port = HubProcess.freePort();
        instance = Files.createTempDirectory("artemis-instance").resolve("broker");
        Process create = new ProcessBuilder(HOME.resolve("bin/artemis").toString(), "create", instance.toString(),
                "--user", USER, "--password", PASSWORD, "--role", "hub", "--require-login", "--silent", "--no-web",
                "--no-amqp-acceptor", "--no-mqtt-acceptor", "--no-stomp-acceptor", "--no-hornetq-acceptor",
                "--host", "127.0.0.1", "--default-port", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(new File(instance.getParent().toFile(), "create.log")).start();
        assertThat(create.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(create.exitValue()).isZero();
        // The hub's address settings, as docker-compose gives them to its broker.
        Files.copy(Path.of("config/artemis/broker.properties"), instance.resolve("etc/broker.properties"));
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Runs the broker and waits until its port answers. */
    void start() {
        try {
            process = new ProcessBuilder(instance.resolve("bin/artemis").toString(), "run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(instance.resolve("run.log").toFile())).start();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("artemis run failed to start", e);
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return true;
            }
        });
    }

    /** SIGTERM: the broker stops as an operator would stop it. */
    void stop() throws InterruptedException {
        process.destroy();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
