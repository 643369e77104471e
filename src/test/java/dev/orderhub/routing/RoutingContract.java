package dev.orderhub.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.HubClient;
import dev.orderhub.alert.AlertConditions;
import dev.orderhub.inventory.Reservation;
import dev.orderhub.inventory.StockLedger;
import dev.orderhub.order.Address;
import dev.orderhub.order.FulfilmentMode;
import dev.orderhub.order.OrderLine;
import dev.orderhub.order.OrderService;
import dev.orderhub.order.OrderSubmission;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Routing by rules on the real database (H2 and PostgreSQL subclasses): an allocation moves
 * the order's reservations to the chosen locations (split across two), a hold waits in its
 * queue and is decided again when stock arrives, the dry run is the decision the real run
 * makes, many orders routed at once for scarce stock never get a unit twice, and an invalid
 * rules file keeps the last good rules and raises an alert.
 */
@org.springframework.context.annotation.Import(RoutingContract.With3pl.class)
abstract class RoutingContract {

    /** A 3PL at location tpl that refuses the orders it is told to refuse and takes the rest. */
    static final class Test3pl implements dev.orderhub.connector.FulfilmentService {
        final Set<String> refuse = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final List<String> sent = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public String connector() {
            return "test-3pl";
        }

        @Override
        public boolean serves(String channel) {
            return false;
        }

        @Override
        public String target() {
            return "test-3pl";
        }

        @Override
        public String location() {
            return "tpl";
        }

        @Override
        public String send(Request request) {
            sent.add(request.hubOrderId());
            return refuse.contains(request.hubOrderId()) ? "out of stock at the 3PL (test)" : null;
        }

        @Override
        public Progress follow(String hubOrderId) {
            return new Progress(State.OPEN, List.of(), null);
        }

        @Override
        public String cancel(String hubOrderId) {
            return null;
        }
    }

    @org.springframework.boot.test.context.TestConfiguration
    static class With3pl {
        @org.springframework.context.annotation.Bean
        Test3pl test3pl() {
            return new Test3pl();
        }
    }

    static final Path RULES;
    static final String GOOD = """
            version: 2
            locations:
              main: {country: NL, postalCode: "3511"}
              tpl: {country: NL}
              east: {safetyStock: 1, country: DE, postalCode: "10115"}
              west: {country: NL, postalCode: "1011"}
            rules:
              - id: far-north
                when: {postcodePrefix: "99"}
                allocate: {from: [tpl, west]}
              - id: review-big
                when: {channel: routed, orderValue: {min: 1000}}
                hold: {queue: review, reason: "worth 1,000 or more"}
              - id: german
                when: {channel: routed, country: DE}
                allocate: {from: [east, west], sort: [fewestShipments, proximity, listed], split: {maxShipments: 2}}
                otherwise: {queue: wait-de, reason: "east and west cannot ship it"}
              - id: slow-lane
                when: {postcodePrefix: "77"}
                hold: {queue: slow, reason: "held for the slow lane", autoCancelAfter: 1m}
              - id: rest
                allocate: {from: [main, west], split: {maxShipments: 2}}
                otherwise: {queue: unfillable, reason: "nothing holds it"}
            """;

