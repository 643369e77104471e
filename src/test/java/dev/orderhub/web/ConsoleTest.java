package dev.orderhub.web;

import static dev.orderhub.web.ConsoleSession.form;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.HubClient;
import dev.orderhub.HubTest;
import dev.orderhub.OrderJson;
import dev.orderhub.alert.Alert;
import dev.orderhub.alert.AlertConditions;
import dev.orderhub.alert.AlertSettings;
import dev.orderhub.alert.Alerts;
import dev.orderhub.messaging.ExceptionStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * The operations console over HTTP, as a browser uses it (session cookie, CSRF token, htmx
 * form posts), with nobody anonymous: sign-in, every page for a viewer, the operator's actions,
 * a viewer and an anonymous caller refused them, fix-and-replay checked before it is sent, a CSV
 * import followed to its end; and the JSON API behind each page.
 */
@HubTest
@TestPropertySource(properties = "orderhub.security.anonymous-loopback=false")
class ConsoleTest {

    @LocalServerPort
    int port;

    @Autowired
    ExceptionStore exceptions;

    @Autowired
    JdbcClient jdbc;

    HubClient admin;
    String sku;
    private static String viewerKey;
    private static String operatorKey;

    @BeforeEach
    void setUp() {
        admin = new HubClient(port);
        sku = "CON-" + UUID.randomUUID().toString().substring(0, 8);
        synchronized (ConsoleTest.class) {
            if (viewerKey == null) {
                viewerKey = admin.post("/api/keys", "{\"name\":\"console viewer\",\"role\":\"viewer\"}").text("key");
                operatorKey = admin.post("/api/keys", "{\"name\":\"console operator\",\"role\":\"operator\"}").text("key");
            }
        }
    }

