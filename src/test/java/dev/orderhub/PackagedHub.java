package dev.orderhub;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged jar run as its own process from the project root, as the README runs it
 * ({@code java -jar}), on its zero-setup default (H2 and embedded Artemis under its own data
 * directory) unless the environment says otherwise. For tests of what only a real process
 * shows: start-up from the file system, kill -9, a clean stop, a bounded heap.
 */
public final class PackagedHub implements AutoCloseable {

    private final Path dataDir;
    private final int httpPort;
    private final int brokerPort;
    private final Map<String, String> environment = new HashMap<>();
    private final List<String> jvmOptions = new ArrayList<>(List.of("-Xmx512m"));
    private Process process;
    private int starts;

    public PackagedHub() throws IOException {
        this.dataDir = Files.createTempDirectory("orderhub-it");
        this.httpPort = freePort();
        this.brokerPort = freePort();
    }

    /** Sets a variable of the hub's environment for its next start. */
    public PackagedHub env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** Replaces the JVM options (default {@code -Xmx512m}) for the next start. */
    public PackagedHub jvm(String... options) {
        jvmOptions.clear();
        jvmOptions.addAll(List.of(options));
        return this;
    }

    public HubClient client() {
        return new HubClient(httpPort);
    }

    public int httpPort() {
        return httpPort;
    }

    public int brokerPort() {
        return brokerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Starts the jar (on the same data directory as any start before) and waits until it is UP. */
    public PackagedHub start() throws IOException {
        String jar = System.getProperty("orderhub.jar");
        if (jar == null || !Files.exists(Path.of(jar))) {
            throw new IllegalStateException("orderhub.jar is not set or missing: run through failsafe after package");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        builder.environment().put("ORDERHUB_DATA_DIR", dataDir.toString());
        builder.environment().put("PORT", Integer.toString(httpPort));
        builder.environment().put("ORDERHUB_BROKER_PORT", Integer.toString(brokerPort));
        builder.environment().putAll(environment);
        Files.writeString(log(), "=== start " + (++starts) + " ===\n", java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        process = builder.start();
        HubClient client = client();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("the hub exited with " + process.exitValue() + ":\n" + logTail());
                    }
                    return "UP".equals(client.get("/actuator/health").text("status"));
                });
        return this;
    }

    /** SIGKILL: no shutdown hooks, nothing flushed. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM, as an operator stops it; returns the exit code. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new IllegalStateException("the hub did not stop within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    public Path log() {
        return dataDir.resolve("hub.log");
    }

    /** Everything the hub wrote to stdout and stderr, over every start. */
    public String logText() {
        try {
            return Files.readString(log());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String logTail() {
        String text = logText();
        return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
