package dev.orderhub.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.HubClient;
import dev.orderhub.HubTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Stock imports at size: long reject lists, one import at a time, the upload size limit. */
@HubTest
class StockImportLimitsTest {

    @LocalServerPort
    int port;

    @Value("${orderhub.data-dir}")
    Path dataDir;

    @Value("${orderhub.api.max-import-bytes:104857600}")
    long maxImportBytes;

    HubClient hub;
    String prefix;

    @BeforeEach
    void setUp() {
        hub = new HubClient(port);
        prefix = "LIM-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private String postCsv(String csv) {
        HubClient.Response started = hub.send("POST", "/api/stock/imports", "text/csv", csv.getBytes(StandardCharsets.UTF_8));
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        return started.text("importId");
    }

    private JsonNode progress(String id) {
        return hub.get("/api/stock/imports/" + id).json();
    }

    @Test
    void twelveThousandBadRowsThenFiveGoodOnesFinishDoneWithTheGoodRowsApplied() {
        // Each reason is ~100 characters: the whole list outgrew the old 1,000,000-character column.
        String bad = IntStream.rangeClosed(1, 12_000)
                .mapToObj(i -> prefix + "-BAD-" + i + ",warehouse-that-is-not-configured-anywhere-" + i + ",1")
                .collect(Collectors.joining("\n"));
        String good = IntStream.rangeClosed(1, 5).mapToObj(i -> prefix + "-GOOD-" + i + ",main," + (10 + i))
                .collect(Collectors.joining("\n"));
        String id = postCsv("sku,location,onHand\n" + bad + "\n" + good + "\n");

        await().atMost(Duration.ofSeconds(60)).until(() -> List.of("DONE", "FAILED").contains(progress(id).get("status").asText()));
        JsonNode progress = progress(id);
        assertThat(progress.get("status").asText()).as(progress.toString()).isEqualTo("DONE");
        assertThat(progress.get("rowsTotal").asInt()).isEqualTo(12_005);
        assertThat(progress.get("rowsDone").asInt()).isEqualTo(12_005);
        assertThat(progress.get("rejectedCount").asInt()).isEqualTo(12_000);
        JsonNode rejected = progress.get("rejected");
        assertThat(rejected).hasSize(1000);
        assertThat(rejected.get(0).get("line").asInt()).isEqualTo(2);
        assertThat(rejected.get(999).get("line").asInt()).isEqualTo(1001);
        assertThat(rejected.get(0).get("reason").asText()).contains("is not configured");
        for (int i = 1; i <= 5; i++) {
            assertThat(hub.get("/api/stock/" + prefix + "-GOOD-" + i).json().get("onHand").asLong()).isEqualTo(10 + i);
        }
    }

    @Test
    void twoImportsPostedTogetherRunOneAfterTheOther() {
        String first = postCsv("sku,location,onHand\n" + IntStream.rangeClosed(1, 600)
                .mapToObj(i -> prefix + "-A-" + i + ",main," + i).collect(Collectors.joining("\n")) + "\n");
        String second = postCsv("sku,location,onHand\n" + prefix + "-B-1,main,7\n" + prefix + "-B-2,main,8\n");

        // Read the second, then the first: the second waited while the first was not done yet.
        JsonNode waiting = progress(second);
        JsonNode running = progress(first);
        assertThat(waiting.get("status").asText()).isEqualTo("QUEUED");
        assertThat(running.get("status").asText()).isIn("QUEUED", "RUNNING");
        assertThat(waiting.get("rowsTotal").asInt()).isEqualTo(2);

        await().atMost(Duration.ofSeconds(90)).until(() -> "DONE".equals(progress(second).get("status").asText()));
        JsonNode a = progress(first);
        JsonNode b = progress(second);
        assertThat(a.get("status").asText()).isEqualTo("DONE");
        assertThat(a.get("rowsDone").asInt()).isEqualTo(600);
        assertThat(Instant.parse(b.get("startedAt").asText())).isAfterOrEqualTo(Instant.parse(a.get("finishedAt").asText()));
        assertThat(hub.get("/api/stock/" + prefix + "-B-2").json().get("onHand").asLong()).isEqualTo(8);
    }

    @Test
    void anUploadBeyondTheLimitIs413AndLeavesNoFile() throws Exception {
        postCsv("sku,location,onHand\n");
        try (Stream<Path> before = Files.list(dataDir.resolve("imports"))) {
            long files = before.filter(p -> p.toString().endsWith(".csv")).count();

            // Streamed (chunked, no length said): cut off as it passes the limit, the partial file removed.
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/stock/imports"))
                    .header("Content-Type", "text/csv").timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new BlankLines(maxImportBytes + 1024 * 1024)))
                    .build();
            HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
            JsonNode body = new ObjectMapper().readTree(response.body());
            assertThat(body.get("error").asText()).isEqualTo("body_too_large");
            assertThat(body.get("detail").asText()).contains("at most " + maxImportBytes + " bytes");
            try (Stream<Path> after = Files.list(dataDir.resolve("imports"))) {
                assertThat(after.filter(p -> p.toString().endsWith(".csv")).count()).isEqualTo(files);
            }
        }
    }

    /** The header, then blank lines up to {@code size} bytes, generated as read (nothing held). */
    static final class BlankLines extends InputStream {

        private final byte[] header = "sku,location,onHand\n".getBytes(StandardCharsets.US_ASCII);
        private final long size;
        private long at;

        BlankLines(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            if (at >= size) {
                return -1;
            }
            return at < header.length ? header[(int) at++] : (at++ % 2 == 0 ? ' ' : '\n');
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            if (at >= size) {
                return -1;
            }
            int n = (int) Math.min(length, size - at);
            for (int i = 0; i < n; i++) {
                bytes[offset + i] = (byte) read();
            }
            return n;
        }
    }
}