    private String order(String channelOrderId, String sku, int qty, Instant shipBy) {
        String json = OrderJson.order(channelOrderId).line(sku, qty).shipBy(shipBy.truncatedTo(ChronoUnit.SECONDS).toString()).json()
                .replace("2026-11-26T09:30:00Z", Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS).toString());
        HubClient.Response accepted = admin.post("/api/channels/webshop/orders", json);
        assertThat(accepted.status()).as(accepted.body()).isIn(200, 202);
        String id = accepted.text("hubOrderId");
        await().atMost(Duration.ofSeconds(20)).until(() -> !"RECEIVED".equals(admin.get("/api/orders/" + id).text("status")));
        return id;
    }

    private String status(String hubOrderId) {
        return admin.get("/api/orders/" + hubOrderId).text("status");
    }

    @Test
    void aViewerSignedInToTheConsoleReadsSwaggerUiAndTheApiDocumentInTheBrowser() {
        ConsoleSession anonymous = new ConsoleSession(port);
        ConsoleSession.Page away = anonymous.get("/swagger-ui/index.html");
        assertThat(away.status()).as("a browser without a session is sent to sign in").isEqualTo(302);
        assertThat(away.header("Location")).endsWith("/console/login");

        ConsoleSession viewer = new ConsoleSession(port);
        assertThat(viewer.signIn(viewerKey).status()).isEqualTo(200);
        ConsoleSession.Page ui = viewer.get("/swagger-ui/index.html");
        assertThat(ui.status()).isEqualTo(200);
        assertThat(ui.body()).contains("swagger-ui");
        ConsoleSession.Page document = viewer.get("/v3/api-docs", "application/json,*/*");
        assertThat(document.status()).isEqualTo(200);
        assertThat(document.body()).contains("\"title\":\"orderhub API\"");
    }

    @Test
    void anonymousIsSentToSignInAndRefusedEveryActionAndAWrongKeyDoesNotSignIn() {
        ConsoleSession anonymous = new ConsoleSession(port);
        ConsoleSession.Page home = anonymous.get("/");
        assertThat(home.status()).isEqualTo(302);
        assertThat(home.header("Location")).endsWith("/console/login");
        assertThat(anonymous.get("/console/orders").status()).isEqualTo(302);
        ConsoleSession.Page login = anonymous.get("/console/login");
        assertThat(login.status()).isEqualTo(200);
        assertThat(login.body()).contains("Sign in").contains("csrf-token");

        admin.setStock(sku, "main", 5);
        String id = order("CON-A-" + sku, sku, 1, Instant.now().plus(Duration.ofDays(1)));
        ConsoleSession.Page refused = anonymous.post("/console/orders/" + id + "/cancel", form("reason", "anonymous"));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.body()).contains("\"error\":\"unauthorized\"");
        ConsoleSession.Page noToken = anonymous.post("/console/orders/" + id + "/cancel", form("reason", "anonymous"), false);
        assertThat(noToken.status()).isEqualTo(401);
        assertThat(status(id)).isEqualTo("RESERVED");

        ConsoleSession.Page wrong = anonymous.signIn("ohk_not-a-key-at-all");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body()).contains("apiKey: the API key is not valid");
        assertThat(anonymous.get("/").status()).isEqualTo(302);
    }

    @Test
    void aViewerSeesEveryPageButIsRefusedTheOperatorActions() {
        admin.setStock(sku, "main", 5);
        String id = order("CON-V-" + sku, sku, 2, Instant.now().plus(Duration.ofHours(1)));
        long parked = exceptions.park("queue:orders.intake", "currency: is required", "{\"channel\":\"webshop\"}");

        ConsoleSession viewer = new ConsoleSession(port);
        ConsoleSession.Page signedIn = viewer.signIn(viewerKey);
        assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(200);
        assertThat(signedIn.header("HX-Redirect")).isEqualTo("/");

        ConsoleSession.Page overview = viewer.get("/");
        assertThat(overview.status()).isEqualTo(200);
        assertThat(overview.body()).contains("Orders today").contains("console viewer").contains("(<span id=\"who-role\">viewer</span>)");
        Map<String, String> pages = Map.of(
                "/console/orders", id,
                "/console/orders?channel=webshop&atRisk=true", id,
                "/console/orders/" + id, "Timeline",
                "/console/stock?prefix=" + sku, sku,
                "/console/stock/sku/" + sku, "Available to sell per channel",
                "/console/stock/imports", "sku,location,onHand",
                "/console/exceptions", "currency: is required",
                "/console/exceptions/" + parked, "currency: is required",
                "/console/channels", "webshop",
                "/console/kpis", "Late Shipment Rate (10 days)");
        pages.forEach((path, marker) -> {
            ConsoleSession.Page page = viewer.get(path);
            assertThat(page.status()).as(path).isEqualTo(200);
            assertThat(page.body()).as(path).contains(marker);
        });
        assertThat(viewer.get("/console/alerts").body()).contains("Cleared lately");
        assertThat(viewer.get("/console/orders/" + id).body()).as("a viewer sees no actions").doesNotContain("id=\"cancel-order\"");

        ConsoleSession.Page cancel = viewer.post("/console/orders/" + id + "/cancel", form("reason", "viewer tries"));
        assertThat(cancel.status()).isEqualTo(403);
        assertThat(cancel.body()).contains("\"error\":\"forbidden\"").contains("needs the role operator");
        assertThat(viewer.post("/console/stock/sku/" + sku + "/adjust", form("location", "main", "delta", "5", "reason", "x")).status())
                .isEqualTo(403);
        assertThat(viewer.post("/console/exceptions/" + parked + "/discard", form("note", "viewer")).status()).isEqualTo(403);
        assertThat(viewer.postRaw("/console/stock/imports", "text/csv", "sku,location,onHand\n" + sku + ",main,1\n", true).status())
                .isEqualTo(403);
        assertThat(status(id)).isEqualTo("RESERVED");
        assertThat(admin.get("/api/stock/" + sku).json().get("onHand").asLong()).isEqualTo(5);
        assertThat(admin.get("/api/exceptions/" + parked).text("status")).isEqualTo("OPEN");
        admin.post("/api/exceptions/" + parked + "/discard", "{\"note\":\"test done\"}");

        viewer.post("/console/logout", Map.of());
        assertThat(viewer.get("/").status()).as("signed out").isEqualTo(302);
    }

    @Test
    void anOperatorCancelsReleasesAHoldCountsAndAdjusts() {
        admin.setStock(sku, "main", 5);
        String reserved = order("CON-O1-" + sku, sku, 2, Instant.now().plus(Duration.ofDays(1)));
        String unknownSku = sku + "-NEW";
        String held = order("CON-O2-" + sku, unknownSku, 1, Instant.now().plus(Duration.ofDays(1)));
        assertThat(status(held)).isEqualTo("ON_HOLD");

        ConsoleSession operator = new ConsoleSession(port);
        assertThat(operator.signIn(operatorKey).status()).isEqualTo(200);
        ConsoleSession.Page detail = operator.get("/console/orders/" + reserved);
        assertThat(detail.body()).contains("id=\"cancel-order\"").contains("RESERVED");

        ConsoleSession.Page forged = operator.post("/console/orders/" + reserved + "/cancel", form("reason", "forged"), false);
        assertThat(forged.status()).as("a signed-in session's post without the CSRF token").isEqualTo(403);
        assertThat(forged.body()).contains("form token");
        assertThat(status(reserved)).isEqualTo("RESERVED");

        ConsoleSession.Page cancelled = operator.post("/console/orders/" + reserved + "/cancel", form("reason", "buyer phoned"));
        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
        assertThat(cancelled.body()).contains("Order cancelled: buyer phoned").contains(">CANCELLED<");
        assertThat(status(reserved)).isEqualTo("CANCELLED");
        assertThat(operator.post("/console/orders/" + reserved + "/cancel", form("reason", "again")).status()).isEqualTo(409);

        ConsoleSession.Page tooEarly = operator.post("/console/orders/" + held + "/release-hold", form("note", "checked"));
        assertThat(tooEarly.status()).isEqualTo(409);
        assertThat(tooEarly.body()).contains("hold_still_needed").contains(unknownSku);
        admin.setStock(unknownSku, "main", 3);
        ConsoleSession.Page released = operator.post("/console/orders/" + held + "/release-hold", form("note", "sku set up"));
        assertThat(released.status()).as(released.body()).isEqualTo(200);
        assertThat(status(held)).isEqualTo("RESERVED");
        assertThat(admin.get("/api/orders/" + held + "/timeline").body()).contains("hold released: sku set up");

        ConsoleSession.Page counted = operator.post("/console/stock/sku/" + sku + "/count", form("location", "main", "onHand", "40"));
        assertThat(counted.status()).as(counted.body()).isEqualTo(200);
        assertThat(operator.post("/console/stock/sku/" + sku + "/adjust",
                form("location", "main", "delta", "-3", "reason", "damage")).status()).isEqualTo(200);
        JsonNode stock = admin.get("/api/stock/" + sku).json();
        assertThat(stock.get("onHand").asLong()).isEqualTo(37);
        assertThat(admin.get("/api/stock/" + sku + "/history").body()).contains("console:console operator").contains("damage");
        ConsoleSession.Page bad = operator.post("/console/stock/sku/" + sku + "/adjust", form("location", "attic", "delta", "x", "reason", "r"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("location: \\\"attic\\\" is not a configured location");
    }

    @Test
    void fixAndReplayIsCheckedBeforeItIsSentAndBulkActionsNeedANoteToDiscard() {
        admin.setStock(sku, "main", 5);
        String broken = OrderJson.of("CON-X-" + sku, sku, 1).replace("\"currency\":\"EUR\",", "")
                .replaceFirst("\\{", "{\"channel\":\"webshop\",");
        long id = exceptions.park("queue:orders.intake", "currency: is required", broken);
        ConsoleSession operator = new ConsoleSession(port);
        operator.signIn(operatorKey);
        assertThat(operator.get("/console/exceptions/" + id).body()).contains("id=\"replay-form\"");

        ConsoleSession.Page stillBroken = operator.post("/console/exceptions/" + id + "/replay", form("payload", broken));
        assertThat(stillBroken.status()).as("the unedited payload is replayed as it is: parked again by the importer")
                .isEqualTo(200);
        long again = exceptions.park("queue:orders.intake", "currency: is required", broken);
        ConsoleSession.Page refused = operator.post("/console/exceptions/" + again + "/replay",
                form("payload", broken.replace("\"placedAt\"", "\"currency\":\"EURO\",\"placedAt\"")));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("currency");
        assertThat(admin.get("/api/exceptions/" + again).text("status")).as("nothing sent").isEqualTo("OPEN");

        String fixed = broken.replace("\"placedAt\"", "\"currency\":\"EUR\",\"placedAt\"");
        ConsoleSession.Page replayed = operator.post("/console/exceptions/" + again + "/replay", form("payload", fixed, "note", "added currency"));
        assertThat(replayed.status()).as(replayed.body()).isEqualTo(200);
        assertThat(replayed.body()).contains("Replayed the edited payload");
        assertThat(admin.get("/api/exceptions/" + again).text("note")).contains("added currency");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(admin.get("/api/orders?sku=" + sku).json().get("items")).hasSize(1));

        long a = exceptions.park("queue:orders.intake", "bulk a", "{}");
        long b = exceptions.park("queue:orders.intake", "bulk b", "{}");
        assertThat(operator.post("/console/exceptions/bulk", form("action", "discard", "ids", String.valueOf(a))).status())
                .as("discarding needs a note").isEqualTo(400);
        String body = "action=discard&note=duplicates&ids=" + a + "&ids=" + b;
        ConsoleSession.Page bulk = operator.postRaw("/console/exceptions/bulk", "application/x-www-form-urlencoded", body, true);
        assertThat(bulk.status()).as(bulk.body()).isEqualTo(200);
        assertThat(bulk.body()).contains("Discarded 2 of 2");
        assertThat(admin.get("/api/exceptions/" + b).text("status")).isEqualTo("DISCARDED");

        long c = exceptions.park("queue:orders.intake", "bulk c", "{}");
        HubClient.Response api = admin.post("/api/exceptions/bulk", "{\"action\":\"discard\",\"note\":\"api\",\"ids\":[" + c + "," + b + "]}");
        assertThat(api.status()).isEqualTo(200);
        assertThat(api.json().get("items").get(0).get("status").asText()).isEqualTo("DISCARDED");
        assertThat(api.json().get("items").get(1).get("error").asText()).contains(String.valueOf(b));
    }

    @Test
    void aCsvImportIsFollowedToItsEndAndListsItsRejectedRows() {
        ConsoleSession operator = new ConsoleSession(port);
        operator.signIn(operatorKey);
        operator.get("/console/stock/imports");
        StringBuilder csv = new StringBuilder("sku,location,onHand\n");
        for (int i = 0; i < 300; i++) {
            csv.append(sku).append('-').append(i).append(",main,").append(i).append('\n');
        }
        csv.append(sku).append("-bad,nowhere,1\n").append(sku).append("-neg,main,-4\n");
        ConsoleSession.Page started = operator.postRaw("/console/stock/imports", "text/csv", csv.toString(), true);
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String importId = started.body().replaceAll(".*\"importId\":\"([^\"]+)\".*", "$1");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ConsoleSession.Page progress = operator.get("/console/stock/imports/" + importId);
            assertThat(progress.body()).contains(">DONE<").contains("302 of 302").doesNotContain("hx-trigger");
            assertThat(progress.body()).contains("id=\"import-rejects\"").contains("<td>302</td>").contains("<td>303</td>");
        });
        assertThat(admin.get("/api/stock/" + sku + "-299").json().get("onHand").asLong()).isEqualTo(299);
    }

    @Test
    void theJsonApiHasWhatThePagesShow() {
        admin.setStock(sku, "main", 1);
        String soon = order("CON-J1-" + sku, sku, 1, Instant.now().plus(Duration.ofHours(1)));
        String later = order("CON-J2-" + sku, sku, 1, Instant.now().plus(Duration.ofDays(5)));
        assertThat(status(later)).isEqualTo("BACKORDERED");

        JsonNode overview = admin.get("/api/overview").json();
        assertThat(overview.get("ordersTodayTotal").asLong()).isPositive();
        assertThat(overview.get("stock").get("atZero").asLong()).isPositive();
        JsonNode atRisk = admin.get("/api/orders?atRisk=true&sku=" + sku).json().get("items");
        assertThat(atRisk).extracting(o -> o.get("hubOrderId").asText()).contains(soon).doesNotContain(later);
        JsonNode newest = admin.get("/api/orders?sku=" + sku + "&sort=newest&limit=1").json();
        assertThat(newest.get("items").get(0).get("hubOrderId").asText()).isEqualTo(later);
        JsonNode older = admin.get("/api/orders?sku=" + sku + "&sort=newest&limit=1&cursor=" + newest.get("next").asText()).json();
        assertThat(older.get("items").get(0).get("hubOrderId").asText()).isEqualTo(soon);
        assertThat(admin.get("/api/orders?placedFrom=2099-01-01&sku=" + sku).json().get("items")).isEmpty();
        HubClient.Response badDate = admin.get("/api/orders?placedFrom=yesterday");
        assertThat(badDate.status()).isEqualTo(400);
        assertThat(badDate.text("detail")).startsWith("placedFrom:");
        assertThat(admin.get("/api/orders?sort=sideways").text("detail")).startsWith("sort:");

        JsonNode timeline = admin.get("/api/orders/" + soon + "/timeline").json();
        assertThat(timeline.get("entries")).extracting(e -> e.get("kind").asText()).contains("status", "message");
        assertThat(timeline.get("reservations")).hasSize(1);
        assertThat(admin.get("/api/orders/oh-000000000000000000000000/timeline").status()).isEqualTo(404);

        JsonNode skus = admin.get("/api/stock?prefix=" + sku + "&limit=1").json();
        assertThat(skus.get("items").get(0).get("sku").asText()).isEqualTo(sku);
        assertThat(admin.get("/api/stock?cursor=garbage").status()).isEqualTo(400);
        assertThat(admin.get("/api/stock/" + sku + "/reservations").json().get("items")).hasSize(1);
        JsonNode channels = admin.get("/api/overview/channels").json().get("items");
        assertThat(channels).extracting(c -> c.get("channel").asText()).contains("webshop", "b2b");
        assertThat(admin.get("/api/channels/nowhere/status").status()).isEqualTo(404);

        // A refused confirmation sent again: PENDING and due now; a confirmed one is not sent twice.
        HubClient.Response parcel = admin.post("/api/orders/" + soon + "/shipments",
                "{\"carrier\":\"DHL\",\"trackingNumber\":\"JVGL0123456789\"}");
        assertThat(parcel.status()).as(parcel.body()).isEqualTo(201);
        String shipment = parcel.json().get("shipment").get("shipmentId").asText();
        jdbc.sql("INSERT INTO channel_confirmations (shipment_id, channel, status, attempts, next_attempt_at, last_error) "
                        + "VALUES (:id, 'webshop', 'REJECTED', 3, :later, 'refused by the channel')")
                .param("id", shipment).param("later", java.time.OffsetDateTime.now().plusDays(1)).update();
        HubClient.Response retried = admin.post("/api/orders/" + soon + "/shipments/" + shipment + "/confirmation/retry", null);
        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        assertThat(retried.text("status")).isEqualTo("PENDING");
        assertThat(Instant.parse(retried.text("nextAttemptAt"))).isBefore(Instant.now().plusSeconds(1));
        jdbc.sql("UPDATE channel_confirmations SET status = 'CONFIRMED', confirmed_at = :now WHERE shipment_id = :id")
                .param("id", shipment).param("now", java.time.OffsetDateTime.now()).update();
        assertThat(admin.post("/api/orders/" + soon + "/shipments/" + shipment + "/confirmation/retry", null).status()).isEqualTo(409);
        assertThat(admin.post("/api/orders/" + soon + "/shipments/nope/confirmation/retry", null).status()).isEqualTo(404);
    }

    @Test
    void theKpiPageDrawsEachKpiWithItsThresholdsAndShowsTheMarketplacesFigure() {
        admin.setStock(sku, "main", 5);
        // Ship-by passed an hour ago, still not shipped: late on the webshop today.
        String late = order("CON-K-" + sku, sku, 1, Instant.now().minus(Duration.ofHours(1)));
        assertThat(status(late)).isEqualTo("RESERVED");
        HubClient.Response reported = admin.put("/api/channels/webshop/kpis/reported", "{\"kpi\":\"lsr\",\"value\":0.031,\"period\":\"10d\"}");
        assertThat(reported.status()).as(reported.body()).isEqualTo(200);

        ConsoleSession viewer = new ConsoleSession(port);
        viewer.signIn(viewerKey);
        ConsoleSession.Page page = viewer.get("/console/kpis?channel=webshop&days=14");
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        String body = page.body();
        assertThat(body).contains("id=\"chart-lsr\"").contains("id=\"chart-vtr\"").contains("id=\"chart-otdr\"")
                .contains("id=\"chart-cancel-rate\"");
        assertThat(body).as("LSR's thresholds drawn: warn 3 %, alert 4 % (config/application.yaml)")
                .contains("warn 3.0 %").contains("alert 4.0 %");
        assertThat(body).as("a late order today: the line has today's dot").contains("<polyline class=\"series\"");
        assertThat(body).as("the marketplace's own figure beside the hub's").contains("the marketplace reports 3.10 % over 10d");
        assertThat(body).contains("Over 10 days: seller-fulfilled orders whose ship-by fell in the window");
        JsonNode lsr = null;
        for (JsonNode k : admin.get("/api/kpis?channel=webshop").json().get("items").get(0).get("kpis")) {
            if (k.get("id").asText().equals("lsr")) {
                lsr = k;
            }
        }
        assertThat(lsr).isNotNull();
        assertThat(lsr.get("numerator").asLong()).isPositive();
        assertThat(lsr.get("alertAt").asDouble()).isEqualTo(0.04);
        assertThat(lsr.get("state").asText()).isIn("warn", "alert");
        assertThat(viewer.get("/console/kpis?channel=nowhere").status()).isEqualTo(404);
    }

    @Autowired
    dev.orderhub.messaging.Outbox outbox;
    @Autowired
    org.springframework.transaction.PlatformTransactionManager transactions;
    @Autowired
    org.springframework.beans.factory.ObjectProvider<org.springframework.mail.javamail.JavaMailSender> mail;
    @Autowired
    AlertSettings alertSettings;

    @Test
    void theAlertsPageShowsOpenAndClearedAlertsAndOnlyAnOperatorAcknowledges() {
        String kind = "test.console-" + UUID.randomUUID().toString().substring(0, 8);
        dev.orderhub.alert.FakeConditions holding = new dev.orderhub.alert.FakeConditions(kind, jdbc, outbox, alertSettings,
                transactions, mail);
        holding.hold(List.of(
                        new AlertConditions.Condition(kind, "webshop", null, "alert", "Console test: ship-late on webshop", 3.0,
                                "3 at risk", null),
                        new AlertConditions.Condition(kind, "b2b", null, "warn", "Console test: lag on b2b", 70.0, "70 s", 60.0)));
        Alerts alerts = holding.alerts();
        alerts.evaluate();
        List<Alert> open = alerts.list("open", null, kind, 0, 10);
        Alert webshop = open.stream().filter(a -> "webshop".equals(a.channel())).findFirst().orElseThrow();
        Alert b2b = open.stream().filter(a -> "b2b".equals(a.channel())).findFirst().orElseThrow();

        ConsoleSession viewer = new ConsoleSession(port);
        viewer.signIn(viewerKey);
        ConsoleSession.Page page = viewer.get("/console/alerts");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"alert-" + webshop.id() + "\"", "Console test: ship-late on webshop",
                "id=\"alert-" + b2b.id() + "\"", "Console test: lag on b2b").doesNotContain("id=\"ack-" + webshop.id() + "\"");
        assertThat(page.body().indexOf("alert-" + webshop.id())).as("the alert before the warning")
                .isLessThan(page.body().indexOf("alert-" + b2b.id()));
        assertThat(viewer.get("/").body()).contains("id=\"active-alerts\"", "Console test: ship-late on webshop");
        assertThat(viewer.post("/console/alerts/" + webshop.id() + "/acknowledge", form("note", "viewer")).status()).isEqualTo(403);
        assertThat(new ConsoleSession(port).post("/console/alerts/" + webshop.id() + "/acknowledge", form("note", "x")).status())
                .isEqualTo(401);
        assertThat(alerts.find(webshop.id()).orElseThrow().acknowledgedAt()).isNull();

        ConsoleSession operator = new ConsoleSession(port);
        operator.signIn(operatorKey);
        assertThat(operator.get("/console/alerts").body()).contains("id=\"ack-" + webshop.id() + "\"");
        ConsoleSession.Page acked = operator.post("/console/alerts/" + webshop.id() + "/acknowledge", form("note", "calling the carrier"));
        assertThat(acked.status()).isEqualTo(200);
        assertThat(acked.body()).contains("Acknowledged: Console test: ship-late on webshop", "calling the carrier");
        assertThat(alerts.find(webshop.id()).orElseThrow().acknowledgedBy()).startsWith("console operator");

        holding.hold(List.of(holding.holding().get(1)));
        alerts.evaluate();
        ConsoleSession.Page after = viewer.get("/console/alerts");
        assertThat(after.body()).doesNotContain("id=\"alert-" + webshop.id() + "\"").contains("id=\"cleared-" + webshop.id() + "\"")
                .contains("id=\"alert-" + b2b.id() + "\"");
        holding.hold(List.of());
        alerts.evaluate();
    }
}
