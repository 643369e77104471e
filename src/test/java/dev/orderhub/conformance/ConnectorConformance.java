package dev.orderhub.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.orderhub.HubClient;
import dev.orderhub.channel.Channel;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.channel.Connectors;
import dev.orderhub.channel.SyncCursors;
import dev.orderhub.conformance.ConformanceStub.Flow;
import dev.orderhub.connector.CancelOut;
import dev.orderhub.connector.ChannelIntake;
import dev.orderhub.connector.ChannelSettings;
import dev.orderhub.connector.ChannelStockIn;
import dev.orderhub.connector.ChannelUnusable;
import dev.orderhub.connector.ConnectorCapability;
import dev.orderhub.connector.FulfilmentService;
import dev.orderhub.connector.ListingsIn;
import dev.orderhub.connector.OrdersIn;
import dev.orderhub.connector.OrdersPushed;
import dev.orderhub.connector.RetryLater;
import dev.orderhub.connector.ReturnsIn;
import dev.orderhub.connector.ShipmentConfirmation;
import dev.orderhub.connector.StockOut;
import dev.orderhub.connector.manifest.Capability;
import dev.orderhub.connector.manifest.ConnectorManifest;
import dev.orderhub.connector.manifest.ConnectorKind;
import dev.orderhub.connector.manifest.ConnectorManifests;
import dev.orderhub.connector.manifest.KameletLint;
import dev.orderhub.connector.manifest.OperationPolicy;
import dev.orderhub.connector.manifest.PropertySpec;
import dev.orderhub.listing.ListingRefresh;
import dev.orderhub.order.HubOrderIds;
import dev.orderhub.order.OrderPolling;
import dev.orderhub.order.ChannelCancellations;
import dev.orderhub.order.ShipmentConfirmations;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The conformance suite every connector folder runs against its stub (connectors/README.md,
 * "Conformance"): one small subclass in the folder's test sources gives the connector's name and
 * its {@link ConformanceStub}, and registers the channels with {@link #channels}. The tests
 * are chosen by the manifest: a test of a capability the manifest declares runs; one of a
 * capability it lacks is skipped with the manifest's reason ({@code lacks:}). The hub runs
 * whole (real database, broker and flows); the suite drives it through the core's own beans
 * and HTTP API, as the routes and a person would.
 *
 * <p>Two channels use the connector: {@code conf-<name>} with good credentials and
 * {@code conf-<name>-bad} with credentials the stub refuses. Every request the connector sent
 * and every answer the stub gave during a test are checked against the published spec after
 * the test, when the manifest names one and ../shared/specs is there.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
public abstract class ConnectorConformance {

    static final Path SPECS = Path.of("..", "shared", "specs");
    static final String CURSOR = "orders-in";
    /** The stock batch the conformance channel is configured with, below every manifest's. */
    static final int BATCH = 5;

    private final String connector;
    private final ConformanceStub stub;
    private final String channel;
    private final String badChannel;
    private final ConnectorManifest manifest;

    @LocalServerPort
    int port;
    @Autowired
    OrderPolling polling;
    @Autowired
    ShipmentConfirmations confirmations;
    @Autowired
    ChannelCancellations cancellations;
    @Autowired
    Connectors connectors;
    @Autowired
    ChannelIntake intake;
    @Autowired
    SyncCursors cursors;
    @Autowired
    ChannelSettings settings;
    @Autowired
    ChannelRegistry registry;
    @Autowired
    ListingRefresh listingRefresh;
    @Autowired
    JdbcClient jdbc;

    HubClient hub;
    String run;
    /** Where this test's exchanges start (checked against the spec after it). */
    int testMark;
    /** Where the exchanges a test step counts start. */
    int mark;

    protected ConnectorConformance(String connector, ConformanceStub stub) {
        this.connector = connector;
        this.stub = stub;
        this.channel = goodChannel(connector);
        this.badChannel = badChannel(connector);
        this.manifest = ConnectorManifests.read(folder(connector).resolve("connector.yaml"));
    }

    static Path folder(String connector) {
        return ConnectorManifests.DEFAULT_DIRECTORY.resolve(connector);
    }

    static String goodChannel(String connector) {
        return "conf-" + connector;
    }

    static String badChannel(String connector) {
        return "conf-" + connector + "-bad";
    }

    /**
     * The subclass's {@code @DynamicPropertySource}: the two channels on the stub, served by
     * location main, and the hub's timers set so that the suite drives polls and confirmations.
     */
    protected static void channels(DynamicPropertyRegistry registry, String connector, ConformanceStub stub) {
        for (String channel : List.of(goodChannel(connector), badChannel(connector))) {
            String prefix = "orderhub.channels." + channel + ".";
            registry.add(prefix + "name", () -> "Conformance " + channel);
            registry.add(prefix + "locations[0]", () -> "main");
            registry.add(prefix + "buffer.units", () -> "0");
            stub.configure(registry, channel, channel.equals(goodChannel(connector)));
        }
        if (ConnectorManifests.read(folder(connector).resolve("connector.yaml")).can(Capability.STOCK_OUT)) {
            // A connector that pushes no stock (a 3PL's account, a carrier) has no stock sink to size.
            registry.add("orderhub.channels." + goodChannel(connector) + ".stock-sink.batch-size", () -> String.valueOf(BATCH));
        }
        registry.add("orderhub.orders-in.poll-interval-ms", () -> "3600000");
        registry.add("orderhub.shipment-confirm.interval-ms", () -> "3600000");
        registry.add("orderhub.shipment-confirm.backoff-ms", () -> "50");
        registry.add("orderhub.cancel-out.interval-ms", () -> "3600000");
        registry.add("orderhub.cancel-out.backoff-ms", () -> "50");
        registry.add("orderhub.listings.interval-ms", () -> "3600000");
        registry.add("orderhub.channel-stock.interval-ms", () -> "3600000");
        registry.add("orderhub.fulfilment.dispatch-interval-ms", () -> "3600000");
        registry.add("orderhub.fulfilment.auto-route-interval-ms", () -> "3600000");
        registry.add("orderhub.stock-sync.backoff-ms", () -> "100");
        registry.add("orderhub.stock-sync.max-backoff-ms", () -> "400");
        registry.add("orderhub.stock-sync.push-interval-ms", () -> "20");
        registry.add("orderhub.stock-sync.reconcile-interval-ms", () -> "3600000");
    }

    @BeforeEach
    void startClean() {
        hub = new HubClient(port);
        run = UUID.randomUUID().toString().replace("-", "").substring(0, 6);
        stub.reset();
        testMark = stub.tap().mark();
        mark = testMark;
    }

    /** Every request the connector sent in this test, and every answer the stub gave, against the spec. */
    @AfterEach
    void wireFollowsTheSpec() {
        if (manifest.spec() == null || !Files.isDirectory(SPECS)) {
            return; // reported once, with the reason, by specRequestsAndAnswersFollowThePublishedSpec
        }
        List<String> problems = specProblems(stub.tap().since(testMark, call -> true));
        assertThat(problems).as("requests and answers of this test against spec " + manifest.spec()).isEmpty();
    }

    // ---- what every connector passes ---------------------------------------------------------

    @Test
    void manifestIsValidKameletsLintedSecretsMarked() throws IOException {
        assertThat(manifest.name()).as("the manifest's name is its folder's").isEqualTo(connector);
        for (Capability capability : Capability.values()) {
            assertThat(manifest.can(capability) ^ manifest.whyNot(capability).isPresent())
                    .as(capability + " is declared or lacked with a reason, not both, not neither").isTrue();
            manifest.whyNot(capability).ifPresent(reason -> assertThat(reason).as(capability + "'s reason").isNotBlank());
        }
        manifest.properties().forEach((name, property) -> {
            assertThat(property.title()).as(name + " title").isNotBlank();
            assertThat(property.description()).as(name + " description").isNotBlank();
            if (looksSecret(name)) {
                assertThat(property.secret()).as(name + " looks like a credential: secret: true").isTrue();
            }
        });
        try (Stream<Path> files = Files.list(folder(connector))) {
            for (Path kamelet : files.filter(f -> f.getFileName().toString().endsWith(".kamelet.yaml")).toList()) {
                assertThat(KameletLint.lint(kamelet)).as(kamelet.toString()).isEmpty();
            }
        }
        if (manifest.spec() != null && Files.isDirectory(SPECS)) {
            assertThat(SPECS.resolve(manifest.spec())).as("spec " + manifest.spec()).isDirectory();
        }
    }

    static boolean looksSecret(String property) {
        return property.matches("(?i).*(secret|password|token|apikey|key)$");
    }

    @Test
    void eachDeclaredCapabilityHasItsBeanAndALackedOneNone() {
        Map<Capability, Class<? extends ConnectorCapability>> beans = new LinkedHashMap<>();
        beans.put(Capability.ORDERS_IN, OrdersIn.class);
        beans.put(Capability.ORDERS_PUSHED, OrdersPushed.class);
        beans.put(Capability.LISTINGS_IN, ListingsIn.class);
        beans.put(Capability.STOCK_OUT, StockOut.class);
        beans.put(Capability.SHIPMENT_CONFIRM, ShipmentConfirmation.class);
        beans.put(Capability.CANCEL_OUT, CancelOut.class);
        beans.put(Capability.FULFILMENT_TARGET, FulfilmentService.class);
        beans.put(Capability.RETURNS, ReturnsIn.class);
        beans.put(Capability.FBA_INVENTORY, ChannelStockIn.class);
        beans.forEach((capability, type) -> {
            List<? extends ConnectorCapability> mine = connectors.all(type).stream()
                    .filter(bean -> bean.connector().equals(connector)).toList();
            if (manifest.can(capability)) {
                assertThat(mine).as(capability + " is declared: a " + type.getSimpleName() + " bean of " + connector).isNotEmpty();
                if (capability != Capability.FULFILMENT_TARGET) {
                    assertThat(mine).as(type.getSimpleName() + " serves " + channel).anyMatch(bean -> bean.serves(channel));
                    assertThat(mine).as(type.getSimpleName() + " serves no channel of another connector")
                            .noneMatch(bean -> bean.serves("webshop"));
                }
            } else {
                assertThat(mine).as(capability + " is lacked (" + manifest.whyNot(capability).orElse("") + "): no "
                        + type.getSimpleName() + " bean").isEmpty();
            }
        });
    }

    @Test
    void goodCredentialsWorkAndBadOnesFailCleanly() {
        if (manifest.can(Capability.ORDERS_IN)) {
            OrdersIn orders = connectors.ordersIn(channel).orElseThrow();
            assertThat(orders.read(channel, stub.futureCursor(), null).orders()).isEmpty();
            Throwable refused = catchFailure(() -> connectors.ordersIn(badChannel).orElseThrow().read(badChannel, null, null));
            assertCleanRefusal(refused);
        } else if (manifest.can(Capability.STOCK_OUT)) {
            String sku = "CRED-" + run;
            StockOut out = connectors.stockOut(channel).orElseThrow();
            assertThat(out.push(channel, List.of(new StockOut.ListingQuantity(sku, 1, 1)), "cred-" + run).items())
                    .noneMatch(item -> item.outcome() != StockOut.ItemResult.Outcome.ACCEPTED);
            Throwable refused = catchFailure(() -> connectors.stockOut(badChannel).orElseThrow()
                    .push(badChannel, List.of(new StockOut.ListingQuantity(sku, 1, 1)), "cred-bad-" + run));
            assertCleanRefusal(refused);
        } else {
            Assumptions.abort("the suite checks credentials through orders-in or stock-out; " + connector + " lacks both ("
                    + manifest.whyNot(Capability.ORDERS_IN).orElse("") + "; " + manifest.whyNot(Capability.STOCK_OUT).orElse("") + ")");
        }
    }

    private void assertCleanRefusal(Throwable refused) {
        assertThat(refused).as("refused credentials: the channel is unusable until a person fixes it")
                .isInstanceOf(ChannelUnusable.class);
        assertThat(refused.getMessage()).as("the reason names the channel").contains(badChannel);
        for (String secret : stub.secrets()) {
            assertThat(String.valueOf(refused)).as("the reason shows no secret").doesNotContain(secret);
        }
    }

    private static Throwable catchFailure(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("the call was expected to fail but returned normally");
    }

    @Test
    void noRequestLeavesTheAllowedHosts() throws IOException {
        Assumptions.assumeTrue(manifest.kind() != ConnectorKind.CARRIER, () -> connector + " is a carrier: its account serves "
                + "no channel, and the suite follows links through orders-in, which it lacks: "
                + manifest.whyNot(Capability.ORDERS_IN).orElse(""));
        Set<String> allowed = settings.settings(connector, channel).orElseThrow().allowedHosts();
        assertThat(allowed).as("hosts the channel's connector may call").isNotEmpty();
        Assumptions.assumeTrue(manifest.can(Capability.ORDERS_IN), () -> "the suite follows links through orders-in, which "
                + connector + " lacks: " + manifest.whyNot(Capability.ORDERS_IN).orElse(""));
        Assumptions.assumeTrue(stub.cannotLinkElsewhere().isEmpty(), () -> stub.cannotLinkElsewhere().orElse(""));
        HttpServer trap = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger trapped = new AtomicInteger();
        trap.createContext("/", exchange -> {
            trapped.incrementAndGet();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        trap.start();
        try {
            // The same machine under a name the channel's allow-list does not hold.
            URI elsewhere = URI.create("http://localhost:" + trap.getAddress().getPort());
            assertThat(allowed).as("the trap's host is not allowed").doesNotContain("localhost");
            Instant at = now();
            String sku = stockedSku();
            for (int i = 0; i <= stub.pageSize(); i++) {
                stub.putOrder(stub.orderId(run, i), sku, 1, at);
            }
            stub.linkTo(elsewhere);
            assertThatThrownBy(() -> polling.poll(channel)).as("a link off the allowed hosts is refused");
            assertThat(trapped.get()).as("requests that reached the host outside the allow-list").isZero();
        } finally {
            stub.linkTo(null);
            trap.stop(0);
        }
        assertThat(polling.poll(channel).read()).as("the same orders once the links are back").isGreaterThan(stub.pageSize());
    }

    // ---- orders-in ---------------------------------------------------------------------------

    @Test
    void ordersInEveryOrderImportedOnceAcrossPages() {
        requires(Capability.ORDERS_IN);
        polling.poll(channel); // whatever earlier tests left is read
        int n = 2 * stub.pageSize() + 5;
        List<String> ids = putOrders(0, n, now());
        mark = stub.tap().mark();

        OrderPolling.PollResult poll = polling.poll(channel);

        assertThat(poll.imported()).as("imported by this poll").isEqualTo(n);
        assertThat(stub.tap().since(mark, stub.calls(Flow.ORDERS)))
                .as(n + " orders at " + stub.pageSize() + " a page").hasSizeGreaterThanOrEqualTo(3);
        awaitImported(ids);
        assertThat(stored(ids)).isEqualTo(n);
        assertThat(polling.poll(channel).imported()).as("a second poll imports none of them again").isZero();
        assertThat(stored(ids)).isEqualTo(n);
    }

    @Test
    void ordersInIncrementalFromTheCursorAndAFutureCursorImportsNothing() {
        requires(Capability.ORDERS_IN);
        List<String> first = putOrders(0, 2, now());
        polling.poll(channel);
        awaitImported(first);
        String cursor = cursors.get(channel, CURSOR).orElseThrow();

        List<String> next = putOrders(2, 3, now());
        OrderPolling.PollResult second = polling.poll(channel);
        assertThat(second.imported()).as("only the new orders").isEqualTo(1);
        awaitImported(next);

        cursors.set(channel, CURSOR, stub.futureCursor());
        try {
            List<String> unseen = putOrders(3, 4, now());
            OrderPolling.PollResult future = polling.poll(channel);
            assertThat(future.read()).as("read from a cursor past every order").isZero();
            assertThat(stored(unseen)).isZero();
        } finally {
            cursors.set(channel, CURSOR, cursor);
        }
    }

    @Test
    void ordersInReplayAfterACrashBeforeTheCursorMovedCreatesNoDuplicate() {
        requires(Capability.ORDERS_IN);
        polling.poll(channel); // whatever earlier tests left is read
        String cursor = cursors.get(channel, CURSOR).orElse(null);
        List<String> ids = putOrders(0, stub.pageSize() + 2, now());

        // The first page is taken, then the hub dies before the last page and the cursor move.
        OrdersIn.OrdersPage page = connectors.ordersIn(channel).orElseThrow().read(channel, cursor, null);
        assertThat(page.nextPage()).as("more than a page").isNotNull();
        page.orders().forEach(order -> intake.take(channel, order));
        assertThat(cursors.get(channel, CURSOR).orElse(null)).isEqualTo(cursor);

        OrderPolling.PollResult replay = polling.poll(channel);

        awaitImported(ids);
        assertThat(replay.repeats()).as("the first page read again").isGreaterThanOrEqualTo(1);
        assertThat(stored(ids)).as("each once").isEqualTo(ids.size());
    }

    @Test
    void ordersInAMalformedOrderIsParkedAndTheRestImported() {
        requires(Capability.ORDERS_IN);
        polling.poll(channel); // whatever earlier tests left is read
        String sku = stockedSku();
        Instant at = now();
        String bad = stub.orderId(run, 0);
        stub.putMalformedOrder(bad, sku, at);
        List<String> good = putOrders(1, 3, at);

        OrderPolling.PollResult poll = polling.poll(channel);

        assertThat(poll.parked()).isEqualTo(1);
        awaitImported(good);
        assertThat(hub.get("/api/orders/" + HubOrderIds.of(channel, bad)).status()).isEqualTo(404);
        assertThat(hub.get("/api/exceptions?source=" + connector + ":" + channel + ":orders&limit=500").body())
                .as("parked with its id").contains(bad);
    }

    @Test
    void ordersIn5xxAnd429AreRetriedWithBackoff() {
        requires(Capability.ORDERS_IN);
        polling.poll(channel);
        List<String> ids = putOrders(0, 1, now());
        Predicate<StubTap.Call> orders = stub.calls(Flow.ORDERS);
        mark = stub.tap().mark();
        stub.tap().failNext(orders, 503, 2);
        pollThroughRetries();
        awaitImported(ids);
        assertRetriedAfter(stub.tap().since(mark, orders), 503, Duration.ofMillis(100));

        List<String> more = putOrders(1, 2, now());
        mark = stub.tap().mark();
        stub.tap().failNext(orders, 429, 1);
        pollThroughRetries();
        awaitImported(more);
        assertRetriedAfter(stub.tap().since(mark, orders), 429, Duration.ofMillis(900));
    }

    @Test
    void ordersIn4xxFailsFast() {
        requires(Capability.ORDERS_IN);
        Predicate<StubTap.Call> orders = stub.calls(Flow.ORDERS);
        String cursor = cursors.get(channel, CURSOR).orElse(null);
        mark = stub.tap().mark();
        stub.tap().failNext(orders, 400, 1);

        Throwable failed = catchFailure(() -> polling.poll(channel));

        assertThat(failed).as("a 400 is the remote's final word, not a retry").isNotInstanceOf(RetryLater.class);
        assertThat(stub.tap().since(mark, orders)).as("one request, no retry (the poll failed with " + failed + ")").hasSize(1);
        assertThat(cursors.get(channel, CURSOR).orElse(null)).as("the cursor stays").isEqualTo(cursor);
    }

    /** One poll, as the route makes it; a RetryLater is the core's to wait out, so the next poll follows after it. */
    private void pollThroughRetries() {
        for (int attempt = 0; ; attempt++) {
            try {
                polling.poll(channel);
                return;
            } catch (RetryLater e) {
                assertThat(attempt).as("polls before the faults were ridden out").isLessThan(5);
                assertThat(e.after()).as("the wait a RetryLater asks for").isPositive();
                pause(e.after());
            }
        }
    }

    // ---- cancel-in, cancel-out ---------------------------------------------------------------

    // ---- orders-pushed -----------------------------------------------------------------------

    @Test
    void ordersPushedASignedDeliveryIsImportedOnceAndAnsweredBeforeTheWork() {
        requires(Capability.ORDERS_PUSHED);
        String id = stub.orderId(run, 0);
        ConformanceStub.Push push = stub.pushOrder(id, stockedSku(), 1, now());

        long started = System.nanoTime();
        HubClient.Response first = deliver(push);
        Duration answeredIn = Duration.ofNanos(System.nanoTime() - started);

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.text("status")).isEqualTo("ACCEPTED");
        // Shopify waits 5 s for an answer, others less: the work is done after it, so it is fast.
        assertThat(answeredIn).as("answered in").isLessThan(Duration.ofSeconds(1));
        HubClient.Response again = deliver(push);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.text("status")).as("the same delivery again").isEqualTo("REPEAT");
        awaitImported(List.of(id));
        assertThat(stored(List.of(id))).isEqualTo(1);
    }

    @Test
    void ordersPushedAForgedOrUnsignedDeliveryIsRefusedAndNothingStored() {
        requires(Capability.ORDERS_PUSHED);
        String id = stub.orderId(run, 0);
        ConformanceStub.Push push = stub.pushOrder(id, stockedSku(), 1, now());
        long deliveries = deliveries();

        for (ConformanceStub.Push forged : List.of(stub.tampered(push), stub.unsigned(push))) {
            HubClient.Response refused = deliver(forged);
            assertThat(refused.status()).as(refused.body()).isEqualTo(401);
            assertThat(refused.text("error")).isEqualTo("invalid_signature");
            stub.secrets().forEach(secret -> assertThat(refused.body()).as("no secret in the answer").doesNotContain(secret));
        }

        pause(Duration.ofMillis(500));
        assertThat(deliveries()).as("no delivery stored").isEqualTo(deliveries);
        assertThat(stored(List.of(id))).as("no order").isZero();
        assertThat(deliver(push).text("status")).as("the genuine delivery is still taken").isEqualTo("ACCEPTED");
        awaitImported(List.of(id));
    }

    @Test
    void ordersPushedACancellationCancelsAndAMalformedOrderIsParked() {
        requires(Capability.ORDERS_PUSHED);
        String id = stub.orderId(run, 0);
        assertThat(deliver(stub.pushOrder(id, stockedSku(), 1, now())).status()).isEqualTo(200);
        awaitImported(List.of(id));
        String bad = stub.orderId(run, 1);

        assertThat(deliver(stub.pushMalformed(bad, now())).status()).as("a verified delivery is taken, whatever it holds")
                .isEqualTo(200);
        if (manifest.can(Capability.CANCEL_IN)) {
            assertThat(deliver(stub.pushCancel(id, now())).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> "CANCELLED".equals(hubOrder(id).path("status").asText()));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.get("/api/exceptions?source=" + connector + ":" + channel
                + ":orders&limit=500").body().contains(bad));
        assertThat(stored(List.of(bad))).isZero();
    }

    private HubClient.Response deliver(ConformanceStub.Push push) {
        Map<String, String> headers = new LinkedHashMap<>(push.headers());
        String contentType = "application/json";
        for (String name : List.copyOf(headers.keySet())) {
            if (name.equalsIgnoreCase("content-type")) {
                contentType = headers.remove(name);
            } else if (name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("host")) {
                headers.remove(name);
            }
        }
        return HubClient.anonymous(port).send("POST", "/api/channels/" + channel + "/webhooks/" + connector, contentType,
                push.body(), headers);
    }

    private long deliveries() {
        return jdbc.sql("SELECT COUNT(*) FROM webhook_deliveries WHERE channel = :channel").param("channel", channel)
                .query(Long.class).single();
    }

    @Test
    void cancelInAnOrderTheChannelCancelledIsCancelledInTheHub() {
        requires(Capability.CANCEL_IN);
        requires(Capability.ORDERS_IN);
        List<String> ids = putOrders(0, 1, now());
        polling.poll(channel);
        awaitImported(ids);

        stub.cancelOnChannel(ids.get(0), now());
        OrderPolling.PollResult poll = polling.poll(channel);

        assertThat(poll.cancelled()).isGreaterThanOrEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> "CANCELLED".equals(hubOrder(ids.get(0)).path("status").asText()));
    }

    @Test
    void cancelOutACancelInTheHubReachesTheChannelAndARefusalIsTheChannelsReason() {
        requires(Capability.CANCEL_OUT);
        requires(Capability.ORDERS_IN);
        List<String> ids = putOrders(0, 1, now());
        CancelOut out = connectors.cancelOut(channel).orElseThrow();

        assertThat(out.cancel(channel, ids.get(0), "out of stock")).as("accepted").isNull();
        assertThat(stub.sellerCancelled()).contains(ids.get(0));
        assertThat(out.cancel(channel, stub.orderId(run, 99), "out of stock")).as("an order the channel does not have")
                .isNotBlank();
    }

    @Test
    void cancelOutTheSellersCancelInTheHubIsSentToTheChannelOnceAndTheChannelsOwnIsNotSentBack() {
        requires(Capability.CANCEL_OUT);
        requires(Capability.ORDERS_IN);
        List<String> ids = putOrders(0, 2, now());
        polling.poll(channel);
        awaitImported(ids);

        HubClient.Response cancelled = hub.post("/api/orders/" + HubOrderIds.of(channel, ids.get(0)) + "/cancel",
                "{\"reason\": \"out of stock\"}");
        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            cancellations.sendDue();
            return stub.sellerCancelled().contains(ids.get(0));
        });
        int sent = (int) stub.sellerCancelled().stream().filter(ids.get(0)::equals).count();
        cancellations.sendDue();
        assertThat(stub.sellerCancelled().stream().filter(ids.get(0)::equals).count()).as("sent once").isEqualTo(sent);

        if (manifest.can(Capability.CANCEL_IN)) {
            stub.cancelOnChannel(ids.get(1), now());
            polling.poll(channel);
            await().atMost(Duration.ofSeconds(10)).until(() -> "CANCELLED".equals(hubOrder(ids.get(1)).path("status").asText()));
            cancellations.sendDue();
            assertThat(stub.sellerCancelled()).as("the channel's own cancellation is not sent back").doesNotContain(ids.get(1));
        }
    }

    // ---- stock-out ---------------------------------------------------------------------------

    @Test
    void stockOutBatchesWithinTheDeclaredSizeAndRate() {
        requires(Capability.STOCK_OUT);
        Channel.StockSink sink = registry.channel(channel).orElseThrow().stockSink();
        assertThat(sink.batchSize()).as("the channel's batch, never above the manifest's").isEqualTo(BATCH);
        List<String> skus = new ArrayList<>();
        for (int i = 0; i < 3 * BATCH + 1; i++) {
            skus.add("STK-" + run + "-" + i);
        }
        listed(skus);
        awaitQuiet();
        mark = stub.tap().mark();

        skus.forEach(sku -> hub.setStock(sku, "main", 7));

        await().atMost(Duration.ofSeconds(30)).until(() -> skus.stream().allMatch(sku -> Long.valueOf(7).equals(stub.shown(sku))));
        List<StubTap.Exchange> calls = stub.tap().since(mark, stub.calls(Flow.STOCK));
        assertThat(calls).isNotEmpty();
        for (StubTap.Exchange call : calls) {
            assertThat(stub.items(call)).as("items in one stock call").isBetween(0, sink.batchSize());
        }
        Map<String, List<Long>> byOperation = new LinkedHashMap<>();
        calls.forEach(call -> stub.operation(call).ifPresent(op -> byOperation.computeIfAbsent(op, o -> new ArrayList<>())
                .add(call.atNanos())));
        assertThat(byOperation).as("the stock calls name their manifest operations").isNotEmpty();
        byOperation.forEach((operation, times) -> {
            double declared = "stock-push".equals(operation) ? sink.rate() : manifest.operation(operation).map(OperationPolicy::rate).orElseThrow();
            // A remote that announces its rate (x-amzn-RateLimit-Limit, which the toolkit follows) may allow more.
            double rate = Math.max(declared, calls.stream().filter(c -> stub.operation(c).equals(java.util.Optional.of(operation)))
                    .map(c -> c.answerHeaders().get("x-amzn-ratelimit-limit")).filter(java.util.Objects::nonNull)
                    .mapToDouble(Double::parseDouble).max().orElse(0));
            double burst = "stock-push".equals(operation) ? sink.burst()
                    : manifest.operation(operation).map(OperationPolicy::burst).map(Integer::doubleValue).orElse(1.0);
            assertWithinRate(operation, times, rate, burst);
        });
    }

    @Test
    void stockOut5xxAnd429AreRetriedWithBackoff() {
        requires(Capability.STOCK_OUT);
        Predicate<StubTap.Call> stock = stub.calls(Flow.STOCK);
        String sku = "RTY-" + run;
        listed(List.of(sku));
        awaitQuiet();
        mark = stub.tap().mark();
        stub.tap().failNext(carries(stock, sku), 503, 2); // only its pushes: another sku's push may come between
        hub.setStock(sku, "main", 4);
        await().atMost(Duration.ofSeconds(30)).until(() -> Long.valueOf(4).equals(stub.shown(sku)));
        assertRetriedAfter(carrying(stub.tap().since(mark, stock), sku), 503, Duration.ofMillis(50));

        awaitQuiet();
        mark = stub.tap().mark();
        stub.tap().failNext(carries(stock, sku), 429, 1);
        hub.setStock(sku, "main", 3);
        await().atMost(Duration.ofSeconds(30)).until(() -> Long.valueOf(3).equals(stub.shown(sku)));
        assertRetriedAfter(carrying(stub.tap().since(mark, stock), sku), 429, Duration.ofMillis(900));
    }

    @Test
    void stockOut4xxFailsFast() {
        requires(Capability.STOCK_OUT);
        Predicate<StubTap.Call> stock = stub.calls(Flow.STOCK);
        String sku = "BAD-" + run; // unknown to the hub, not even listed: no flow pushes it meanwhile
        awaitQuiet();
        mark = stub.tap().mark();
        stub.tap().failNext(carries(stock, sku), 400, 1);
        StockOut out = connectors.stockOut(channel).orElseThrow();

        try {
            StockOut.Pushed pushed = out.push(channel, List.of(new StockOut.ListingQuantity(sku, 3, 1)), "fast-" + run);
            assertThat(pushed.items()).as("a 400 refuses the item").singleElement()
                    .extracting(StockOut.ItemResult::outcome).isEqualTo(StockOut.ItemResult.Outcome.REJECTED);
        } catch (RetryLater e) {
            throw new AssertionError("a 400 is the remote's final word, not a retry: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // a failure of the whole batch: fine, as long as it was not retried
        }
        assertThat(carrying(stub.tap().since(mark, stock), sku)).as("one request, no retry").hasSize(1);
    }

    // ---- shipment-confirm --------------------------------------------------------------------

    @Test
    void shipmentConfirmFullAndPartialAndADuplicateSendsNothing() {
        requires(Capability.SHIPMENT_CONFIRM);
        requires(Capability.ORDERS_IN);
        String sku = stockedSku();
        String id = stub.orderId(run, 0);
        stub.putOrder(id, sku, 3, now());
        polling.poll(channel);
        awaitImported(List.of(id));
        String hubOrderId = HubOrderIds.of(channel, id);
        String lineId = hubOrder(id).path("lines").get(0).path("lineId").asText();

        HubClient.Response part = hub.post("/api/orders/" + hubOrderId + "/shipments", "{\"carrier\":\"DHL\",\"service\":\"Paket\","
                + "\"trackingNumber\":\"JJD" + run + "1\",\"shippedAt\":\"2026-11-26T09:00:00Z\",\"lines\":[{\"lineId\":\""
                + lineId + "\",\"qty\":2}]}");
        assertThat(part.status()).as(part.body()).isEqualTo(201);
        HubClient.Response rest = hub.post("/api/orders/" + hubOrderId + "/shipments",
                "{\"carrier\":\"DHL\",\"trackingNumber\":\"JJD" + run + "2\"}");
        assertThat(rest.status()).as(rest.body()).isEqualTo(201);

        assertThat(confirmations.confirmDue().confirmed()).isEqualTo(2);
        assertThat(stub.shipments(id)).containsExactly(
                new ConformanceStub.Shipped(id, "JJD" + run + "1", Map.of(lineId, 2)),
                new ConformanceStub.Shipped(id, "JJD" + run + "2", Map.of(lineId, 1)));

        mark = stub.tap().mark();
        assertThat(confirmations.confirmDue().confirmed()).as("nothing is confirmed twice").isZero();
        assertThat(stub.tap().since(mark, stub.calls(Flow.SHIPMENTS))).as("requests for a confirmed shipment").isEmpty();
        assertThat(stub.shipments(id)).hasSize(2);
    }

    // ---- the published spec ------------------------------------------------------------------

    @Test
    void specRequestsAndAnswersFollowThePublishedSpec() {
        Assumptions.assumeTrue(manifest.spec() != null, () -> connector + " follows no published spec (its manifest has no spec:), "
                + "so its stub cannot be checked against one");
        Assumptions.assumeTrue(Files.isDirectory(SPECS), "the published specs are not beside the project (../shared/specs, "
                + "absent in a clone without it)");
        ConformanceStub.SpecCheck check = stub.spec().orElseThrow(() -> new AssertionError(connector
                + " names spec " + manifest.spec() + " but its ConformanceStub gives no SpecCheck"));
        if (manifest.can(Capability.ORDERS_IN)) {
            putOrders(0, 2, now());
            polling.poll(channel);
        }
        if (manifest.can(Capability.STOCK_OUT)) {
            String sku = "SPEC-" + run;
            listed(List.of(sku));
            hub.setStock(sku, "main", 2);
            await().atMost(Duration.ofSeconds(30)).until(() -> Long.valueOf(2).equals(stub.shown(sku)));
        }
        if (manifest.can(Capability.CARRIER_LABELS)) {
            String sku = "SPEC-" + run;
            hub.setStock(sku, "main", 1);
            String order = hub.post("/api/channels/webshop/orders", dev.orderhub.OrderJson.of("SPEC-" + run, sku, 1)).text("hubOrderId");
            await().atMost(Duration.ofSeconds(10)).until(() -> "RESERVED".equals(hub.get("/api/orders/" + order).text("status")));
            HubClient.Response label = hub.post("/api/orders/" + order + "/labels", "{}");
            assertThat(label.status()).as(label.body()).isEqualTo(201);
        }
        List<StubTap.Exchange> all = stub.tap().exchanges();
        assertThat(all).as("exchanges recorded so far").isNotEmpty();
        assertThat(specProblems(all)).isEmpty();
        // The check itself can fail: an answer without what the spec requires is caught (a
        // carrier's label purchase answers 201 Created).
        boolean channelFlows = manifest.can(Capability.ORDERS_IN) || manifest.can(Capability.STOCK_OUT);
        StubTap.Exchange first = stub.tap().since(mark, stub.calls(manifest.can(Capability.ORDERS_IN) ? Flow.ORDERS
                        : manifest.can(Capability.STOCK_OUT) ? Flow.STOCK : Flow.SHIPMENTS))
                .stream().filter(e -> e.status() == (channelFlows ? 200 : 201)).findFirst().orElseThrow();
        assertThat(check.answer(new StubTap.Exchange(first.atNanos(), first.call(), first.status(), first.answerHeaders(), "[]")))
                .as("an answer the spec does not allow").isNotEmpty();
    }

    private List<String> specProblems(List<StubTap.Exchange> exchanges) {
        ConformanceStub.SpecCheck check = stub.spec().orElseThrow(() -> new AssertionError(connector
                + " names spec " + manifest.spec() + " but its ConformanceStub gives no SpecCheck"));
        List<String> problems = new ArrayList<>();
        for (StubTap.Exchange exchange : exchanges) {
            problems.addAll(check.request(exchange));
            problems.addAll(check.answer(exchange));
        }
        return problems;
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** Runs the test only if the manifest declares the capability; else skipped with the manifest's reason. */
    private void requires(Capability capability) {
        if (!manifest.can(capability)) {
            Assumptions.abort(connector + " lacks " + capability + ": " + manifest.whyNot(capability)
                    .orElseThrow(() -> new AssertionError(capability + " is neither declared nor given a reason")));
        }
    }

    /** Now, as precise as the clock: a stub may round it as its remote does (a cursor is never ahead of a new order). */
    private static Instant now() {
        return Instant.now();
    }

    private String stockedSku() {
        String sku = "ORD-" + run;
        hub.setStock(sku, "main", 100);
        return sku;
    }

    private List<String> putOrders(int from, int to, Instant at) {
        String sku = stockedSku();
        List<String> ids = new ArrayList<>();
        for (int i = from; i < to; i++) {
            String id = stub.orderId(run, i);
            stub.putOrder(id, sku, 1, at);
            ids.add(id);
        }
        return ids;
    }

    private JsonNode hubOrder(String orderId) {
        HubClient.Response response = hub.get("/api/orders/" + HubOrderIds.of(channel, orderId));
        return response.status() == 200 ? response.json() : null;
    }

    private void awaitImported(List<String> ids) {
        await().atMost(Duration.ofSeconds(20)).until(() -> ids.stream().map(this::hubOrder)
                .allMatch(order -> order != null && !"RECEIVED".equals(order.path("status").asText())));
    }

    private long stored(List<String> ids) {
        return jdbc.sql("SELECT COUNT(*) FROM orders WHERE channel = :channel AND channel_order_id IN (:ids)")
                .param("channel", channel).param("ids", ids).query(Long.class).single();
    }

    /** The skus become listings of the channel where the connector reads listings. */
    private void listed(List<String> skus) {
        skus.forEach(stub::list);
        if (manifest.can(Capability.LISTINGS_IN)) {
            listingRefresh.refreshAll();
        }
    }

    /** Until no stock call went to the channel for half a second: what earlier tests changed has been pushed. */
    private void awaitQuiet() {
        Predicate<StubTap.Call> stock = stub.calls(Flow.STOCK);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            List<StubTap.Exchange> calls = stub.tap().since(0, stock);
            return calls.isEmpty() || System.nanoTime() - calls.get(calls.size() - 1).atNanos() > 500_000_000L;
        });
    }

    /** The calls of a flow that carry the sku (in the path, body or query). */
    private static Predicate<StubTap.Call> carries(Predicate<StubTap.Call> calls, String sku) {
        return call -> calls.test(call) && (call.path().contains(sku) || call.body().contains(sku)
                || call.query().toString().contains(sku));
    }

    private static List<StubTap.Exchange> carrying(List<StubTap.Exchange> exchanges, String sku) {
        return exchanges.stream().filter(e -> e.call().path().contains(sku) || e.call().body().contains(sku)
                || e.call().query().toString().contains(sku)).toList();
    }

    /** The calls start with the scripted failures, each followed by the next attempt no sooner than {@code atLeast}. */
    private static void assertRetriedAfter(List<StubTap.Exchange> calls, int status, Duration atLeast) {
        assertThat(calls).as("the failures and the retry that got through").hasSizeGreaterThanOrEqualTo(2);
        assertThat(calls.get(0).status()).as("the first call met the scripted " + status).isEqualTo(status);
        for (int i = 1; i < calls.size(); i++) {
            if (calls.get(i - 1).status() == status) {
                long gap = (calls.get(i).atNanos() - calls.get(i - 1).atNanos()) / 1_000_000;
                assertThat(gap).as("ms from a " + status + " to the next attempt").isGreaterThanOrEqualTo(atLeast.toMillis());
            }
        }
        assertThat(calls.get(calls.size() - 1).status()).as("the last attempt got through").isBetween(200, 299);
    }

    /** No window of the calls holds more than the burst and the rate allow (one more for timing at the stub). */
    static void assertWithinRate(String operation, List<Long> nanos, double rate, double burst) {
        List<Long> times = nanos.stream().sorted().toList();
        for (int i = 0; i < times.size(); i++) {
            for (int j = i; j < times.size(); j++) {
                double seconds = (times.get(j) - times.get(i)) / 1e9;
                assertThat((double) (j - i + 1)).as(operation + ": calls within " + seconds + " s (rate " + rate + "/s, burst "
                        + burst + ")").isLessThanOrEqualTo(burst + rate * seconds + 1);
            }
        }
    }

    private static void pause(Duration wait) {
        await().pollDelay(wait).atMost(wait.plusSeconds(5)).until(() -> true);
    }
}
