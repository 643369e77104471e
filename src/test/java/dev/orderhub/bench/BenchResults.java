package dev.orderhub.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** Prints a benchmark's figures and writes them to bench/results/NAME.json. */
public final class BenchResults {

    private BenchResults() {
    }

    public static Map<String, Object> start(String name, String command) {
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("benchmark", name);
        results.put("command", command);
        results.put("date", Instant.now().toString());
        results.put("machine", Runtime.getRuntime().availableProcessors() + " cores, "
                + ManagementFactory.getOperatingSystemMXBean().getName() + " " + System.getProperty("os.arch")
                + ", Java " + Runtime.version());
        return results;
    }

    public static void write(String name, Map<String, Object> results) {
        try {
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            String text = json.writeValueAsString(results);
            Path file = Path.of("bench", "results", name + ".json");
            Files.createDirectories(file.getParent());
            Files.writeString(file, text + "\n");
            System.out.println("=== " + name + " ===\n" + text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The p-th percentile (0..100) of sorted values, nearest rank. */
    public static long percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
