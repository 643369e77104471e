package dev.orderhub.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.orderhub.channel.ChannelHealth;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.inventory.StockLedger;
import dev.orderhub.kpi.KpiThresholds;
import dev.orderhub.kpi.Kpis;
import dev.orderhub.kpi.ReportedKpis;
import dev.orderhub.messaging.ExceptionStore;
import dev.orderhub.messaging.Outbox;
import dev.orderhub.order.Address;
import dev.orderhub.order.FulfilmentMode;
import dev.orderhub.order.OrderFacts;
import dev.orderhub.order.OrderLine;
import dev.orderhub.order.OrderService;
import dev.orderhub.order.OrderSubmission;
import dev.orderhub.order.Shipments;
import dev.orderhub.stocksync.StockSync;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Alerts on the real database (H2 and PostgreSQL subclasses): raised once, updated in place,
 * cleared when the condition ends, each change with its event in the outbox, one open alert per
 * condition also when two instances evaluate at once; and the conditions read from the hub's
 * own data (KPIs, orders about to ship late, parked messages, a channel down).
 */
abstract class AlertContract {

    @Autowired
    JdbcClient jdbc;
    @Autowired
    Outbox outbox;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    ObjectProvider<JavaMailSender> mail;
    @Autowired
    OrderService orders;
    @Autowired
    Shipments shipments;
    @Autowired
    StockLedger ledger;
    @Autowired
    OrderFacts facts;
    @Autowired
    ChannelRegistry channels;
    @Autowired
    ReportedKpis reported;
    @Autowired
    StockSync stockSync;
    @Autowired
    ExceptionStore exceptions;
    @Autowired
    ChannelHealth health;
    @Autowired
    AlertSettings settings;

    String run;
    /** What the fake conditions say holds now. */
    FakeConditions holding;

    @BeforeEach
    void setUp() {
        run = UUID.randomUUID().toString().substring(0, 8);
        holding = new FakeConditions("test." + run, jdbc, outbox, settings, transactions, mail);
    }

    /** Alerts over conditions the test sets; only kinds of this run count as read, so other tests' alerts are untouched. */
    Alerts alertsOverFakeConditions() {
        return holding.alerts();
    }

    AlertConditions.Condition condition(String severity, double value, String channel) {
        return new AlertConditions.Condition("test." + run, channel, null, severity, "Test condition at " + value, value,
                value + " units", 5.0);
    }

    List<Alert> ofThisRun(Alerts alerts) {
        return alerts.list("all", null, "test." + run, 0, 100);
    }

    long events(String type, Alert alert) {
        return jdbc.sql("SELECT COUNT(*) FROM outbox WHERE type = :type AND group_key = :key AND payload LIKE :id")
                .param("type", type).param("key", "alert:" + alert.kind() + ":" + (alert.channel() == null ? "" : alert.channel()))
                .param("id", "%\"id\":" + alert.id() + ",%").query(Long.class).single();
    }

