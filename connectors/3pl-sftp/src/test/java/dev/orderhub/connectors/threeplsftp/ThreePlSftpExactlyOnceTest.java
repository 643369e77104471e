package dev.orderhub.connectors.threeplsftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.orderhub.HubClient;
import dev.orderhub.HubPostgresTest;
import dev.orderhub.connector.FulfilmentService;
import dev.orderhub.fulfilment.FulfilmentDispatch;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Each 3PL file's effects exactly once, on PostgreSQL, across a crash between reading the file
 * and recording it (its transaction rolled back: read again, applied once) and across a crash
 * after the commit but before the file was moved on the server (read again, recognised, only
 * moved). The inbound route reads with the default read lock (changed).
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@HubPostgresTest
class ThreePlSftpExactlyOnceTest {

    /** Runs until the JVM ends: this class's context (its inbound route) is closed after the class, while it still answers. */
    static final ThreePlSftpServer SERVER = ThreePlSftpServer.start();
    static final String ACCOUNT = "acme-3pl-pg";
    static final String LOCATION = "acme-pg";
    static final String ROUTE = "3pl-sftp-inbound";

    @DynamicPropertySource
    static void account(DynamicPropertyRegistry registry) {
        SERVER.configure(registry, ACCOUNT, LOCATION, "300ms", "changed");
    }


    @LocalServerPort
    int port;
    @Autowired
    CamelContext camel;
    @Autowired
    ThreePlInbound inbound;
    @Autowired
    ThreePlFulfilment fulfilment;
    @Autowired
    FulfilmentDispatch dispatch;
    @Autowired
    PlatformTransactionManager transactions;
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

    @Test
    void aFileWhoseTransactionRolledBackIsReadAgainAndTakenOnce() throws Exception {
        String sku = "ROLL-" + run;
        String name = "STOCK_" + run + ".csv";
        camel.getRouteController().stopRoute(ROUTE);
        try {
            SERVER.deliver(name, "sku,on_hand,counted_at\n" + sku + ",9,2026-11-27T06:00:00Z\n" + sku + "/bad,1,2026-11-27T06:00:00Z\n");
            Path file = SERVER.folder("from-3pl").resolve(name);
            InboundFiles.InboundFile read = InboundFiles.read(name, Files.getLastModifiedTime(file).toMillis() / 1000 * 1000,
                    Files.readAllBytes(file));

            // The hub applies the file and dies before the commit: its transaction rolls back.
            new TransactionTemplate(transactions).executeWithoutResult(status -> {
                inbound.take(read);
                assertThat(onHandInThisTransaction(sku)).as("applied inside the transaction").isEqualTo(9);
                status.setRollbackOnly();
            });

            assertThat(onHandInThisTransaction(sku)).as("nothing of it after the rollback").isEqualTo(-1);
            assertThat(recorded(name)).isZero();
            assertThat(raisedAbout(name)).isZero();
            assertThat(SERVER.names("from-3pl")).as("the file is still there").containsExactly(name);
        } finally {
            camel.getRouteController().startRoute(ROUTE);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> SERVER.names("from-3pl").isEmpty());
        assertThat(SERVER.names("from-3pl/done")).hasSize(1);
        assertThat(onHand(sku)).isEqualTo(9);
        assertThat(recorded(name)).isEqualTo(1);
        assertThat(raisedAbout(name)).as("its bad row raised once").isEqualTo(1);
    }

    @Test
    void aFileReadAgainAfterACrashBetweenTheCommitAndTheMoveIsOnlyMoved() throws Exception {
        String sku = "CRASH-" + run;
        String id = routedOrder(sku);
        dispatch.work();
        assertThat(hub.get("/api/orders/" + id).text("status")).isEqualTo("SENT_TO_FULFILMENT");

        // The first time the route has taken the file (committed), the hub dies before the consumer moves it.
        AtomicBoolean crash = new AtomicBoolean(true);
        AtomicInteger taken = new AtomicInteger();
        AdviceWith.adviceWith(camel, ROUTE, route -> route.weaveAddLast().process(exchange -> {
            taken.incrementAndGet();
            if (crash.getAndSet(false)) {
                throw new IllegalStateException("the hub dies after the commit, before the file is moved (test)");
            }
        }));
        String name = "SHIP_" + run + ".csv";
        SERVER.deliver(name, "order_id,line_id,qty,carrier,service,tracking_number,shipped_at\n"
                + id + ",1,2,DHL,Paket,JJD" + run + ",2026-11-27T14:05:00Z\n"
                + id + ",7,1,DHL,Paket,JJD" + run + ",2026-11-27T14:05:00Z\n");

        await().atMost(Duration.ofSeconds(30)).until(() -> SERVER.names("from-3pl").isEmpty()
                && SERVER.names("from-3pl/done").size() == 1);
        assertThat(taken.get()).as("the file went through the route twice").isEqualTo(2);
        assertThat(crash.get()).isFalse();

        assertThat(recorded(name)).isEqualTo(1);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM sftp3pl_parcel_lines WHERE hub_order_id = :id").param("id", id)
                .query(Long.class).single()).as("parcel lines stored once").isEqualTo(1);
        assertThat(raisedAbout(name)).as("its bad row raised once").isEqualTo(1);
        FulfilmentService.Progress progress = fulfilment.follow(id);
        assertThat(progress.state()).isEqualTo(FulfilmentService.State.SHIPPED);
        assertThat(progress.parcels()).hasSize(1);
        dispatch.work();
        assertThat(hub.get("/api/orders/" + id).text("status")).isEqualTo("SHIPPED");
        assertThat(onHand(sku)).as("2 of 10 shipped, once").isEqualTo(8);
        assertThat(hub.get("/api/orders/" + id + "/shipments").json().size()).isEqualTo(1);
    }

    private String routedOrder(String sku) {
        hub.setStock(sku, LOCATION, 10);
        HubClient.Response posted = hub.post("/api/channels/" + ACCOUNT + "-shop/orders",
                dev.orderhub.OrderJson.of("PG-" + run, sku, 2));
        assertThat(posted.status()).as(posted.body()).isEqualTo(202);
        String id = posted.text("hubOrderId");
        await().atMost(Duration.ofSeconds(10)).until(() -> "RESERVED".equals(hub.get("/api/orders/" + id).text("status")));
        assertThat(hub.post("/api/orders/" + id + "/fulfilment", "{\"target\":\"3pl-sftp\"}").status()).isEqualTo(202);
        return id;
    }

    private long onHandInThisTransaction(String sku) {
        return jdbc.sql("SELECT on_hand FROM stock WHERE sku = :sku AND location = :location").param("sku", sku)
                .param("location", LOCATION).query(Long.class).optional().orElse(-1L);
    }

    private long onHand(String sku) {
        for (var level : hub.get("/api/stock/" + sku).json().path("locations")) {
            if (level.path("location").asText().equals(LOCATION)) {
                return level.path("onHand").asLong();
            }
        }
        return -1;
    }

    private long recorded(String file) {
        return jdbc.sql("SELECT COUNT(*) FROM sftp3pl_files WHERE file_name = :n").param("n", file).query(Long.class).single();
    }

    private long raisedAbout(String file) {
        long n = 0;
        for (var exception : hub.get("/api/exceptions?source=3pl-sftp:" + ACCOUNT + ":inbound&limit=500").json().path("items")) {
            if (exception.path("reason").asText().contains("3PL file " + file + ":")) {
                n++;
            }
        }
        return n;
    }
}
