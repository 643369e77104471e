package dev.orderhub.kpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.inventory.StockLedger;
import dev.orderhub.order.Address;
import dev.orderhub.order.CancelledBy;
import dev.orderhub.order.FulfilmentMode;
import dev.orderhub.order.InvalidShipmentException;
import dev.orderhub.order.OrderFacts;
import dev.orderhub.order.OrderLine;
import dev.orderhub.order.OrderService;
import dev.orderhub.order.OrderStatus;
import dev.orderhub.order.OrderSubmission;
import dev.orderhub.order.Shipments;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The KPIs against hand-made order histories with known answers, on the real database (H2 and
 * PostgreSQL subclasses). The orders are imported, shipped, cancelled and delivered through the
 * hub's services; where a KPI depends on when the hub or the channel took note of something
 * (a parcel recorded, a confirmation accepted) that time is set on the row. "Now" is fixed far
 * from every other test's orders (2030), so nothing else falls in the windows.
 */
abstract class KpiContract {

    static final Instant NOW = Instant.parse("2030-01-15T12:00:00Z");
    /** LSR warns at 50 % and alerts at 70 % everywhere; the b2b channel alerts on its cancel rate from 10 %. */
    static final KpiThresholds THRESHOLDS = new KpiThresholds(
            Map.of("lsr", new KpiThresholds.Threshold(0.5, 0.7), "vtr", new KpiThresholds.Threshold(0.96, 0.95)),
            Map.of("b2b", new KpiThresholds.ChannelThresholds(Map.of("cancel-rate", new KpiThresholds.Threshold(null, 0.1)))));

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
    JdbcClient jdbc;

    Kpis kpis;
    String run;

    @BeforeEach
    void setUp() {
        run = UUID.randomUUID().toString().substring(0, 6);
        kpis = new Kpis(facts, channels, reported, THRESHOLDS, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ZERO);
        ledger.setOnHand("KPI-A", "main", 1_000_000, "kpi test", "test");
        ledger.setOnHand("KPI-B", "main", 1_000_000, "kpi test", "test");
    }

    /** Imports an order and answers its hub id. */
    String order(String channel, String name, FulfilmentMode mode, Instant placedAt, Instant shipBy, Instant deliverBy, int lines) {
        List<OrderLine> items = lines == 1
                ? List.of(new OrderLine("1", "KPI-A", 1, BigDecimal.TEN, BigDecimal.ZERO))
                : List.of(new OrderLine("1", "KPI-A", 1, BigDecimal.TEN, BigDecimal.ZERO),
                new OrderLine("2", "KPI-B", 1, BigDecimal.TEN, BigDecimal.ZERO));
        OrderSubmission submission = new OrderSubmission(channel, name + "-" + run, mode, placedAt, shipBy, deliverBy, "EUR", null,
                new Address("K P I", "Street 1", null, "Utrecht", null, "3511 AA", "NL"), items);
        OrderService.IntakeResult result = orders.importOrder(submission);
        assertThat(result.refused()).isNull();
        return result.hubOrderId();
    }

    String order(String channel, String name, Instant shipBy) {
        return order(channel, name, FulfilmentMode.MERCHANT, NOW.minus(Duration.ofDays(4)), shipBy, null, 1);
    }

    /** A parcel recorded by the hub at {@code recordedAt}. */
    String ship(String hubOrderId, String carrier, String tracking, Instant shippedAt, Instant recordedAt, String line) {
        Shipments.Recorded parcel = shipments.record(hubOrderId, new Shipments.Request(carrier, null, tracking, shippedAt,
                line == null ? null : List.of(new Shipments.Line(line, 1))));
        jdbc.sql("UPDATE shipments SET recorded_at = :at WHERE shipment_id = :id").param("at", recordedAt.atOffset(ZoneOffset.UTC))
                .param("id", parcel.shipment().shipmentId()).update();
        return parcel.shipment().shipmentId();
    }

    static Instant days(double n) {
        return NOW.plusSeconds((long) (n * 86_400));
    }