    @Test
    void aConditionIsRaisedOnceUpdatedInPlaceAndClearedWhenItEnds() {
        Alerts alerts = alertsOverFakeConditions();
        holding.hold(List.of(condition(Alert.WARN, 6, "webshop")));

        assertThat(alerts.evaluate().raised()).isEqualTo(1);
        assertThat(alerts.evaluate().raised()).isZero();
        List<Alert> raised = ofThisRun(alerts);
        assertThat(raised).hasSize(1);
        Alert alert = raised.get(0);
        assertThat(alert.open()).isTrue();
        assertThat(alert.severity()).isEqualTo("warn");
        assertThat(alert.channel()).isEqualTo("webshop");
        assertThat(alert.subject()).isNull();
        assertThat(alert.value()).isEqualTo(6.0);
        assertThat(alert.threshold()).isEqualTo(5.0);
        assertThat(events("alert.raised", alert)).isEqualTo(1);

        holding.hold(List.of(condition(Alert.ALERT, 9, "webshop")));
        Alerts.Evaluation escalated = alerts.evaluate();
        assertThat(escalated.raised()).isZero();
        assertThat(escalated.updated()).isEqualTo(1);
        Alert moved = alerts.find(alert.id()).orElseThrow();
        assertThat(moved.severity()).isEqualTo("alert");
        assertThat(moved.value()).isEqualTo(9.0);
        assertThat(moved.raisedAt()).isEqualTo(alert.raisedAt());
        assertThat(events("alert.raised", alert)).isEqualTo(1);

        holding.hold(List.of());
        assertThat(alerts.evaluate().cleared()).isEqualTo(1);
        assertThat(alerts.evaluate().cleared()).isZero();
        Alert cleared = alerts.find(alert.id()).orElseThrow();
        assertThat(cleared.open()).isFalse();
        assertThat(cleared.clearedAt()).isAfterOrEqualTo(cleared.raisedAt());
        assertThat(events("alert.cleared", alert)).isEqualTo(1);
        assertThat(alerts.open()).extracting(Alert::id).doesNotContain(alert.id());
        assertThat(alerts.recentlyCleared(500)).extracting(Alert::id).contains(alert.id());

        // The same condition again is a new alert, raised once more.
        holding.hold(List.of(condition(Alert.WARN, 7, "webshop")));
        assertThat(alerts.evaluate().raised()).isEqualTo(1);
        assertThat(ofThisRun(alerts)).hasSize(2).filteredOn(Alert::open).hasSize(1);
    }

    @Test
    void aKindThatCouldNotBeReadKeepsItsAlertsOpen() {
        Alerts alerts = alertsOverFakeConditions();
        holding.hold(List.of(condition(Alert.WARN, 6, null)));
        alerts.evaluate();
        AlertConditions unreadable = new AlertConditions(null, null, null, null, null, null, settings, Clock.systemUTC()) {
            @Override
            public Reading read() {
                return new Reading(List.of(), Set.of());
            }
        };
        Alerts blind = new Alerts(jdbc, outbox, unreadable, settings, Clock.systemUTC(), transactions, mail);
        assertThat(blind.evaluate().cleared()).isZero();
        assertThat(ofThisRun(alerts)).singleElement().satisfies(a -> assertThat(a.open()).isTrue());
    }

    @Test
    void twoInstancesEvaluatingAtOnceRaiseEachConditionOnce() throws Exception {
        Alerts one = holding.alerts();
        Alerts two = holding.secondInstance();
        List<AlertConditions.Condition> many = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            many.add(condition(Alert.WARN, 6, "ch-" + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 5; round++) {
                holding.hold(round % 2 == 0 ? many : List.of());
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Alerts.Evaluation>> runs = new ArrayList<>();
                for (Alerts instance : List.of(one, two, one, two)) {
                    runs.add(pool.submit(() -> {
                        start.await();
                        return instance.evaluate();
                    }));
                }
                start.countDown();
                int raised = 0;
                int cleared = 0;
                for (Future<Alerts.Evaluation> run : runs) {
                    Alerts.Evaluation e = run.get(30, TimeUnit.SECONDS);
                    raised += e.raised();
                    cleared += e.cleared();
                }
                assertThat(raised).as("round %d raised", round).isEqualTo(round % 2 == 0 ? 8 : 0);
                assertThat(cleared).as("round %d cleared", round).isEqualTo(round % 2 == 0 ? 0 : 8);
            }
        } finally {
            pool.shutdownNow();
        }
        List<Alert> all = ofThisRun(one);
        assertThat(all).hasSize(24);
        assertThat(all).filteredOn(Alert::open).hasSize(8);
        for (Alert alert : all) {
            assertThat(events("alert.raised", alert)).as("alert.raised of %d", alert.id()).isEqualTo(1);
            assertThat(events("alert.cleared", alert)).as("alert.cleared of %d", alert.id()).isEqualTo(alert.open() ? 0 : 1);
        }
    }

