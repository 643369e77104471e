package dev.orderhub.kpi;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import dev.orderhub.channel.Channel;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.order.OrderFacts;
import dev.orderhub.order.TrackingNumbers;
import jakarta.annotation.PreDestroy;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Service;

/**
 * The marketplace KPIs the hub computes for every channel from its own data (Amazon's
 * definitions and targets: docs/kpis-and-alerts.md): Late Shipment Rate over 10 and 30 days,
 * pre-fulfilment Cancel Rate over 7 days, Valid Tracking Rate over 30 days, On-Time Delivery Rate
 * over 14 days (also per carrier), and the Order Defect Rate as far as the hub's data goes (it
 * has none: said so, and the marketplace's own figure shown where one was reported). Windows are
 * whole UTC days ending today; a day's history value is the window ending that day.
 */
@Service
@EnableConfigurationProperties(KpiThresholds.class)
public class Kpis implements KpiSource {

    /** The longest KPI window, in days. */
    static final int LONGEST = 30;

    /** One KPI as published: what it measures, over how many days, the target and which side is good. */
    public record Definition(String id, String name, int days, double target, boolean higherIsBetter, String basis) {
    }

    public static final List<Definition> DEFINITIONS = List.of(
            new Definition("lsr", "Late Shipment Rate (10 days)", 10, 0.04, false,
                    "seller-fulfilled orders whose ship-by fell in the window (and has passed), late when a parcel was "
                            + "confirmed to the channel after ship-by or units were still unshipped after it; orders cancelled "
                            + "before any parcel and orders without a ship-by are not counted"),
            new Definition("lsr-30d", "Late Shipment Rate (30 days)", 30, 0.04, false, "as the 10-day rate, over 30 days"),
            new Definition("cancel-rate", "Pre-fulfilment Cancel Rate", 7, 0.025, false,
                    "seller-fulfilled orders placed in the window that the seller cancelled before any parcel shipped; "
                            + "cancellations the buyer asked for and the channel's own are counted apart, not in the rate"),
            new Definition("vtr", "Valid Tracking Rate", 30, 0.95, true,
                    "parcels of seller-fulfilled orders shipped in the window whose tracking number has the format of a "
                            + "carrier the hub knows (an unknown carrier counts as not valid)"),
            new Definition("otdr", "On-Time Delivery Rate", 14, 0.90, true,
                    "parcels delivered in the window (a delivery event from the carrier, channel or a person) by the "
                            + "order's deliver-by; parcels of orders without a deliver-by are not counted"));

    /** The Order Defect Rate's definition: not computed by the hub. */
    public static final Definition ODR = new Definition("odr", "Order Defect Rate", 60, 0.01, false,
            "negative feedback, A-to-z claims and chargebacks: the hub receives none of these, so it does not compute "
                    + "the rate; a figure the marketplace reports is shown");

    /**
     * A KPI's value on one channel: the rate (null when nothing was measured), its counts, what was
     * left out, the thresholds in force ({@link KpiThresholds}) and which of them the rate crossed
     * ({@code state}: ok, warn, alert, or none when nothing was measured).
     */
    public record Kpi(String id, String name, String channel, Double rate, long numerator, long denominator, int days,
                      double target, boolean higherIsBetter, boolean meetsTarget, String basis, Map<String, Long> notCounted,
                      Reported reported, Double warnAt, Double alertAt, String state) {
    }

    /** A figure the marketplace itself reported for the seller. */
    public record Reported(double value, String period, Instant reportedAt) {
    }

    public record ChannelKpis(String channel, List<Kpi> kpis, Kpi odr) {
    }

    /** One day's value of a KPI (the window ending that day). */
    public record Day(LocalDate day, Double rate, long numerator, long denominator) {
    }

    /** A KPI's daily values on a channel, with the thresholds in force there. */
    public record History(String channel, Definition kpi, List<Day> days, Double warnAt, Double alertAt) {
    }

    public record CarrierDelivery(String carrier, long delivered, long onTime, long withoutDeliverBy, Double rate) {
    }