    Kpis.Kpi kpi(String channel, String id) {
        return kpis.current(channel).get(0).kpis().stream().filter(k -> k.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void lateShipmentRateCountsLateConfirmationsAndUnshippedUnitsAfterShipBy() {
        String onTime = order("webshop", "A", days(-2));
        ship(onTime, "UPS", "1Z999AA10123456784", days(-3), days(-3), null);
        String late = order("webshop", "B", days(-2));
        ship(late, "UPS", "1Z999AA10123456785", days(-1.5), days(-1), null);
        String partial = order("webshop", "C", FulfilmentMode.MERCHANT, days(-4), days(-1), null, 2);
        ship(partial, "UPS", "1Z999AA10123456786", days(-2), days(-2), "1");
        String unshipped = order("webshop", "D", days(-1));
        order("webshop", "E-not-due", days(1));
        String cancelled = order("webshop", "F-cancelled", days(-3));
        orders.cancel(cancelled, "out of stock", CancelledBy.SELLER);
        order("webshop", "G-no-ship-by", FulfilmentMode.MERCHANT, days(-2), null, null, 1);
        order("webshop", "H-fba", FulfilmentMode.CHANNEL, days(-4), days(-2), null, 1);
        String old = order("webshop", "I-old", FulfilmentMode.MERCHANT, days(-25), days(-20), null, 1);
        ship(old, "UPS", "1Z999AA10123456787", days(-19), days(-19), null);
        // Recorded before ship-by, but the channel accepted the confirmation only after it.
        String confirmedLate = order("webshop", "J", days(-2));
        String parcel = ship(confirmedLate, "UPS", "1Z999AA10123456788", days(-3), days(-3), null);
        jdbc.sql("INSERT INTO channel_confirmations (shipment_id, channel, status, attempts, next_attempt_at, confirmed_at) "
                        + "VALUES (:id, 'webshop', 'CONFIRMED', 2, :at, :at)")
                .param("id", parcel).param("at", days(-1.9).atOffset(ZoneOffset.UTC)).update();
        // Window edges: a ship-by on the first day of the 10-day window counts, the day before does not.
        LocalDate today = LocalDate.ofInstant(NOW, ZoneOffset.UTC);
        String firstDay = order("webshop", "K-first-day", FulfilmentMode.MERCHANT, days(-12),
                today.minusDays(9).atStartOfDay(ZoneOffset.UTC).toInstant(), null, 1);
        ship(firstDay, "UPS", "1Z999AA10123456789", days(-11), days(-11), null);
        String dayBefore = order("webshop", "L-day-before", FulfilmentMode.MERCHANT, days(-12),
                today.minusDays(9).atStartOfDay(ZoneOffset.UTC).toInstant().minusSeconds(1), null, 1);
        assertThat(orders.find(unshipped).orElseThrow().status()).isEqualTo(OrderStatus.RESERVED);
        assertThat(orders.find(dayBefore).orElseThrow().status()).isEqualTo(OrderStatus.RESERVED);

        Kpis.Kpi lsr = kpi("webshop", "lsr");
        // due: A, B, C, D, J, K (F cancelled before shipping, E not due, G without ship-by, H FBA, I and L too old)
        assertThat(lsr.denominator()).isEqualTo(6);
        // late: B (recorded after ship-by), C (a unit unshipped), D (unshipped), J (confirmed after ship-by)
        assertThat(lsr.numerator()).isEqualTo(4);
        assertThat(lsr.rate()).isEqualTo(4.0 / 6);
        assertThat(lsr.meetsTarget()).isFalse();
        assertThat(lsr.notCounted()).containsEntry("withoutShipBy", 1L);
        assertThat(lsr.warnAt()).isEqualTo(0.5);
        assertThat(lsr.state()).as("4/6 crossed the warn threshold (50 %), not the alert one (70 %)").isEqualTo("warn");
        Kpis.Kpi lsr30 = kpi("webshop", "lsr-30d");
        assertThat(lsr30.denominator()).as("I and L are in the 30 days").isEqualTo(8);
        assertThat(lsr30.numerator()).as("I recorded a day after its ship-by, L unshipped past it").isEqualTo(6);

        Kpis.History history = kpis.history("webshop", Kpis.definition("lsr").orElseThrow(), 3);
        assertThat(history.days()).hasSize(3);
        assertThat(history.alertAt()).isEqualTo(0.7);
        assertThat(kpis.histories("webshop", 3)).filteredOn(h -> h.kpi().id().equals("lsr")).singleElement()
                .isEqualTo(history);
        assertThat(history.days().get(2).day()).isEqualTo(today);
        assertThat(history.days().get(2).rate()).isEqualTo(lsr.rate());
        // The window ending two days ago (its 10 days start a day earlier): A, B, J (ship-by two days ago), K and L;
        // C and D's ship-by, yesterday, lies after it.
        assertThat(history.days().get(0).denominator()).isEqualTo(5);
        assertThat(history.days().get(0).numerator()).as("B, J and L").isEqualTo(3);
    }

    @Test
    void cancelRateCountsTheSellersCancellationsBeforeShipmentOnly() {
        String seller = order("b2b", "K", days(1));
        orders.cancel(seller, "cannot fulfil", CancelledBy.SELLER);
        String buyer = order("b2b", "L", days(1));
        orders.cancel(buyer, "buyer asked", CancelledBy.BUYER);
        String channel = order("b2b", "M", days(1));
        orders.cancel(channel, "marketplace cancelled", true);
        order("b2b", "N", days(1));
        String old = order("b2b", "O", FulfilmentMode.MERCHANT, days(-10), days(-9), null, 1);
        orders.cancel(old, "long ago", CancelledBy.SELLER);
        String partial = order("b2b", "P", FulfilmentMode.MERCHANT, days(-4), days(1), null, 2);
        ship(partial, "DHL", "JVGL01234567890123456", days(-3), days(-3), "1");
        orders.cancel(partial, "rest not available", CancelledBy.SELLER);
        order("b2b", "Q-fba", FulfilmentMode.CHANNEL, days(-4), days(1), null, 1);

        Kpis.Kpi rate = kpi("b2b", "cancel-rate");
        assertThat(rate.denominator()).as("K L M N P placed in the 7 days, seller-fulfilled").isEqualTo(5);
        assertThat(rate.numerator()).as("only K: P had shipped a parcel, L and M were not the seller's").isEqualTo(1);
        assertThat(rate.rate()).isEqualTo(0.2);
        assertThat(rate.notCounted()).containsEntry("cancelledAtBuyersRequest", 1L).containsEntry("cancelledByChannel", 1L);
        assertThat(rate.alertAt()).as("b2b's own threshold").isEqualTo(0.1);
        assertThat(rate.state()).isEqualTo("alert");
        assertThat(kpi("webshop", "cancel-rate").alertAt()).as("no hub-wide cancel-rate threshold in this test").isNull();
        assertThat(jdbc.sql("SELECT cancelled_by FROM orders WHERE hub_order_id = :id").param("id", channel).query(String.class).single())
                .isEqualTo("CHANNEL");
    }

    @Test
    void validTrackingAndOnTimeDeliveryPerChannelAndCarrier() {
        String ups = order("pos", "V1", FulfilmentMode.MERCHANT, days(-3), days(-2), days(0), 1);
        String upsParcel = ship(ups, "ups", "1Z 999 AA1 0123456784", days(-1), days(-1), null);
        String dhl = order("pos", "V2", FulfilmentMode.MERCHANT, days(-3), days(-2), days(-2), 1);
        String dhlParcel = ship(dhl, "DHL", "JVGL01234567890123456", days(-1), days(-1), null);
        String unknown = order("pos", "V3", FulfilmentMode.MERCHANT, days(-3), days(-2), null, 1);
        String unknownParcel = ship(unknown, "Speedy Parcels", "SP123456", days(-1), days(-1), null);
        String malformed = order("pos", "V4", FulfilmentMode.MERCHANT, days(-3), days(-2), days(0), 1);
        String malformedParcel = ship(malformed, "UPS", "12345", days(-1), days(-1), null);

        Kpis.Kpi vtr = kpi("pos", "vtr");
        assertThat(vtr.denominator()).isEqualTo(4);
        assertThat(vtr.numerator()).as("UPS and DHL in their formats; an unknown carrier and a malformed number are not valid")
                .isEqualTo(2);
        assertThat(vtr.rate()).isEqualTo(0.5);
        assertThat(vtr.state()).as("higher is better: 50 % is below the alert threshold of 95 %").isEqualTo("alert");

        assertThat(shipments.delivered(ups, upsParcel, days(-0.5)).orderStatus()).isEqualTo(OrderStatus.DELIVERED);
        shipments.delivered(dhl, dhlParcel, days(-0.1));
        shipments.delivered(unknown, unknownParcel, days(-0.2));
        assertThat(shipments.delivered(ups, upsParcel, days(-0.5)).recorded()).as("the same delivery again").isFalse();
        assertThatThrownBy(() -> shipments.delivered(ups, upsParcel, days(-0.4))).isInstanceOf(InvalidShipmentException.class);
        assertThatThrownBy(() -> shipments.delivered(malformed, malformedParcel, days(-5))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("deliveredAt:");

        Kpis.Kpi otdr = kpi("pos", "otdr");
        assertThat(otdr.denominator()).as("UPS and DHL; the unknown carrier's order has no deliver-by").isEqualTo(2);
        assertThat(otdr.numerator()).as("UPS delivered by its deliver-by, DHL two days late").isEqualTo(1);
        assertThat(otdr.notCounted()).containsEntry("withoutDeliverBy", 1L);
        Map<String, Kpis.CarrierDelivery> carriers = new java.util.TreeMap<>();
        kpis.carriers("pos").forEach(c -> carriers.put(c.carrier(), c));
        assertThat(carriers.get("UPS").rate()).isEqualTo(1.0);
        assertThat(carriers.get("DHL").rate()).isEqualTo(0.0);
        assertThat(carriers.get("Speedy Parcels").rate()).isNull();
        assertThat(carriers.get("Speedy Parcels").withoutDeliverBy()).isEqualTo(1);
    }

    @Test
    void dayCountsAreReadOncePerRefreshAndTheReportedFiguresEveryTime() {
        Kpis cachedKpis = new Kpis(facts, channels, reported, THRESHOLDS, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(1));
        order("pos", "R1", days(-1));
        long before = cachedKpis.current("pos").get(0).kpis().get(0).denominator();
        order("pos", "R2", days(-1));
        reported.record("pos", "lsr", 0.02, "10d", NOW);
        Kpis.Kpi lsr = cachedKpis.current("pos").get(0).kpis().get(0);
        assertThat(lsr.denominator()).as("the second order is counted at the next read, within a minute").isEqualTo(before);
        assertThat(lsr.reported().value()).as("a reported figure shows at once").isEqualTo(0.02);
        assertThat(kpis.current("pos").get(0).kpis().get(0).denominator()).as("refresh 0: read every time").isEqualTo(before + 1);

        // Past the refresh the last counts answer once more while a background read replaces them.
        MovingClock clock = new MovingClock(NOW);
        Kpis rereading = new Kpis(facts, channels, reported, THRESHOLDS, clock, Duration.ofMinutes(1));
        assertThat(rereading.current("pos").get(0).kpis().get(0).denominator()).isEqualTo(before + 1);
        order("pos", "R3", days(-1));
        clock.now = NOW.plusSeconds(61);
        assertThat(rereading.current("pos").get(0).kpis().get(0).denominator()).as("stale, not waited for").isEqualTo(before + 1);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> rereading.current("pos").get(0).kpis().get(0).denominator() == before + 2);
    }

    /** A clock a test moves. */
    static final class MovingClock extends Clock {

        volatile Instant now;

        MovingClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aChannelWithoutOrdersHasNoRatesAndTheMarketplacesOwnFigureIsShownBeside() {
        Kpis.ChannelKpis manual = kpis.current("manual").get(0);
        assertThat(manual.kpis()).allSatisfy(k -> assertThat(k.rate()).as(k.id()).isNull());
        assertThat(manual.odr().rate()).as("the hub has no feedback or claims").isNull();
        reported.record("manual", "odr", 0.004, "60d", NOW.minus(Duration.ofDays(1)));
        reported.record("manual", "lsr", 0.031, "10d", NOW.minus(Duration.ofDays(1)));
        manual = kpis.current("manual").get(0);
        assertThat(manual.odr().reported().value()).isEqualTo(0.004);
        assertThat(manual.odr().meetsTarget()).isTrue();
        assertThat(manual.kpis().get(0).reported().value()).isEqualTo(0.031);
        assertThat(kpis.readings()).anySatisfy(r -> {
            assertThat(r.channel()).isEqualTo("manual");
            assertThat(r.kpi()).isEqualTo("lsr");
            assertThat(r.rate()).isNull();
        });
    }
}
