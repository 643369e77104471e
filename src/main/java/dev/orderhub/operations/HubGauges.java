package dev.orderhub.operations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.orderhub.channel.Channel;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.connector.manifest.ConnectorManifest;
import dev.orderhub.connector.manifest.ConnectorManifests;
import dev.orderhub.messaging.ExceptionStore;
import dev.orderhub.messaging.Outbox;
import dev.orderhub.order.OrderService;
import dev.orderhub.order.OrderStatus;
import dev.orderhub.alert.Alert;
import dev.orderhub.alert.Alerts;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

/**
 * The hub's gauges of what is waiting and what stands, read from the database and the broker at
 * most once per {@code orderhub.metrics.gauge-refresh} (30 s) however often they are scraped:
 * {@code orderhub.orders} (orders per channel and status), {@code orderhub.outbox.backlog}
 * (events not yet published), {@code orderhub.intake.backlog} (messages waiting on the intake
 * queues) and {@code orderhub.exceptions.open} (open exceptions per source group). Their tags
 * are fixed at start (configured channels, every status, the known source groups), so a
 * series never vanishes and their number stays bounded. Each instance of a cluster reports the
 * same shared figures: take max, not sum, across instances.
 */
@Component
public class HubGauges implements MeterBinder {

    /** A count of more than this many waiting messages is reported as this many (browsing costs per message). */
    static final int BROWSE_CAP = 10_000;
    /** Source groups of exceptions besides the connectors' names; anything else counts as {@code other}. */
    static final List<String> SOURCE_GROUPS = List.of("queue", "route", "channel", "fulfilment");

    private final ChannelRegistry channels;
    private final List<String> groups;
    private final List<String> queues;
    private final CachedReading<Map<String, Map<OrderStatus, Long>>> orders;
    private final CachedReading<Long> outbox;
    private final CachedReading<Map<String, Long>> exceptions;
    private final Map<String, CachedReading<Long>> intake = new TreeMap<>();
    private final CachedReading<Map<String, Long>> alerts;

    public HubGauges(OrderService orderService, Outbox outboxStore, ExceptionStore exceptionStore, ChannelRegistry channels,
                     ConnectorManifests manifests, JmsTemplate jms,
                     @Value("${orderhub.queues.order-intake}") String intakeQueue,
                     @Value("${orderhub.queues.webhooks-in}") String webhooksQueue,
                     @Value("${orderhub.metrics.gauge-refresh:30s}") Duration refresh, Alerts alertStore) {
        this.channels = channels;
        Set<String> known = new LinkedHashSet<>(SOURCE_GROUPS);
        manifests.all().stream().map(ConnectorManifest::name).sorted().forEach(known::add);
        known.add("other");
        this.groups = List.copyOf(known);
        this.queues = List.of(intakeQueue, webhooksQueue);
        this.orders = new CachedReading<>("orderhub.orders", refresh, Map.of(), orderService::countsByChannelAndStatus);
        this.outbox = new CachedReading<>("orderhub.outbox.backlog", refresh, 0L, outboxStore::unpublished);
        this.exceptions = new CachedReading<>("orderhub.exceptions.open", refresh, Map.of(),
                () -> byGroup(exceptionStore.openBySource()));
        this.alerts = new CachedReading<>("orderhub.alerts.open", refresh, Map.of(), alertStore::openBySeverity);
        for (String queue : queues) {
            intake.put(queue, new CachedReading<>("orderhub.intake.backlog", refresh, 0L, () -> waiting(jms, queue)));
        }
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        List<String> channelIds = new ArrayList<>();
        channels.channels().stream().map(Channel::id).forEach(channelIds::add);
        for (String channel : channelIds) {
            for (OrderStatus status : OrderStatus.values()) {
                Gauge.builder("orderhub.orders", orders, o -> o.get().getOrDefault(channel, Map.of()).getOrDefault(status, 0L))
                        .description("orders in the hub, per channel and status").tag("channel", channel)
                        .tag("status", status.name()).register(registry);
            }
        }
        Gauge.builder("orderhub.outbox.backlog", outbox, CachedReading::get)
                .description("events written but not yet published to the broker").register(registry);
        intake.forEach((queue, reading) -> Gauge.builder("orderhub.intake.backlog", reading, CachedReading::get)
                .description("messages waiting on an intake queue (at most " + BROWSE_CAP + " counted)").tag("queue", queue)
                .register(registry));
        for (String severity : List.of(Alert.WARN, Alert.ALERT)) {
            Gauge.builder("orderhub.alerts.open", alerts, a -> a.get().getOrDefault(severity, 0L))
                    .description("open alerts (docs/kpis-and-alerts.md), per severity").tag("severity", severity)
                    .register(registry);
        }
        for (String group : groups) {
            Gauge.builder("orderhub.exceptions.open", exceptions, e -> e.get().getOrDefault(group, 0L))
                    .description("open exceptions (parked, waiting for a person), per source group").tag("group", group)
                    .register(registry);
        }
    }

    /** The source group of an exception: the part of its source before the first colon (queue:orders.intake -> queue). */
    String group(String source) {
        int colon = source.indexOf(':');
        String group = colon < 0 ? source : source.substring(0, colon);
        return groups.contains(group) ? group : "other";
    }

    private Map<String, Long> byGroup(Map<String, Long> bySource) {
        Map<String, Long> counts = new TreeMap<>();
        bySource.forEach((source, n) -> counts.merge(group(source), n, Long::sum));
        return counts;
    }

    /** Messages waiting on a queue, browsed (not taken), counted up to {@link #BROWSE_CAP}. */
    private static long waiting(JmsTemplate jms, String queue) {
        Long count = jms.browse(queue, (session, browser) -> {
            long n = 0;
            var messages = browser.getEnumeration();
            while (messages.hasMoreElements() && n < BROWSE_CAP) {
                messages.nextElement();
                n++;
            }
            return n;
        });
        return count == null ? 0 : count;
    }
}