    private final OrderFacts facts;
    private final ChannelRegistry channels;
    private final ReportedKpis reported;
    private final KpiThresholds thresholds;
    private final Clock clock;
    private final Duration refresh;
    private final AtomicReference<Cached> cached = new AtomicReference<>();
    private final AtomicBoolean reading = new AtomicBoolean();
    private final ExecutorService rereads = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "kpi-reread");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param refresh how long the day counts, once read, are used again before the next read (KPI
     *                windows are days: a minute's delay is nothing, and a console page or an alert
     *                evaluation then costs no query); zero reads every time
     */
    public Kpis(OrderFacts facts, ChannelRegistry channels, ReportedKpis reported, KpiThresholds thresholds, Clock clock,
                @Value("${orderhub.kpi.refresh:60s}") Duration refresh) {
        this.facts = facts;
        this.channels = channels;
        this.reported = reported;
        this.thresholds = thresholds;
        this.clock = clock;
        this.refresh = refresh;
    }

    public static Optional<Definition> definition(String id) {
        return DEFINITIONS.stream().filter(d -> d.id().equals(id)).findFirst();
    }

    /** Every channel's KPIs now (one channel when given). */
    public List<ChannelKpis> current(String channel) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        Map<String, Map<String, Counts>> byKpi = new LinkedHashMap<>();
        Map<String, Long> withoutShipBy = new TreeMap<>();
        Map<String, long[]> cancelledApart = new TreeMap<>();
        Map<String, Long> withoutDeliverBy = new TreeMap<>();
        for (Definition definition : DEFINITIONS) {
            byKpi.put(definition.id(), new TreeMap<>());
        }
        Buckets buckets = buckets(today, LONGEST);
        for (Definition definition : DEFINITIONS) {
            LocalDate first = today.minusDays(definition.days() - 1);
            buckets.of(definition.id()).forEach((key, perDay) -> perDay.forEach((day, counts) -> {
                if (!day.isBefore(first) && !day.isAfter(today)) {
                    byKpi.get(definition.id()).merge(key, counts, Counts::plus);
                }
            }));
        }
        LocalDate lsrFirst = today.minusDays(9);
        buckets.withoutShipBy.forEach(t -> {
            if (!t.day().isBefore(lsrFirst)) {
                withoutShipBy.merge(t.channel(), t.total(), Long::sum);
            }
        });
        LocalDate cancelFirst = today.minusDays(6);
        buckets.cancellations.forEach(t -> {
            if (!t.day().isBefore(cancelFirst)) {
                cancelledApart.merge(t.channel(), new long[] {t.other(), t.more()}, (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
            }
        });
        LocalDate deliveryFirst = today.minusDays(13);
        buckets.deliveries.forEach(t -> {
            if (!t.day().isBefore(deliveryFirst)) {
                withoutDeliverBy.merge(t.channel(), t.other(), Long::sum);
            }
        });
        List<ChannelKpis> result = new ArrayList<>();
        for (Channel c : channels.channels()) {
            if (channel != null && !channel.equals(c.id())) {
                continue;
            }
            Map<String, Reported> figures = reported.of(c.id());
            List<Kpi> kpis = new ArrayList<>();
            for (Definition definition : DEFINITIONS) {
                Counts counts = byKpi.get(definition.id()).getOrDefault(c.id(), Counts.NONE);
                Map<String, Long> apart = new LinkedHashMap<>();
                if (definition.id().startsWith("lsr")) {
                    apart.put("withoutShipBy", withoutShipBy.getOrDefault(c.id(), 0L));
                } else if (definition.id().equals("cancel-rate")) {
                    long[] a = cancelledApart.getOrDefault(c.id(), new long[2]);
                    apart.put("cancelledAtBuyersRequest", a[0]);
                    apart.put("cancelledByChannel", a[1]);
                } else if (definition.id().equals("otdr")) {
                    apart.put("withoutDeliverBy", withoutDeliverBy.getOrDefault(c.id(), 0L));
                }
                kpis.add(kpi(definition, c.id(), counts, apart, figures.get(definition.id()),
                        thresholds.of(c.id(), definition.id()).orElse(null)));
            }
            Reported odr = figures.get("odr");
            result.add(new ChannelKpis(c.id(), kpis, new Kpi(ODR.id(), ODR.name(), c.id(), null, 0, 0, ODR.days(), ODR.target(),
                    false, odr != null && odr.value() < ODR.target(), ODR.basis(), Map.of(), odr, null, null, "none")));
        }
        return result;
    }

    @Override
    public List<KpiReading> readings() {
        List<KpiReading> readings = new ArrayList<>();
        for (ChannelKpis channel : current(null)) {
            for (Kpi kpi : channel.kpis()) {
                readings.add(new KpiReading(channel.channel(), kpi.id(), kpi.rate(), kpi.numerator(), kpi.denominator(),
                        kpi.days() + "d"));
            }
        }
        return readings;
    }

    /** A KPI's value for each of the last {@code days} days on a channel, each over the window ending that day. */
    public History history(String channel, Definition kpi, int days) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        return history(buckets(today, days + LONGEST), today, channel, kpi, days);
    }

    /** Every KPI's history on a channel over the last {@code days} days, from one read of the day counts. */
    public List<History> histories(String channel, int days) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        Buckets buckets = buckets(today, days + LONGEST);
        return DEFINITIONS.stream().map(d -> history(buckets, today, channel, d, days)).toList();
    }

    private History history(Buckets buckets, LocalDate today, String channel, Definition kpi, int days) {
        Map<LocalDate, Counts> perDay = buckets.of(kpi.id()).getOrDefault(channel, Map.of());
        List<Day> series = new ArrayList<>();
        for (LocalDate day = today.minusDays(days - 1); !day.isAfter(today); day = day.plusDays(1)) {
            Counts sum = Counts.NONE;
            for (LocalDate d = day.minusDays(kpi.days() - 1); !d.isAfter(day); d = d.plusDays(1)) {
                sum = sum.plus(perDay.getOrDefault(d, Counts.NONE));
            }
            series.add(new Day(day, sum.rate(), sum.hits(), sum.denominator()));
        }
        KpiThresholds.Threshold threshold = thresholds.of(channel, kpi.id()).orElse(null);
        return new History(channel, kpi, series, threshold == null ? null : threshold.warn(),
                threshold == null ? null : threshold.alert());
    }

    /** On-time delivery per carrier over the last 14 days, all channels (one when given). */
    public List<CarrierDelivery> carriers(String channel) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate first = today.minusDays(13);
        Map<String, long[]> byCarrier = new TreeMap<>();
        for (OrderFacts.Tally t : buckets(today, LONGEST).deliveries) {
            if (t.day().isBefore(first) || (channel != null && !channel.equals(t.channel()))) {
                continue;
            }
            String carrier = Optional.ofNullable(TrackingNumbers.carrier(t.carrier())).orElse(t.carrier());
            byCarrier.merge(carrier, new long[] {t.total(), t.counted(), t.other()},
                    (a, b) -> new long[] {a[0] + b[0], a[1] + b[1], a[2] + b[2]});
        }
        List<CarrierDelivery> result = new ArrayList<>();
        byCarrier.forEach((carrier, n) -> {
            long measured = n[0] - n[2];
            result.add(new CarrierDelivery(carrier, n[0], n[1], n[2], measured == 0 ? null : (double) n[1] / measured));
        });
        return result;
    }

    private static Kpi kpi(Definition d, String channel, Counts counts, Map<String, Long> apart, Reported reported,
                           KpiThresholds.Threshold threshold) {
        Double rate = counts.rate();
        boolean meets = rate == null || (d.higherIsBetter() ? rate >= d.target() : rate < d.target());
        Double warn = threshold == null ? null : threshold.warn();
        Double alert = threshold == null ? null : threshold.alert();
        String state = rate == null ? "none" : crossed(d, rate, alert) ? "alert" : crossed(d, rate, warn) ? "warn" : "ok";
        return new Kpi(d.id(), d.name(), channel, rate, counts.hits(), counts.denominator(), d.days(),
                d.target(), d.higherIsBetter(), meets, d.basis(), apart, reported, warn, alert, state);
    }

    /** Whether a rate is on the bad side of a threshold (at or above it where lower is better; below it where higher is). */
    public static boolean crossed(Definition d, double rate, Double threshold) {
        return threshold != null && (d.higherIsBetter() ? rate < threshold : rate >= threshold);
    }

    /** A day's counts: the orders or parcels the rate counts (late, cancelled, valid, on time) out of {@code denominator}. */
    private record Counts(long hits, long denominator) {

        static final Counts NONE = new Counts(0, 0);

        Counts plus(Counts other) {
            return new Counts(hits + other.hits, denominator + other.denominator);
        }

        Double rate() {
            return denominator == 0 ? null : (double) hits / denominator;
        }
    }

    /** The per-day counts of every KPI over [today - days + 1, today], from one query per measure. */
    private final class Buckets {

        final Map<String, Map<String, Map<LocalDate, Counts>>> perKpi = new LinkedHashMap<>();
        List<OrderFacts.Tally> withoutShipBy;
        List<OrderFacts.Tally> cancellations;
        List<OrderFacts.Tally> deliveries;

        Map<String, Map<LocalDate, Counts>> of(String kpi) {
            return perKpi.getOrDefault(kpi.equals("lsr-30d") ? "lsr" : kpi, Map.of());
        }

        void put(String kpi, List<OrderFacts.Tally> tallies, Function<OrderFacts.Tally, Counts> counts) {
            Map<String, Map<LocalDate, Counts>> byChannel = perKpi.computeIfAbsent(kpi, k -> new TreeMap<>());
            for (OrderFacts.Tally t : tallies) {
                byChannel.computeIfAbsent(t.channel(), k -> new TreeMap<>()).merge(t.day(), counts.apply(t), Counts::plus);
            }
        }
    }

    /**
     * The day counts of the last {@code days} days, covering the longest request since. Read at
     * most once per {@code refresh}: past it, the last counts are answered once more while one
     * background read replaces them, so no page waits for the counts except the first of a day
     * (or of a longer span than read so far).
     */
    private Buckets buckets(LocalDate today, int days) {
        Instant now = clock.instant();
        Cached hit = cached.get();
        boolean covers = hit != null && hit.today().equals(today) && hit.days() >= days;
        if (covers && now.isBefore(hit.readAt().plus(refresh))) {
            return hit.buckets();
        }
        int span = Math.max(days, hit != null && hit.today().equals(today) ? hit.days() : 0);
        if (covers && !refresh.isZero()) {
            if (reading.compareAndSet(false, true)) {
                rereads.execute(() -> {
                    try {
                        Instant at = clock.instant();
                        cached.set(new Cached(today, span, at, read(today, span, at)));
                    } finally {
                        reading.set(false);
                    }
                });
            }
            return hit.buckets();
        }
        Buckets read = read(today, span, now);
        cached.set(new Cached(today, span, now, read));
        return read;
    }

    @PreDestroy
    void stop() {
        rereads.shutdownNow();
    }

    private record Cached(LocalDate today, int days, Instant readAt, Buckets buckets) {
    }

    private Buckets read(LocalDate today, int days, Instant now) {
        Instant from = today.minusDays(days - 1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Buckets buckets = new Buckets();
        buckets.put("lsr", facts.lateShipments(from, to, now), t -> new Counts(t.counted(), t.total()));
        buckets.cancellations = facts.cancellations(from, to);
        buckets.put("cancel-rate", buckets.cancellations, t -> new Counts(t.counted(), t.total()));
        buckets.put("vtr", facts.validTracking(from, to), t -> new Counts(t.counted(), t.total()));
        buckets.deliveries = facts.deliveries(from, to);
        buckets.put("otdr", buckets.deliveries, t -> new Counts(t.counted(), t.total() - t.other()));
        buckets.withoutShipBy = facts.withoutShipBy(from, to);
        return buckets;
    }
}