    @Test
    void acknowledgingRecordsWhoAndWhyAndLeavesTheAlertOpen() {
        Alerts alerts = alertsOverFakeConditions();
        holding.hold(List.of(condition(Alert.ALERT, 6, null)));
        alerts.evaluate();
        Alert alert = ofThisRun(alerts).get(0);
        Alert seen = alerts.acknowledge(alert.id(), "ops-anna", "looking into it").orElseThrow();
        assertThat(seen.acknowledgedBy()).isEqualTo("ops-anna");
        assertThat(seen.acknowledgeNote()).isEqualTo("looking into it");
        assertThat(seen.acknowledgedAt()).isNotNull();
        assertThat(seen.open()).isTrue();
        assertThat(alerts.acknowledge(Long.MAX_VALUE, "ops-anna", null)).isEmpty();
    }

    // --- The conditions, from the hub's own data ---------------------------------------------

    static final Instant KPI_NOW = Instant.parse("2031-06-15T12:00:00Z");

    String order(String channel, String name, Instant placedAt, Instant shipBy) {
        OrderSubmission submission = new OrderSubmission(channel, name + "-" + run, FulfilmentMode.MERCHANT, placedAt, shipBy, null,
                "EUR", null, new Address("A L E R T", "Street 1", null, "Utrecht", null, "3511 AA", "NL"),
                List.of(new OrderLine("1", "ALERT-A", 1, BigDecimal.TEN, BigDecimal.ZERO)));
        OrderService.IntakeResult result = orders.importOrder(submission);
        assertThat(result.refused()).isNull();
        return result.hubOrderId();
    }

    void shipAt(String hubOrderId, Instant at) {
        Shipments.Recorded parcel = shipments.record(hubOrderId, new Shipments.Request("UPS", null,
                "1Z999AA1" + String.format("%010d", Math.abs(hubOrderId.hashCode()) % 1_000_000_000L), at, null));
        jdbc.sql("UPDATE shipments SET recorded_at = :at WHERE shipment_id = :id").param("at", at.atOffset(ZoneOffset.UTC))
                .param("id", parcel.shipment().shipmentId()).update();
    }

    AlertConditions conditionsAt(Instant now, int kpiMinOrders) {
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        KpiThresholds thresholds = new KpiThresholds(Map.of("lsr", new KpiThresholds.Threshold(0.03, 0.04)), Map.of());
        Kpis kpis = new Kpis(facts, channels, reported, thresholds, clock, Duration.ZERO);
        AlertSettings these = new AlertSettings(kpiMinOrders, Duration.ofHours(4), settings.stockSyncLag(),
                new AlertSettings.Growth(Duration.ofMinutes(15), 3, 5), Duration.ZERO, null, null, null);
        return new AlertConditions(kpis, orders, stockSync, exceptions, health, channels, these, clock);
    }

    @Test
    void aLateShipmentRatePastItsThresholdIsAConditionOnceEnoughOrdersCount() {
        ledger.setOnHand("ALERT-A", "main", 1_000_000, "alert test", "test");
        for (int i = 0; i < 4; i++) {
            String id = order("b2b", "LSR-" + i, KPI_NOW.minus(Duration.ofDays(5)), KPI_NOW.minus(Duration.ofDays(3)));
            shipAt(id, KPI_NOW.minus(Duration.ofDays(i == 0 ? 2 : 4)));
        }
        List<AlertConditions.Condition> found = conditionsAt(KPI_NOW, 4).kpiConditions();
        assertThat(found).filteredOn(c -> c.kind().equals("kpi.lsr") && "b2b".equals(c.channel())).singleElement()
                .satisfies(c -> {
                    assertThat(c.severity()).isEqualTo("alert");
                    assertThat(c.value()).isEqualTo(0.25);
                    assertThat(c.threshold()).isEqualTo(0.04);
                    assertThat(c.valueText()).isEqualTo("1 of 4");
                    assertThat(c.title()).contains("Late Shipment Rate", "b2b", "25.0 %", "4.0 %");
                });
        assertThat(conditionsAt(KPI_NOW, 5).kpiConditions()).noneMatch(c -> c.kind().equals("kpi.lsr") && "b2b".equals(c.channel()));
    }

