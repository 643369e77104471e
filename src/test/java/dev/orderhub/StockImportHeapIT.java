package dev.orderhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * Stock imports on the packaged hub: a 50 MB file goes through a hub with a small heap (the
 * upload is streamed to disk, never held), and an import the hub was killed in the middle of
 * goes on after the restart without applying a row twice.
 */
class StockImportHeapIT {

    /** What the hub needs idle plus a little: a file held in memory would not fit. */
    static final String HEAP = "-Xmx128m";
    static final long SIZE = 50L * 1024 * 1024;

    @Test
    void a50MbFileIsImportedByAHubWithASmallHeap() throws Exception {
        try (PackagedHub hub = new PackagedHub().jvm(HEAP)) {
            hub.start();
            HubClient client = hub.client();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.httpPort() + "/api/stock/imports"))
                    .header("Content-Type", "text/csv").timeout(Duration.ofSeconds(120))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new MostlyBad(SIZE)))
                    .build();
            HttpResponse<String> started = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            assertThat(started.headers().firstValue("Location")).isPresent();
            String id = new ObjectMapper().readTree(started.body()).get("importId").asText();

            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> List.of("DONE", "FAILED").contains(client.get("/api/stock/imports/" + id).text("status")));
            JsonNode progress = client.get("/api/stock/imports/" + id).json();
            assertThat(progress.get("status").asText()).as(progress.toString()).isEqualTo("DONE");
            MostlyBad counted = new MostlyBad(SIZE);
            counted.transferTo(OutputStreamNull.INSTANCE);
            assertThat(progress.get("rowsTotal").asInt()).isEqualTo(counted.bad + counted.good);
            assertThat(progress.get("rowsDone").asInt()).isEqualTo(counted.bad + counted.good);
            assertThat(progress.get("rejectedCount").asInt()).isEqualTo(counted.bad);
            assertThat(progress.get("rejected")).hasSize(1000);
            for (int i = 0; i < counted.good; i++) {
                assertThat(client.get("/api/stock/HEAP-GOOD-" + i).json().get("onHand").asLong()).isEqualTo(100 + i);
            }
            assertThat(hub.logText()).doesNotContain("OutOfMemoryError");
        }
    }

    @Test
    void anImportRunningWhenTheHubDiedGoesOnAfterTheRestartWithoutApplyingARowTwice() throws Exception {
        int rows = 1000;
        try (PackagedHub hub = new PackagedHub()) {
            hub.start();
            HubClient client = hub.client();
            String csv = "sku,location,onHand\n" + IntStream.range(0, rows).mapToObj(i -> "RESUME-" + i + ",main," + (i + 1))
                    .collect(Collectors.joining("\n")) + "\n";
            HubClient.Response started = client.send("POST", "/api/stock/imports", "text/csv", csv.getBytes(StandardCharsets.UTF_8));
            assertThat(started.status()).as(started.body()).isEqualTo(202);
            String id = started.text("importId");
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                    .until(() -> client.get("/api/stock/imports/" + id).json().get("rowsDone").asInt() >= 100);
            hub.kill();
            hub.start();

            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> "DONE".equals(client.get("/api/stock/imports/" + id).text("status")));
            JsonNode progress = client.get("/api/stock/imports/" + id).json();
            assertThat(progress.get("rowsDone").asInt()).isEqualTo(rows);
            assertThat(progress.get("rejectedCount").asInt()).isZero();
            assertThat(hub.logText()).contains("stock import " + id + ": resuming after line");
            for (int i = 0; i < rows; i++) {
                JsonNode history = client.get("/api/stock/RESUME-" + i + "/history").json();
                assertThat(history.get("items")).as("RESUME-" + i + " was counted once").hasSize(1);
                assertThat(history.get("items").get(0).get("onHandAfter").asLong()).isEqualTo(i + 1);
            }
        }
    }

    private static final class OutputStreamNull extends java.io.OutputStream {
        static final OutputStreamNull INSTANCE = new OutputStreamNull();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }

    /**
     * {@code size} bytes of CSV made as they are read: 1 KiB blocks, each one bad row and blank
     * lines, with a good row in every 10,000th block (and the last). Counts what it made.
     */
    static final class MostlyBad extends InputStream {

        private static final int BLOCK = 1024;
        private final long blocks;
        private byte[] current = "sku,location,onHand\n".getBytes(StandardCharsets.US_ASCII);
        private int at;
        private long block;
        int bad;
        int good;

        MostlyBad(long size) {
            this.blocks = size / BLOCK;
        }

        private boolean fill() {
            if (block >= blocks) {
                return false;
            }
            StringBuilder text = new StringBuilder(BLOCK);
            text.append("HEAP-BAD-").append(block).append(",nowhere,1\n");
            bad++;
            if (block % 10_000 == 0 || block == blocks - 1) {
                text.append("HEAP-GOOD-").append(good).append(",main,").append(100 + good).append('\n');
                good++;
            }
            while (text.length() < BLOCK - 1) {
                text.append(text.length() % 7 == 0 ? "\n" : " ");
            }
            text.append('\n');
            current = text.toString().getBytes(StandardCharsets.US_ASCII);
            at = 0;
            block++;
            return true;
        }

        @Override
        public int read() {
            if (at == current.length && !fill()) {
                return -1;
            }
            return current[at++] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) {
            if (at == current.length && !fill()) {
                return -1;
            }
            int n = Math.min(length, current.length - at);
            System.arraycopy(current, at, bytes, offset, n);
            at += n;
            return n;
        }
    }
}
