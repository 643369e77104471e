package dev.orderhub.connectors.threeplsftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.orderhub.HubClient;
import dev.orderhub.connector.ChannelUnusable;
import dev.orderhub.connector.FulfilmentService;
import dev.orderhub.fulfilment.FulfilmentDispatch;
import org.apache.camel.CamelContext;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The 3PL over SFTP against an SFTP server playing the warehouse (the whole hub on H2 and the
 * embedded broker; the inbound route polling every 200 ms): an order routed to the 3PL is one
 * file, never a second order however often it is sent; cancels; shipment confirmations (whole,
 * then in parts) become the order's parcels; stock counts set the 3PL location's on-hand; the
 * same file offered twice is taken once; bad rows are raised by line while the good ones are
 * taken; a file that is no CSV goes to the failed folder and is raised; the server's host key
 * and the login are checked; no secret and no address is ever logged.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class ThreePlSftpTest {

    /** Runs until the JVM ends: this class's context (its inbound route) is closed after the class, while it still answers. */
    static final ThreePlSftpServer SERVER = ThreePlSftpServer.start();
    static final String ACCOUNT = "acme-3pl";
    static final String SHOP = ACCOUNT + "-shop";
    static final String LOCATION = "acme-nl";

    @DynamicPropertySource
    static void account(DynamicPropertyRegistry registry) {
        SERVER.configure(registry, ACCOUNT, LOCATION, "200ms", "none");
        registry.add("orderhub.channels." + SHOP + ".skus.SHOP-MUG", () -> "HUB-MUG");
    }


    @LocalServerPort
    int port;
    @Autowired
    FulfilmentDispatch dispatch;
    @Autowired
    ThreePlFulfilment fulfilment;
    @Autowired
    ThreePlUploads uploads;
    @Autowired
    CamelContext camel;
    @Autowired
    JdbcClient jdbc;

    HubClient hub;
    String run;

    @BeforeEach
    void setUp() {
        hub = new HubClient(port);
        run = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        SERVER.clear();
    }

    // ---- orders out ----------------------------------------------------------------------------

    @Test
    void anOrderRoutedToThe3plIsOneFileInItsLayoutAndSendingItAgainWritesNoSecondOne() {
        String sku = "TPL-" + run;
        String id = routedOrder("WS-" + run, sku, 2, "TPL-B-" + run, 1);
        int written = SERVER.filesWritten();

        dispatch.work();

        assertThat(hub.get("/api/orders/" + id).text("status")).isEqualTo("SENT_TO_FULFILMENT");
        assertThat(SERVER.filesWritten() - written).as("files renamed into the 3PL's folder").isEqualTo(1);
        assertThat(SERVER.names("to-3pl")).as("no temporary file left behind").containsExactly("ORDER_" + id + ".csv");
        String file = SERVER.read("to-3pl", "ORDER_" + id + ".csv");
        assertThat(file).isEqualTo("order_id,channel_order_id,placed_at,ship_to_name,ship_to_line1,ship_to_line2,ship_to_city,"
                + "ship_to_region,ship_to_postal_code,ship_to_country,line_id,sku,qty\r\n"
                + id + ",WS-" + run + ",2026-11-26T09:30:00Z,\"Ada \"\"the Countess\"\" Lovelace\",\"Keizersgracht 1, 2nd floor\",,"
                + "Amsterdam,,1015 CJ,NL,1," + sku + ",2\r\n"
                + id + ",WS-" + run + ",2026-11-26T09:30:00Z,\"Ada \"\"the Countess\"\" Lovelace\",\"Keizersgracht 1, 2nd floor\",,"
                + "Amsterdam,,1015 CJ,NL,2,TPL-B-" + run + ",1\r\n");

        // The hub's retry (its answer was lost): the order is recorded as written, nothing is written again.
        assertThat(fulfilment.send(request(id, "WS-" + run, sku, true))).isNull();
        assertThat(SERVER.filesWritten() - written).as("a retry after the file was recorded writes nothing").isEqualTo(1);

        // The hub died after the rename and before recording it, and the 3PL took the file meanwhile:
        // the retry writes the same bytes under the same name, which the 3PL knows by its order id.
        SERVER.pickUp();
        jdbc.sql("UPDATE sftp3pl_orders SET status = 'WRITING' WHERE hub_order_id = :id").param("id", id).update();
        assertThat(fulfilment.send(request(id, "WS-" + run, sku, true))).isNull();
        assertThat(SERVER.read("to-3pl", "ORDER_" + id + ".csv")).as("the same file, byte for byte").isEqualTo(file);
        SERVER.pickUp();
        assertThat(SERVER.orders()).as("orders at the 3PL").containsOnlyKeys(id);
        assertThat(SERVER.repeats()).isEqualTo(1);
    }

    @Test
    void anOrderOfAChannelWithSkusOfItsOwnIsWrittenWithTheHubsSkus() {
        hub.setStock("HUB-MUG", LOCATION, 100);
        String id = routedOrder("WS-" + run, "SHOP-MUG", 1, null, 0);

        dispatch.work();

        assertThat(SERVER.read("to-3pl", "ORDER_" + id + ".csv")).as("the 3PL counts in hub skus, so it is sent them")
                .contains(",1,HUB-MUG,1\r\n").doesNotContain("SHOP-MUG");
    }

    @Test
    void anOrderThatCannotBeWrittenIsRefusedNamingTheFieldNotItsValue() {
        String id = "oh-" + run;
        FulfilmentService.Request request = new FulfilmentService.Request(id, "WS-" + run, Instant.parse("2026-11-26T09:30:00Z"),
                new FulfilmentService.Destination("Ada\nLovelace", "x".repeat(201), null, "Amsterdam", null, "1015 CJ", "nl"),
                List.of(new FulfilmentService.Item("1", "SKU-1", 0)), false);

        String refusal = fulfilment.send(request);

        assertThat(refusal).contains("ship-to name: holds a control character").contains("ship-to line1: at most 200 characters")
                .contains("ship-to country").contains("lines[0].qty: must be 1 to 10000").doesNotContain("Lovelace");
        assertThat(SERVER.names("to-3pl")).isEmpty();
    }

    @Test
    void aCancelInTheHubWritesACancelFileAndIsRefusedOnceAParcelWasConfirmed() {
        String id = routedOrder("WS-" + run, "TPL-" + run, 1, null, 0);
        dispatch.work();
        SERVER.pickUp();

        assertThat(hub.post("/api/orders/" + id + "/cancel", "{\"reason\":\"buyer asked\"}").status()).isEqualTo(200);
        dispatch.work();

        assertThat(SERVER.read("to-3pl", "CANCEL_" + id + ".csv")).isEqualTo("order_id\r\n" + id + "\r\n");
        assertThat(hub.get("/api/orders/" + id + "/fulfilment").text("status")).isEqualTo("CANCELLED");
        assertThat(fulfilment.cancel(id)).as("cancelling again writes nothing new").isNull();
        assertThat(SERVER.names("to-3pl")).containsExactly("CANCEL_" + id + ".csv");

        // Another order, of which the 3PL confirmed a parcel: too late to cancel.
        String shipped = routedOrder("WS2-" + run, "TPL2-" + run, 2, null, 0);
        dispatch.work();
        deliverAndAwaitDone("SHIP_" + run + ".csv", "order_id,line_id,qty,carrier,service,tracking_number,shipped_at\n"
                + shipped + ",1,1,DHL,Paket,JJD" + run + ",2026-11-27T14:05:00Z\n");
        assertThat(fulfilment.cancel(shipped)).isEqualTo("the 3PL already confirmed 1 units of it shipped (tracking JJD" + run + ")");
        assertThat(SERVER.names("to-3pl")).doesNotContain("CANCEL_" + shipped + ".csv");
    }

    // ---- shipments in --------------------------------------------------------------------------

    @Test
    void aShipmentConfirmationBecomesTheOrdersParcelsAndTheOrderShips() {
        String id = routedOrder("WS-" + run, "TPL-" + run, 2, "TPL-B-" + run, 1);
        dispatch.work();

        deliverAndAwaitDone("SHIP_" + run + ".csv", "order_id,line_id,qty,carrier,service,tracking_number,shipped_at\r\n"
                + id + ",1,2,DHL,Paket,JJD" + run + ",2026-11-27T14:05:00Z\r\n"
                + id + ",2,1,DHL,Paket,JJD" + run + ",2026-11-27T14:05:00Z\r\n");

        FulfilmentService.Progress progress = fulfilment.follow(id);
        assertThat(progress.state()).isEqualTo(FulfilmentService.State.SHIPPED);
        assertThat(progress.parcels()).containsExactly(new FulfilmentService.Parcel("DHL", "Paket", "JJD" + run,
                Instant.parse("2026-11-27T14:05:00Z"), List.of(new FulfilmentService.Line("1", 2), new FulfilmentService.Line("2", 1))));
        dispatch.work();
        assertThat(hub.get("/api/orders/" + id).text("status")).isEqualTo("SHIPPED");
        assertThat(hub.get("/api/orders/" + id + "/shipments").body()).contains("JJD" + run).contains("DHL");
        assertThat(hub.get("/api/orders/" + id + "/fulfilment").text("status")).isEqualTo("SHIPPED");
        assertThat(onHand("TPL-" + run)).as("the shipped units left the 3PL's stock").isEqualTo(8);
    }

    @Test
    void aPartialConfirmationShipsPartOfTheOrderAndTheRestShipsItLater() {
        String id = routedOrder("WS-" + run, "TPL-" + run, 3, null, 0);
        dispatch.work();

        deliverAndAwaitDone("SHIP_" + run + "_1.csv", "order_id,line_id,qty,carrier,service,tracking_number,shipped_at\n"
                + id + ",1,1,PostNL,,3S" + run + "1,2026-11-27T10:00:00+01:00\n");
        FulfilmentService.Progress part = fulfilment.follow(id);
        assertThat(part.state()).isEqualTo(FulfilmentService.State.OPEN);
        assertThat(part.detail()).isEqualTo("1 of 3 units confirmed shipped by the 3PL");
        dispatch.work();
        assertThat(hub.get("/api/orders/" + id).text("status")).isEqualTo("PARTIALLY_SHIPPED");
        assertThat(hub.get("/api/orders/" + id + "/fulfilment").text("status")).isEqualTo("SENT");

        deliverAndAwaitDone("SHIP_" + run + "_2.csv", "order_id,line_id,qty,carrier,service,tracking_number,shipped_at\n"
                + id + ",1,2,PostNL,,3S" + run + "2,2026-11-28T10:00:00Z\n");
        assertThat(fulfilment.follow(id).parcels()).extracting(FulfilmentService.Parcel::trackingNumber)
                .containsExactly("3S" + run + "1", "3S" + run + "2");
        dispatch.work();
        assertThat(hub.get("/api/orders/" + id).text("status")).isEqualTo("SHIPPED");
        assertThat(hub.get("/api/orders/" + id + "/fulfilment").text("status")).isEqualTo("SHIPPED");
    }

    @Test
    void badRowsAreRaisedByLineAndTheGoodRowsOfTheFileAreTaken() {
        String id = routedOrder("WS-" + run, "TPL-" + run, 2, "TPL-B-" + run, 1);
        dispatch.work();
        String name = "SHIP_" + run + ".csv";

        deliverAndAwaitDone(name, "order_id,line_id,qty,carrier,service,tracking_number,shipped_at\n"
                + id + ",1,2,DHL,Paket,JJD" + run + ",2026-11-27T14:05:00Z\n"              // line 2: good
                + "oh-000000000000000000000000,1,1,DHL,,JJDX,2026-11-27T14:05:00Z\n"      // line 3: no such order
                + id + ",2,two,DHL,,JJDY" + run + ",2026-11-27T14:05:00Z\n"              // line 4: qty not a number
                + id + ",2,1,DHL,,JJDY" + run + ",yesterday\n"                            // line 5: no time
                + id + ",9,1,DHL,,JJDZ" + run + ",2026-11-27T14:05:00Z\n"                // line 6: no such line
                + id + ",2,5,DHL,,JJDW" + run + ",2026-11-27T14:05:00Z\n"                // line 7: more than ordered
                + id + ",2,1,DHL\n");                                                      // line 8: too few fields

        assertThat(fulfilment.follow(id).parcels()).extracting(FulfilmentService.Parcel::trackingNumber)
                .containsExactly("JJD" + run);
        String raised = hub.get("/api/exceptions?source=3pl-sftp:" + ACCOUNT + ":inbound&limit=500").body();
        assertThat(raised).contains("3PL file " + name + ": 6 rows not taken (1 taken)")
                .contains("line 3: order_id: oh-000000000000000000000000 is no order the hub sent to the 3PL")
                .contains("line 4: qty: not a whole number")
                .contains("line 5: shipped_at: not an ISO-8601 time")
                .contains("line 6: line_id: 9 is no line of order " + id)
                .contains("line 7: qty: 5 more of line 2 of order " + id + " would confirm 5 of 1 ordered")
                .contains("line 8: has 4 fields, the header 7");
        assertThat(jdbc.sql("SELECT rows_taken || '/' || rows_refused FROM sftp3pl_files WHERE file_name = :n").param("n", name)
                .query(String.class).single()).isEqualTo("1/6");
    }

    // ---- stock in ------------------------------------------------------------------------------

    @Test
    void aStockCountFileSetsTheOnHandAtThe3plsLocationAndAnOlderCountIsNotApplied() {
        String sku = "CNT-" + run;
        hub.setStock(sku, "main", 4);

        deliverAndAwaitDone("STOCK_" + run + "_1.csv", "sku,on_hand,counted_at\n" + sku + ",42,2026-11-27T06:00:00Z\n"
                + "CNT2-" + run + ",0,2026-11-27T06:00:00Z\n");

        assertThat(onHand(sku)).isEqualTo(42);
        assertThat(onHand("CNT2-" + run)).isZero();
        assertThat(level(sku, "main")).as("only the 3PL's location is counted").isEqualTo(4);
        assertThat(hub.get("/api/stock/" + sku + "/history").body()).contains("3PL count of 2026-11-27T06:00:00Z");

        deliverAndAwaitDone("STOCK_" + run + "_0.csv", "sku,on_hand,counted_at\n" + sku + ",40,2026-11-26T06:00:00Z\n");
        assertThat(onHand(sku)).as("a count older than the one taken is not applied").isEqualTo(42);
        assertThat(hub.get("/api/exceptions?source=3pl-sftp:" + ACCOUNT + ":inbound&limit=500").body())
                .contains("STOCK_" + run + "_0.csv: 1 rows not taken (0 taken): line 2: counted_at: 2026-11-26T06:00:00Z is not "
                        + "after the count of 2026-11-27T06:00:00Z taken already (42 on hand)");
    }

    @Test
    void theSameFileOfferedTwiceIsTakenOnce() throws Exception {
        String sku = "TWICE-" + run;
        String name = "STOCK_" + run + ".csv";
        String content = "sku,on_hand,counted_at\n" + sku + ",7,2026-11-27T06:00:00Z\n" + sku + "/X,1,2026-11-27T06:00:00Z\n";
        deliverAndAwaitDone(name, content);
        assertThat(onHand(sku)).isEqualTo(7);
        assertThat(raisedAbout(name)).as("its bad row raised").isEqualTo(1);
        hub.post("/api/stock/adjustments", "{\"sku\":\"" + sku + "\",\"location\":\"" + LOCATION + "\",\"delta\":5,"
                + "\"reason\":\"receipt\"}");
        assertThat(onHand(sku)).isEqualTo(12);

        // The same file again, as after a crash before the move: same name, content and modification time.
        Path done = doneFile(name);
        Path again = SERVER.folder("from-3pl").resolve(name + ".part");
        Files.copy(done, again);
        Files.setLastModifiedTime(again, Files.getLastModifiedTime(done));
        Files.move(again, SERVER.folder("from-3pl").resolve(name));
        await().atMost(Duration.ofSeconds(20)).until(() -> SERVER.names("from-3pl").isEmpty()
                && SERVER.names("from-3pl/done").size() == 2);

        assertThat(onHand(sku)).as("the count was not applied a second time").isEqualTo(12);
        assertThat(raisedAbout(name)).as("its bad row is not raised a second time").isEqualTo(1);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM sftp3pl_files WHERE file_name = :n").param("n", name)
                .query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void aFileThatIsNoCsvIsMovedToTheFailedFolderAndRaised() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        SERVER.deliver("label_" + run + ".png", png);
        SERVER.deliver("notes_" + run + ".csv", "hello,world\n1,2\n");

        await().atMost(Duration.ofSeconds(20)).until(() -> SERVER.names("from-3pl/failed").size() == 2);
        assertThat(SERVER.names("from-3pl")).isEmpty();
        assertThat(SERVER.names("from-3pl/done")).isEmpty();
        String raised = hub.get("/api/exceptions?source=3pl-sftp:" + ACCOUNT + ":inbound&limit=500").body();
        assertThat(raised).contains("3PL file label_" + run + ".png was not taken: not a CSV file: not UTF-8 text");
        assertThat(raised).contains("3PL file notes_" + run + ".csv was not taken: its header row is neither a shipment "
                + "confirmation's");
    }

    // ---- the connection ------------------------------------------------------------------------

    @Test
    void aServerShowingAnotherHostKeyOrRefusingTheLoginMakesTheAccountUnusableAndShowsNoSecret() {
        ThreePlAccounts.Account good = account("good", ThreePlSftpServer.USER, ThreePlSftpServer.PASSWORD, null,
                SERVER.knownHosts());
        uploads.upload(good, "PING_" + run + ".csv", "x\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(SERVER.names("to-3pl")).containsExactly("PING_" + run + ".csv");

        ThreePlAccounts.Account impostor = account("impostor", ThreePlSftpServer.USER, ThreePlSftpServer.PASSWORD, null,
                SERVER.someoneElsesKnownHosts());
        assertThatThrownBy(() -> uploads.upload(impostor, "X_" + run + ".csv", new byte[] {'x'}))
                .isInstanceOf(ChannelUnusable.class).hasMessageContaining("did not show the known host key")
                .hasMessageNotContaining(ThreePlSftpServer.PASSWORD);

        ThreePlAccounts.Account wrong = account("wrong", ThreePlSftpServer.USER, "not-the-password", null, SERVER.knownHosts());
        assertThatThrownBy(() -> uploads.upload(wrong, "X_" + run + ".csv", new byte[] {'x'}))
                .isInstanceOf(ChannelUnusable.class).hasMessageContaining("refused the login of " + ThreePlSftpServer.USER)
                .hasMessageNotContaining("not-the-password");
        assertThat(SERVER.names("to-3pl")).containsExactly("PING_" + run + ".csv");

        ThreePlAccounts.Account keys = account("keys", ThreePlSftpServer.KEY_USER, null, SERVER.clientPrivateKeyPem(),
                SERVER.knownHosts());
        uploads.upload(keys, "KEY_" + run + ".csv", "x\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(SERVER.names("to-3pl")).as("a private key logs in too").contains("KEY_" + run + ".csv");
    }

    @Test
    void neitherTheSecretsNorTheBuyersAddressAreLogged(CapturedOutput output) {
        String id = routedOrder("WS-" + run, "LOG-" + run, 1, null, 0);
        dispatch.work();
        deliverAndAwaitDone("SHIP_" + run + ".csv", "order_id,line_id,qty,carrier,service,tracking_number,shipped_at\n"
                + id + ",1,1,DHL,,JJD" + run + ",2026-11-27T14:05:00Z\n");
        dispatch.work();
        assertThat(hub.get("/api/orders/" + id).text("status")).isEqualTo("SHIPPED");

        assertThat(output.getAll()).contains("3PL order file ORDER_" + id + ".csv written")
                .doesNotContain(ThreePlSftpServer.PASSWORD).doesNotContain("Lovelace").doesNotContain("Keizersgracht");
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** An order of the 3PL's shop (one or two lines), reserved at the 3PL's location and routed to it. */
    private String routedOrder(String channelOrderId, String sku, int qty, String secondSku, int secondQty) {
        hub.setStock(sku, LOCATION, 10);
        String lines = "{\"lineId\":\"1\",\"sku\":\"" + sku + "\",\"qty\":" + qty + ",\"unitPrice\":19.95}";
        if (secondSku != null) {
            hub.setStock(secondSku, LOCATION, 10);
            lines += ",{\"lineId\":\"2\",\"sku\":\"" + secondSku + "\",\"qty\":" + secondQty + ",\"unitPrice\":5}";
        }
        HubClient.Response posted = hub.post("/api/channels/" + SHOP + "/orders", "{\"channelOrderId\":\"" + channelOrderId
                + "\",\"placedAt\":\"2026-11-26T09:30:00Z\",\"currency\":\"EUR\",\"shipTo\":{\"name\":\"Ada \\\"the Countess\\\" "
                + "Lovelace\",\"line1\":\"Keizersgracht 1, 2nd floor\",\"city\":\"Amsterdam\",\"postalCode\":\"1015 CJ\","
                + "\"country\":\"NL\"},\"lines\":[" + lines + "]}");
        assertThat(posted.status()).as(posted.body()).isEqualTo(202);
        String id = posted.text("hubOrderId");
        await().atMost(Duration.ofSeconds(10)).until(() -> "RESERVED".equals(hub.get("/api/orders/" + id).text("status")));
        HubClient.Response routed = hub.post("/api/orders/" + id + "/fulfilment", "{\"target\":\"3pl-sftp\"}");
        assertThat(routed.status()).as(routed.body()).isEqualTo(202);
        return id;
    }

    /** The request the hub sends for an order of {@link #routedOrder} with one line. */
    private static FulfilmentService.Request request(String id, String channelOrderId, String sku, boolean retry) {
        return new FulfilmentService.Request(id, channelOrderId, Instant.parse("2026-11-26T09:30:00Z"),
                new FulfilmentService.Destination("Ada \"the Countess\" Lovelace", "Keizersgracht 1, 2nd floor", null,
                        "Amsterdam", null, "1015 CJ", "NL"),
                List.of(new FulfilmentService.Item("1", sku, 2), new FulfilmentService.Item("2", "TPL-B-" + sku.substring(4), 1)),
                retry);
    }

    private void deliverAndAwaitDone(String name, String content) {
        int before = SERVER.names("from-3pl/done").size();
        SERVER.deliver(name, content);
        await().atMost(Duration.ofSeconds(20)).until(() -> !SERVER.names("from-3pl").contains(name)
                && SERVER.names("from-3pl/done").size() > before);
    }

    /** How many exceptions the 3PL account raised about this file. */
    private long raisedAbout(String file) {
        long n = 0;
        for (var exception : hub.get("/api/exceptions?source=3pl-sftp:" + ACCOUNT + ":inbound&limit=500").json().path("items")) {
            if (exception.path("reason").asText().contains("3PL file " + file + ":")) {
                n++;
            }
        }
        return n;
    }

    private Path doneFile(String name) {
        return SERVER.folder("from-3pl/done").resolve(SERVER.names("from-3pl/done").stream()
                .filter(n -> n.endsWith("-" + name)).findFirst().orElseThrow());
    }

    private long onHand(String sku) {
        return level(sku, LOCATION);
    }

    private long level(String sku, String location) {
        for (var level : hub.get("/api/stock/" + sku).json().path("locations")) {
            if (level.path("location").asText().equals(location)) {
                return level.path("onHand").asLong();
            }
        }
        return -1;
    }

    private ThreePlAccounts.Account account(String name, String user, String password, String privateKey, String knownHosts) {
        ThreePlAccounts.Account account = new ThreePlAccounts.Account("test-" + name + "-" + run, "127.0.0.1", SERVER.port(), user,
                LOCATION, "to-3pl", "from-3pl", "done", "failed", Duration.ofSeconds(60), "none", true, password != null,
                privateKey != null, false, true, null);
        if (password != null) {
            camel.getRegistry().bind(account.bean("password"), password);
        }
        if (privateKey != null) {
            camel.getRegistry().bind(account.bean("privateKey"), privateKey.getBytes(StandardCharsets.UTF_8));
        }
        camel.getRegistry().bind(account.bean("knownHosts"), (knownHosts + "\n").getBytes(StandardCharsets.UTF_8));
        return account;
    }
}
