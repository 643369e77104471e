package dev.orderhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged hub's log is quiet: about one INFO line per start-up phase, nothing per order
 * at INFO (ten orders or a hundred log the same), and a clean stop (SIGTERM) logs no ERROR.
 */
class QuietLogIT {

    /** A log line's level, in Spring Boot's console format ("2026-12-01T10:00:00.000Z  INFO 123 --- ..."). */
    private static final Pattern INFO = Pattern.compile("^\\S+\\s+INFO\\s");
    private static final Pattern ERROR = Pattern.compile("^\\S+\\s+ERROR\\s");
    /** Start-up INFO lines allowed: Spring, the broker, the database, the web server, Camel (one naming every route), leases. */
    static final int MAX_STARTUP_INFO = 16;

    private PackagedHub hub;

    @Test
    void startUpIsBriefOrdersLogNothingAtInfoAndAStopLogsNoError() throws Exception {
        hub = new PackagedHub().start();
        await().atMost(Duration.ofSeconds(30)).until(() -> hub.logText().contains("Started OrderhubApplication"));
        // The start-up's own lines, and whatever the first round of each timer logs once (leases).
        HubClient client = hub.client();
        client.setStock("QUIET-SKU", "main", 1000);
        String run = UUID.randomUUID().toString().substring(0, 6);
        List<String> warmUp = postOrders(client, "W-" + run, 2);
        awaitReserved(client, warmUp);
        List<String> startUp = infoLines(hub.logText());

        List<String> ten = postOrders(client, "T-" + run, 10);
        awaitReserved(client, ten);
        int afterTen = infoLines(hub.logText()).size();
        List<String> hundred = postOrders(client, "H-" + run, 100);
        awaitReserved(client, hundred);
        // Invalid orders: answered 400 and logged by nobody at INFO.
        for (int i = 0; i < 5; i++) {
            assertThat(client.post("/api/channels/webshop/orders", "{\"channelOrderId\":\"B-" + run + i + "\"}").status())
                    .isEqualTo(400);
        }
        List<String> afterHundred = infoLines(hub.logText());

        assertThat(hub.stop()).as("exit code after SIGTERM").isIn(0, 143);
        String log = hub.logText();

        assertThat(startUp).as("start-up INFO lines:\n" + String.join("\n", startUp)).hasSizeLessThanOrEqualTo(MAX_STARTUP_INFO);
        assertThat(startUp).as("the start-up names every route it started")
                .anyMatch(line -> line.contains("order-intake") && line.contains("order-ingress") && line.contains("orders-in-poll"));
        List<String> perOrder = afterHundred.subList(startUp.size(), afterHundred.size());
        assertThat(afterHundred.size() - afterTen).as("INFO lines while 100 orders went through:\n" + String.join("\n", perOrder))
                .isLessThanOrEqualTo(2);
        List<String> ids = new ArrayList<>(ten);
        ids.addAll(hundred);
        assertThat(infoLines(log)).as("INFO lines naming an order").noneMatch(line -> ids.stream().anyMatch(line::contains));
        assertThat(log.lines().filter(line -> ERROR.matcher(line).find()).toList()).as("ERROR lines in the whole log").isEmpty();
        assertThat(log).as("no stack trace in the log").doesNotContain("\tat ").doesNotContain("Exception:");
    }

    private static List<String> postOrders(HubClient client, String prefix, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            HubClient.Response response = client.post("/api/channels/webshop/orders", OrderJson.of(prefix + "-" + i, "QUIET-SKU", 1));
            assertThat(response.status()).as(response.body()).isEqualTo(202);
            ids.add(response.text("hubOrderId"));
        }
        return ids;
    }

    private static void awaitReserved(HubClient client, List<String> ids) {
        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream()
                .allMatch(id -> "RESERVED".equals(client.get("/api/orders/" + id).text("status"))));
    }

    private static List<String> infoLines(String log) {
        return log.lines().filter(line -> INFO.matcher(line).find()).toList();
    }

    @AfterEach
    void kill() throws Exception {
        if (hub != null) {
            hub.close();
        }
    }
}