    @Test
    void ordersAboutToShipLateWarnAndOrdersPastTheirShipByAlert() {
        ledger.setOnHand("ALERT-A", "main", 1_000_000, "alert test", "test");
        Instant now = Instant.now();
        AlertConditions conditions = conditionsAt(now, 20);
        long before = conditions.shipLate(now).stream().filter(c -> "pos".equals(c.channel())).mapToLong(c -> c.value().longValue())
                .sum();
        List<String> made = new ArrayList<>();
        try {
            made.add(order("pos", "SOON", now.minus(Duration.ofHours(2)), now.plus(Duration.ofHours(3))));
            made.add(order("pos", "LATER", now.minus(Duration.ofHours(2)), now.plus(Duration.ofHours(30))));
            AlertConditions.Condition soon = conditions.shipLate(now).stream().filter(c -> "pos".equals(c.channel())).findFirst()
                    .orElseThrow();
            assertThat(soon.value().longValue()).isEqualTo(before + 1);
            assertThat(soon.kind()).isEqualTo(AlertConditions.SHIP_LATE);
            if (before == 0) {
                assertThat(soon.severity()).isEqualTo("warn");
            }
            made.add(order("pos", "PAST", now.minus(Duration.ofHours(5)), now.minus(Duration.ofMinutes(30))));
            AlertConditions.Condition past = conditions.shipLate(now).stream().filter(c -> "pos".equals(c.channel())).findFirst()
                    .orElseThrow();
            assertThat(past.value().longValue()).isEqualTo(before + 2);
            assertThat(past.severity()).isEqualTo("alert");
            assertThat(past.title()).contains("already past it");
        } finally {
            made.forEach(id -> orders.cancel(id, "alert test done"));
        }
    }

    @Test
    void messagesParkingFastAreAConditionAndAChannelDownIsOne() {
        Instant now = Instant.now();
        AlertConditions conditions = conditionsAt(now.plus(Duration.ofHours(1)), 20);
        assertThat(conditions.exceptionsGrowing(now.plus(Duration.ofHours(1)))).isEmpty();
        AlertConditions later = conditionsAt(now.plus(Duration.ofSeconds(1)), 20);
        long already = exceptions.openParkedSince(now.minus(Duration.ofMinutes(15)));
        List<Long> parked = new ArrayList<>();
        for (int i = 0; i < Math.max(0, 3 - already); i++) {
            parked.add(exceptions.park("alert-test:" + run, "test entry " + i, "{}"));
        }
        assertThat(later.exceptionsGrowing(now.plus(Duration.ofSeconds(1)))).hasValueSatisfying(c -> {
            assertThat(c.kind()).isEqualTo(AlertConditions.EXCEPTIONS_GROWING);
            assertThat(c.value()).isGreaterThanOrEqualTo(3.0);
        });
        parked.forEach(id -> exceptions.discard(id, "alert test done"));

        assertThat(health.down("manual", "orders-in", "test: the remote answered 503")).isTrue();
        try {
            assertThat(later.connectorsDown(now.plus(Duration.ofSeconds(1))))
                    .filteredOn(c -> "manual".equals(c.channel())).singleElement()
                    .satisfies(c -> {
                        assertThat(c.severity()).isEqualTo("alert");
                        assertThat(c.title()).contains("manual", "orders-in", "503");
                    });
        } finally {
            health.up("manual", "orders-in");
        }
        assertThat(later.connectorsDown(now)).noneMatch(c -> "manual".equals(c.channel()));
    }
}
