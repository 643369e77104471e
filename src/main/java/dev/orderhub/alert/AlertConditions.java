package dev.orderhub.alert;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.orderhub.channel.Channel;
import dev.orderhub.channel.ChannelHealth;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.kpi.Kpis;
import dev.orderhub.messaging.ExceptionStore;
import dev.orderhub.order.OrderService;
import dev.orderhub.privacy.Redaction;
import dev.orderhub.stocksync.StockSync;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The conditions that hold now, each as it would be raised: KPIs past their thresholds, orders
 * at risk of shipping late, stock sync lagging, exceptions piling up, channels down. Each kind
 * is read on its own; one that cannot be read (the database briefly away) is left out of
 * {@link Reading#kinds()}, so its open alerts are neither raised again nor cleared.
 */
@Component
public class AlertConditions {

    public static final String KPI_PREFIX = "kpi.";
    public static final String SHIP_LATE = "orders.ship_late_risk";
    public static final String STOCK_SYNC_LAG = "stock_sync.lag";
    public static final String EXCEPTIONS_GROWING = "exceptions.growing";
    public static final String CONNECTOR_DOWN = "connector.down";
    public static final String RULES_INVALID = "routing.rules_invalid";
    private static final Logger LOG = LoggerFactory.getLogger(AlertConditions.class);
    private static final java.time.format.DateTimeFormatter SINCE =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(java.time.ZoneOffset.UTC);

    /** A condition that holds, as its alert would show it. */
    public record Condition(String kind, String channel, String subject, String severity, String title, Double value,
                            String valueText, Double threshold) {

        String key() {
            return Alert.key(kind, channel, subject);
        }
    }

    /** What was read: the conditions that hold, and the kinds read (a kind not read keeps its alerts as they are). */
    public record Reading(List<Condition> conditions, Set<String> kinds) {

        boolean read(String kind) {
            return kinds.contains(kind) || kind.startsWith(KPI_PREFIX) && kinds.contains(KPI_PREFIX);
        }
    }

    private final Kpis kpis;
    private final OrderService orders;
    private final StockSync stockSync;
    private final ExceptionStore exceptions;
    private final ChannelHealth health;
    private final ChannelRegistry channels;
    private final AlertSettings settings;
    private final Clock clock;
    private final dev.orderhub.routing.RoutingRules routingRules;

    public AlertConditions(Kpis kpis, OrderService orders, StockSync stockSync, ExceptionStore exceptions, ChannelHealth health,
                           ChannelRegistry channels, AlertSettings settings, Clock clock) {
        this(kpis, orders, stockSync, exceptions, health, channels, settings, clock, null);
    }

    @org.springframework.beans.factory.annotation.Autowired
    public AlertConditions(Kpis kpis, OrderService orders, StockSync stockSync, ExceptionStore exceptions, ChannelHealth health,
                           ChannelRegistry channels, AlertSettings settings, Clock clock,
                           dev.orderhub.routing.RoutingRules routingRules) {
        this.routingRules = routingRules;
        this.kpis = kpis;
        this.orders = orders;
        this.stockSync = stockSync;
        this.exceptions = exceptions;
        this.health = health;
        this.channels = channels;
        this.settings = settings;
        this.clock = clock;
    }

    public Reading read() {
        Instant now = clock.instant();
        List<Condition> conditions = new ArrayList<>();
        Set<String> kinds = new LinkedHashSet<>();
        read(KPI_PREFIX, kinds, () -> conditions.addAll(kpiConditions()));
        read(SHIP_LATE, kinds, () -> conditions.addAll(shipLate(now)));
        read(STOCK_SYNC_LAG, kinds, () -> conditions.addAll(stockSyncLag(now)));
        read(EXCEPTIONS_GROWING, kinds, () -> exceptionsGrowing(now).ifPresent(conditions::add));
        read(CONNECTOR_DOWN, kinds, () -> conditions.addAll(connectorsDown(now)));
        if (routingRules != null) {
            read(RULES_INVALID, kinds, () -> rulesInvalid().ifPresent(conditions::add));
        }
        return new Reading(conditions, kinds);
    }

    private static void read(String kind, Set<String> kinds, Runnable reader) {
        try {
            reader.run();
            kinds.add(kind);
        } catch (RuntimeException e) {
            LOG.warn("alerts: could not read {} ({}); its alerts stay as they are until the next evaluation", kind,
                    Redaction.describe(e));
        }
    }

    List<Condition> kpiConditions() {
        List<Condition> found = new ArrayList<>();
        for (Kpis.ChannelKpis channel : kpis.current(null)) {
            for (Kpis.Kpi kpi : channel.kpis()) {
                if (kpi.rate() == null || kpi.denominator() < settings.kpiMinOrders()
                        || !(Alert.WARN.equals(kpi.state()) || Alert.ALERT.equals(kpi.state()))) {
                    continue;
                }
                Double threshold = Alert.ALERT.equals(kpi.state()) ? kpi.alertAt() : kpi.warnAt();
                found.add(new Condition(KPI_PREFIX + kpi.id(), channel.channel(), null, kpi.state(),
                        kpi.name() + " on " + channel.channel() + " is " + percent(kpi.rate()) + " over " + kpi.days()
                                + " days (" + kpi.state() + (kpi.higherIsBetter() ? " below " : " at ") + percent(threshold) + ")",
                        kpi.rate(), kpi.numerator() + " of " + kpi.denominator(), threshold));
            }
        }
        return found;
    }

    List<Condition> shipLate(Instant now) {
        Map<String, Long> soon = orders.atRisk(now.plus(settings.shipLateLead()));
        Map<String, Long> late = orders.atRisk(now);
        List<Condition> found = new ArrayList<>();
        soon.forEach((channel, count) -> {
            long past = late.getOrDefault(channel, 0L);
            if (count > 0) {
                String hours = human(settings.shipLateLead());
                found.add(new Condition(SHIP_LATE, channel, null, past > 0 ? Alert.ALERT : Alert.WARN,
                        count + (count == 1 ? " order" : " orders") + " on " + channel + " not shipped with the ship-by within "
                                + hours + (past > 0 ? " (" + past + " already past it)" : ""),
                        (double) count, count + " at risk, " + past + " past ship-by", null));
            }
        });
        return found;
    }

    List<Condition> stockSyncLag(Instant now) {
        List<Condition> found = new ArrayList<>();
        for (StockSync.ChannelSummary sync : stockSync.summary()) {
            if (sync.oldestPendingSince() == null) {
                continue;
            }
            Duration lag = Duration.between(sync.oldestPendingSince(), now);
            if (lag.compareTo(settings.stockSyncLag().warn()) < 0) {
                continue;
            }
            boolean alert = lag.compareTo(settings.stockSyncLag().alert()) >= 0;
            Duration threshold = alert ? settings.stockSyncLag().alert() : settings.stockSyncLag().warn();
            found.add(new Condition(STOCK_SYNC_LAG, sync.channel(), null, alert ? Alert.ALERT : Alert.WARN,
                    "Stock sync to " + sync.channel() + " lags " + human(lag) + " (" + sync.pending() + " values waiting"
                            + (sync.failing() > 0 ? ", " + sync.failing() + " failing" : "") + ")",
                    (double) lag.toSeconds(), human(lag), (double) threshold.toSeconds()));
        }
        return found;
    }

    Optional<Condition> exceptionsGrowing(Instant now) {
        AlertSettings.Growth growth = settings.exceptions();
        long recent = exceptions.openParkedSince(now.minus(growth.window()));
        if (recent < growth.warn()) {
            return Optional.empty();
        }
        boolean alert = recent >= growth.alert();
        return Optional.of(new Condition(EXCEPTIONS_GROWING, null, null, alert ? Alert.ALERT : Alert.WARN,
                recent + " messages parked in the last " + human(growth.window()) + " and still open",
                (double) recent, recent + " in " + human(growth.window()), (double) (alert ? growth.alert() : growth.warn())));
    }

    List<Condition> connectorsDown(Instant now) {
        List<Condition> found = new ArrayList<>();
        for (Channel channel : channels.channels()) {
            health.problem(channel.id()).ifPresent(problem -> {
                Duration down = Duration.between(problem.since(), now);
                if (down.compareTo(settings.connectorDownAfter()) >= 0) {
                    found.add(new Condition(CONNECTOR_DOWN, channel.id(), null, Alert.ALERT,
                            "Channel " + channel.id() + " is down (" + problem.flow() + "): " + problem.reason(),
                            null, "down since " + SINCE.format(problem.since()), null));
                }
            });
        }
        return found;
    }

    /** config/rules.yaml changed into something invalid: the first problem names the rule and field; the old rules stay. */
    Optional<Condition> rulesInvalid() {
        return routingRules.problem().map(p -> new Condition(RULES_INVALID, null, null, Alert.ALERT,
                "config/rules.yaml is not valid, " + routingRules.current().map(r -> "version " + r.version() + " stays in force")
                        .orElse("no rules are in force") + ": " + p.problems().get(0)
                        + (p.problems().size() > 1 ? " (and " + (p.problems().size() - 1) + " more)" : ""),
                (double) p.problems().size(), String.join("; ", p.problems()), null));
    }

    static String percent(Double rate) {
        return rate == null ? "–" : String.format(Locale.ROOT, "%.1f %%", rate * 100);
    }

    static String human(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return s / 60 + " min";
        }
        return s / 3600 + " h" + (s % 3600 >= 60 ? " " + s % 3600 / 60 + " min" : "");
    }
}