    static {
        try {
            RULES = Files.createTempFile("routing-rules", ".yaml");
            Files.writeString(RULES, GOOD);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void routing(DynamicPropertyRegistry registry) {
        registry.add("orderhub.routing.rules-file", RULES::toString);
        registry.add("orderhub.routing.interval-ms", () -> "86400000"); // the tests route when they choose
        registry.add("orderhub.routing.reload-interval-ms", () -> "86400000");
        registry.add("orderhub.locations.east.name", () -> "East warehouse");
        registry.add("orderhub.locations.east.kind", () -> "OWN");
        registry.add("orderhub.locations.west.name", () -> "West warehouse");
        registry.add("orderhub.locations.west.kind", () -> "OWN");
        registry.add("orderhub.locations.tpl.name", () -> "Test 3PL");
        registry.add("orderhub.locations.tpl.kind", () -> "THREE_PL");
        registry.add("orderhub.fulfilment.dispatch-interval-ms", () -> "86400000"); // dispatched when the test says
        registry.add("orderhub.channels.routed.name", () -> "Routed shop");
        registry.add("orderhub.channels.routed.locations[0]", () -> "main");
        registry.add("orderhub.channels.routed.locations[1]", () -> "east");
        registry.add("orderhub.channels.routed.locations[2]", () -> "west");
    }

    @LocalServerPort
    int port;
    @Autowired
    Routing routing;
    @Autowired
    RoutingRules rules;
    @Autowired
    OrderService orders;
    @Autowired
    StockLedger ledger;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    AlertConditions alertConditions;
    @Autowired
    ObjectMapper json;
    @Autowired
    Test3pl threePl;
    @Autowired
    dev.orderhub.fulfilment.FulfilmentDispatch dispatch;
    @Autowired
    dev.orderhub.fulfilment.Fulfilments fulfilments;

    String run;
    HubClient hub;

    @BeforeEach
    void setUp() {
        run = UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        hub = new HubClient(port);
    }

    String sku(String name) {
        return "RT-" + run + "-" + name;
    }

    String order(String country, String postal, String price, Map<String, Integer> lines) {
        List<OrderLine> items = new ArrayList<>();
        int n = 0;
        for (Map.Entry<String, Integer> line : lines.entrySet()) {
            items.add(new OrderLine(String.valueOf(++n), line.getKey(), line.getValue(), new BigDecimal(price), BigDecimal.ZERO));
        }
        OrderSubmission submission = new OrderSubmission("routed", "R-" + run + "-" + UUID.randomUUID(), FulfilmentMode.MERCHANT,
                Instant.now(), null, null, "EUR", null, new Address("R O U T E", "Street 1", null, "Town", null, postal, country),
                items);
        OrderService.IntakeResult result = orders.importOrder(submission);
        assertThat(result.refused()).isNull();
        return result.hubOrderId();
    }

    Map<String, Integer> heldAt(String hubOrderId) {
        Map<String, Integer> held = new TreeMap<>();
        for (Reservation r : ledger.reservationsOf(hubOrderId)) {
            held.merge(r.sku() + "@" + r.location(), r.qty(), Integer::sum);
        }
        return held;
    }

    long reserved(String sku, String location) {
        return ledger.level(sku, location).map(l -> l.reserved()).orElse(0L);
    }

    @Test
    void anAllocationMovesTheReservationsToTheChosenLocationsSplitAndExplained() {
        ledger.setOnHand(sku("A"), "main", 5, "test", "test");
        ledger.setOnHand(sku("B"), "main", 5, "test", "test");
        ledger.setOnHand(sku("A"), "west", 4, "test", "test");
        ledger.setOnHand(sku("B"), "east", 3, "test", "test");
        String id = order("DE", "10117", "10", new java.util.LinkedHashMap<>(Map.of(sku("A"), 1, sku("B"), 2)));
        assertThat(heldAt(id)).containsOnlyKeys(sku("A") + "@main", sku("B") + "@main");

        Decision decision = routing.route(id, Set.of()).orElseThrow();

        assertThat(decision.outcome().rule()).isEqualTo("german");
        assertThat(decision.outcome().parts()).extracting(Decision.Part::location).containsExactlyInAnyOrder("east", "west");
        assertThat(heldAt(id)).isEqualTo(Map.of(sku("A") + "@west", 1, sku("B") + "@east", 2));
        assertThat(reserved(sku("A"), "main")).isZero();
        assertThat(reserved(sku("B"), "main")).isZero();
        assertThat(reserved(sku("B"), "east")).isEqualTo(2);
        assertThat(decision.rules().get(0).rule()).isEqualTo("far-north");
        assertThat(decision.rules().get(1).rule()).isEqualTo("review-big");
        assertThat(decision.rules().get(1).failed()).containsExactly("order value 30 not ≥ 1000");

        JsonNode shown = hub.get("/api/orders/" + id + "/routing").json();
        assertThat(shown.get("decisions")).hasSize(1);
        assertThat(shown.at("/decisions/0/outcome/rule").asText()).isEqualTo("german");
        assertThat(shown.at("/decisions/0/ruleSetVersion").asInt()).isEqualTo(2);
        assertThat(shown.at("/decisions/0/rules/2/candidates/0/why").toString()).contains("holds 1 of 2 lines");
        assertThat(hub.get("/api/orders/" + id).json().get("events").toString()).contains("rule german (rules v2)");
        assertThat(routing.route(id, Set.of())).as("routed once: a RESERVED order already decided is not picked again")
                .isPresent();
        assertThat(routing.unrouted(10_000)).doesNotContain(id);
    }

    @Test
    void theDryRunIsTheDecisionTheRealRunMakesAndReservesNothing() throws Exception {
        ledger.setOnHand(sku("D"), "main", 3, "test", "test");
        ledger.setOnHand(sku("D"), "west", 3, "test", "test");
        String id = order("NL", "1011 AB", "10", Map.of(sku("D"), 2));
        Map<String, Integer> before = heldAt(id);

        HubClient.Response dry = hub.post("/api/routing/dry-run", "{\"hubOrderId\":\"" + id + "\"}");
        assertThat(dry.status()).as(dry.body()).isEqualTo(200);
        assertThat(heldAt(id)).isEqualTo(before);
        assertThat(routing.decisions(id)).isEmpty();

        Decision real = routing.route(id, Set.of()).orElseThrow();
        Decision dryDecision = json.treeToValue(dry.json(), Decision.class);
        assertThat(dryDecision.outcome()).isEqualTo(real.outcome());
        assertThat(dryDecision.rules()).isEqualTo(real.rules());
        assertThat(dryDecision.ruleSetHash()).isEqualTo(real.ruleSetHash());

        JsonNode inline = hub.post("/api/routing/dry-run", "{\"order\":{\"channel\":\"routed\",\"shipTo\":{\"country\":\"NL\","
                + "\"postalCode\":\"1011\"},\"lines\":[{\"sku\":\"" + sku("D") + "\",\"qty\":1,\"unitPrice\":2000}]}}").json();
        assertThat(inline.at("/outcome/queue").asText()).isEqualTo("review");
        String draft = GOOD.replace("min: 1000", "min: 5000").replace("version: 2", "version: 3");
        JsonNode withDraft = hub.post("/api/routing/dry-run", json.writeValueAsString(Map.of("rules", draft, "order",
                json.readTree(inline.toString()).isObject() ? Map.of("channel", "routed", "shipTo", Map.of("country", "NL"),
                        "lines", List.of(Map.of("sku", sku("D"), "qty", 1, "unitPrice", 2000))) : Map.of()))).json();
        assertThat(withDraft.get("ruleSetVersion").asInt()).isEqualTo(3);
        assertThat(withDraft.at("/outcome/kind").asText()).isEqualTo("allocate");

        HubClient.Response bad = hub.post("/api/routing/dry-run", "{\"hubOrderId\":\"oh-nope\"}");
        assertThat(bad.status()).isEqualTo(404);
        HubClient.Response badRules = hub.post("/api/routing/dry-run", json.writeValueAsString(Map.of("hubOrderId", id,
                "rules", GOOD.replace("from: [east, west]", "from: [east, mars]"))));
        assertThat(badRules.status()).isEqualTo(400);
        assertThat(badRules.text("detail")).contains("rule 'german' allocate.from: no location \"mars\"");
    }

    @Test
    void aHeldOrderWaitsInItsQueueKeepsItsStockAndIsDecidedAgainWhenStockArrives() {
        ledger.setOnHand(sku("C"), "main", 2, "test", "test");
        String id = order("DE", "10117", "10", Map.of(sku("C"), 2));
        Decision held = routing.route(id, Set.of()).orElseThrow();
        assertThat(held.outcome().kind()).isEqualTo("hold");
        assertThat(held.outcome().queue()).isEqualTo("wait-de");
        assertThat(heldAt(id)).as("held, it keeps what intake reserved").isEqualTo(Map.of(sku("C") + "@main", 2));
        JsonNode queue = hub.get("/api/routing/queues?queue=wait-de&limit=500").json();
        assertThat(queue.get("items").toString()).contains(id, "east and west cannot ship it");
        assertThat(routing.queuedDue(10_000)).doesNotContain(id);

        ledger.setOnHand(sku("C"), "east", 5, "delivery", "test");
        assertThat(routing.queuedDue(10_000)).as("stock arrived: due at once").contains(id);
        routing.routeDue();
        assertThat(heldAt(id)).isEqualTo(Map.of(sku("C") + "@east", 2));
        assertThat(routing.queuedOrder(id)).isEmpty();
        assertThat(routing.decisions(id)).extracting(d -> d.outcome().kind()).containsExactly("hold", "allocate");
    }

    @Test
    void manyOrdersRoutedAtOnceForScarceStockNeverGetAUnitTwice() throws Exception {
        String s = sku("S");
        String u = sku("U");
        ledger.setOnHand(s, "main", 40, "test", "test");
        ledger.setOnHand(u, "main", 40, "test", "test");
        ledger.setOnHand(s, "east", 11, "test", "test"); // 10 after the safety stock
        ledger.setOnHand(u, "west", 10, "test", "test");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(order("DE", "10117", "10", new java.util.LinkedHashMap<>(Map.of(s, 1, u, 1))));
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<Decision>> runs = new ArrayList<>();
        try {
            for (String id : ids) {
                runs.add(pool.submit(() -> {
                    for (int attempt = 0; ; attempt++) {
                        try {
                            return routing.route(id, Set.of()).orElseThrow();
                        } catch (org.springframework.dao.DataAccessException | IllegalStateException e) {
                            if (attempt >= 5) {
                                throw e; // a deadlock or a changed row rolls back whole; tried again like the next round would
                            }
                        }
                    }
                }));
            }
            int allocated = 0;
            for (Future<Decision> r : runs) {
                if (r.get(60, TimeUnit.SECONDS).outcome().allocated()) {
                    allocated++;
                }
            }
            assertThat(allocated).as("east holds 10 of S after its safety stock, west 10 of U").isEqualTo(10);
        } finally {
            pool.shutdownNow();
        }
        assertThat(reserved(s, "east")).isEqualTo(10);
        assertThat(reserved(u, "west")).isEqualTo(10);
        assertThat(reserved(s, "main")).isEqualTo(20);
        assertThat(reserved(u, "main")).isEqualTo(20);
        for (String id : ids) {
            List<Decision> decided = routing.decisions(id);
            assertThat(decided).hasSize(1);
            Decision d = decided.get(0);
            Map<String, Integer> held = heldAt(id);
            if (d.outcome().allocated()) {
                assertThat(held).as(id).isEqualTo(Map.of(s + "@east", 1, u + "@west", 1));
            } else {
                assertThat(d.outcome().queue()).isEqualTo("wait-de");
                assertThat(held).as(id).isEqualTo(Map.of(s + "@main", 1, u + "@main", 1));
            }
        }
        for (String loc : List.of("main", "east", "west")) {
            for (String k : List.of(s, u)) {
                long rows = jdbc.sql("SELECT COALESCE(SUM(qty), 0) FROM reservations WHERE sku = :sku AND location = :loc")
                        .param("sku", k).param("loc", loc).query(Long.class).single();
                assertThat(reserved(k, loc)).as(k + "@" + loc + ": reserved equals the reservations held").isEqualTo(rows);
            }
        }
    }

    @Test
    void anInvalidRulesFileKeepsTheLastGoodRulesAndRaisesAnAlertNamingTheRuleAndField() throws Exception {
        assertThat(rules.current().orElseThrow().version()).isEqualTo(2);
        try {
            Files.writeString(RULES, GOOD.replace("version: 2", "version: 9").replace("country: DE}", "contry: DE}"));
            assertThat(rules.reload()).isFalse();
            assertThat(rules.current().orElseThrow().version()).as("the last good rules stay").isEqualTo(2);
            assertThat(rules.problem()).hasValueSatisfying(p -> assertThat(p.problems())
                    .anyMatch(x -> x.startsWith("rule 'german' when.contry: not a key here")));
            assertThat(alertConditions.read().conditions()).filteredOn(c -> c.kind().equals(AlertConditions.RULES_INVALID))
                    .singleElement().satisfies(c -> {
                        assertThat(c.severity()).isEqualTo("alert");
                        assertThat(c.title()).contains("version 2 stays in force", "rule 'german' when.contry");
                    });
            JsonNode state = hub.get("/api/routing/rules").json();
            assertThat(state.get("version").asInt()).isEqualTo(2);
            assertThat(state.at("/problem/problems/0").asText()).contains("when.contry");
            JsonNode checked = hub.post("/api/routing/rules/check", json.writeValueAsString(Map.of("rules",
                    Files.readString(RULES)))).json();
            assertThat(checked.get("valid").asBoolean()).isFalse();
        } finally {
            Files.writeString(RULES, GOOD.replace("version: 2", "version: 2 # restored"));
        }
        assertThat(rules.reload()).isTrue();
        assertThat(rules.problem()).isEmpty();
        assertThat(alertConditions.read().conditions()).noneMatch(c -> c.kind().equals(AlertConditions.RULES_INVALID));
    }

    @Test
    void aThreePlThatRefusesTheOrderIsLeftOutAndTheRuleAllocatesElsewhere() {
        ledger.setOnHand(sku("T"), "main", 5, "test", "test");
        ledger.setOnHand(sku("T"), "tpl", 5, "test", "test");
        ledger.setOnHand(sku("T"), "west", 5, "test", "test");
        String taken = order("NL", "9901", "10", Map.of(sku("T"), 1));
        String refused = order("NL", "9902", "10", Map.of(sku("T"), 1));
        threePl.refuse.add(refused);

        assertThat(routing.route(taken, Set.of()).orElseThrow().outcome().parts().get(0).location()).isEqualTo("tpl");
        assertThat(routing.route(refused, Set.of()).orElseThrow().outcome().parts().get(0).location()).isEqualTo("tpl");
        assertThat(orders.status(refused)).contains(dev.orderhub.order.OrderStatus.ROUTED);
        assertThat(heldAt(refused)).isEqualTo(Map.of(sku("T") + "@tpl", 1));

        dispatch.work();

        assertThat(threePl.sent).contains(taken, refused);
        assertThat(orders.status(taken)).contains(dev.orderhub.order.OrderStatus.SENT_TO_FULFILMENT);
        assertThat(orders.status(refused)).contains(dev.orderhub.order.OrderStatus.RESERVED);
        assertThat(heldAt(refused)).as("decided again without tpl").isEqualTo(Map.of(sku("T") + "@west", 1));
        assertThat(routing.refusedAt(refused)).containsExactly("tpl");
        List<Decision> decided = routing.decisions(refused);
        assertThat(decided).hasSize(2);
        Decision again = decided.get(1);
        assertThat(again.outcome().rule()).isEqualTo("far-north");
        assertThat(again.rules().get(0).candidates().get(0).why()).containsExactly("refused this order before");
        assertThat(fulfilments.find(refused)).isEmpty();
        assertThat(reserved(sku("T"), "tpl")).isEqualTo(1);
    }

    @Test
    void theConsoleShowsTheRulesADryRunExplainedAndTheQueues() {
        ledger.setOnHand(sku("K"), "main", 2, "test", "test");
        String waiting = order("DE", "10117", "10", Map.of(sku("K"), 1));
        routing.route(waiting, Set.of());
        String fresh = order("DE", "10117", "10", Map.of(sku("K"), 1));
        dev.orderhub.web.ConsoleSession console = new dev.orderhub.web.ConsoleSession(port);
        console.signIn(HubClient.TEST_ADMIN_KEY); // on PostgreSQL nobody is let in without a key
        dev.orderhub.web.ConsoleSession.Page page = console.get("/console/routing");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"rules-state\"", "Version <b>2</b>", waiting, "wait-de", "id=\"what-if-form\"");
        dev.orderhub.web.ConsoleSession.Page dry = console.post("/console/routing/dry-run",
                dev.orderhub.web.ConsoleSession.form("hubOrderId", fresh));
        assertThat(dry.status()).isEqualTo(200);
        assertThat(dry.body()).contains("id=\"decision-outcome\"", "hold in queue wait-de", "id=\"trial-german\"",
                "short of " + sku("K") + ": 0, needs 1");
        assertThat(routing.decisions(fresh)).as("a dry run records nothing").isEmpty();
        dev.orderhub.web.ConsoleSession.Page whatIf = console.post("/console/routing/what-if",
                dev.orderhub.web.ConsoleSession.form("rules", GOOD.replace("from: [east, west]", "from: [east, west, main]"), "days", "1"));
        assertThat(whatIf.status()).isEqualTo(200);
        assertThat(whatIf.body()).contains("id=\"what-if-result\"", "queue:wait-de");
        assertThat(console.post("/console/routing/what-if", dev.orderhub.web.ConsoleSession.form("rules", "version: 1\nrules: []\n",
                "days", "1")).body()).contains("id=\"draft-problems\"", "rules: a list of rules is required");
        assertThat(hub.get("/api/orders/" + waiting + "/timeline").body()).contains("decided by rule german (rules v2): held in queue wait-de");
    }

    @Test
    void anOrderPastItsQueueDeadlineIsCancelledAndItsStockReleased() {
        ledger.setOnHand(sku("Q"), "main", 3, "test", "test");
        String id = order("NL", "7711", "10", Map.of(sku("Q"), 2));
        Decision held = routing.route(id, Set.of()).orElseThrow();
        assertThat(held.outcome().queue()).isEqualTo("slow");
        Routing.Queued queued = routing.queuedOrder(id).orElseThrow();
        assertThat(queued.autoCancelAt()).isBetween(queued.since().plusSeconds(59), queued.since().plusSeconds(61));
        routing.routeDue();
        assertThat(orders.status(id)).as("not yet past its deadline").contains(dev.orderhub.order.OrderStatus.RESERVED);

        // A minute passes.
        jdbc.sql("UPDATE routing_queue SET auto_cancel_at = :past WHERE hub_order_id = :id")
                .param("past", java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).minusSeconds(1)).param("id", id).update();
        routing.routeDue();
        assertThat(orders.status(id)).contains(dev.orderhub.order.OrderStatus.CANCELLED);
        assertThat(heldAt(id)).isEmpty();
        assertThat(reserved(sku("Q"), "main")).isZero();
        assertThat(routing.queuedOrder(id)).isEmpty();
        assertThat(hub.get("/api/orders/" + id).json().get("events").toString()).contains("waited in queue slow");
    }
}
