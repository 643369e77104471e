package dev.orderhub.operations;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.orderhub.channel.Channel;
import dev.orderhub.alert.Alert;
import dev.orderhub.alert.Alerts;
import dev.orderhub.routing.Decision;
import dev.orderhub.routing.Routing;
import dev.orderhub.channel.ChannelHealth;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.channel.Connectors;
import dev.orderhub.channel.SyncCursors;
import dev.orderhub.connector.http.RateLimiter;
import dev.orderhub.connector.manifest.ConnectorManifest;
import dev.orderhub.connector.manifest.ConnectorManifests;
import dev.orderhub.fulfilment.Fulfilments;
import dev.orderhub.inventory.Reservation;
import dev.orderhub.inventory.StockLedger;
import dev.orderhub.listing.Listings;
import dev.orderhub.messaging.ExceptionStore;
import dev.orderhub.messaging.Outbox;
import dev.orderhub.order.ChannelCancellations;
import dev.orderhub.order.Order;
import dev.orderhub.order.OrderEvent;
import dev.orderhub.order.OrderNotFoundException;
import dev.orderhub.order.OrderService;
import dev.orderhub.order.OrderStatus;
import dev.orderhub.order.ShipmentConfirmations;
import dev.orderhub.order.Shipments;
import dev.orderhub.stocksync.StockSync;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * What the operations team looks at, composed from the features' own services: the overview
 * (orders today, stock health, sync lag, exceptions, channels down), an order's whole timeline,
 * and each channel's state. The console's pages and the JSON API ({@code /api/overview},
 * {@code /api/orders/{id}/timeline}, {@code /api/channels/{channel}/status}) show the same records.
 */
@Service
public class Operations {

    private final OrderService orders;
    private final Shipments shipments;
    private final ShipmentConfirmations confirmations;
    private final ChannelCancellations cancellations;
    private final Fulfilments fulfilments;
    private final StockLedger ledger;
    private final StockSync stockSync;
    private final ExceptionStore exceptions;
    private final Outbox outbox;
    private final ChannelRegistry channels;
    private final ChannelHealth health;
    private final SyncCursors cursors;
    private final RateLimiter rateLimiter;
    private final Listings listings;
    private final Connectors connectors;
    private final ConnectorManifests manifests;
    private final Clock clock;
    private final Duration atRiskLead;
    private final long nearZero;
    private final Path connectorsDir;
    private final Alerts alerts;
    private final Routing routing;

    public Operations(OrderService orders, Shipments shipments, ShipmentConfirmations confirmations,
                      ChannelCancellations cancellations, Fulfilments fulfilments, StockLedger ledger, StockSync stockSync,
                      ExceptionStore exceptions, Outbox outbox, ChannelRegistry channels, ChannelHealth health,
                      SyncCursors cursors, RateLimiter rateLimiter, Listings listings, Connectors connectors,
                      ConnectorManifests manifests, Alerts alerts, Routing routing, Clock clock,
                      @Value("${orderhub.console.at-risk-lead:PT4H}") Duration atRiskLead,
                      @Value("${orderhub.console.near-zero:2}") long nearZero,
                      @Value("${orderhub.connectors-dir:connectors}") String connectorsDir) {
        this.orders = orders;
        this.shipments = shipments;
        this.confirmations = confirmations;
        this.cancellations = cancellations;
        this.fulfilments = fulfilments;
        this.ledger = ledger;
        this.stockSync = stockSync;
        this.exceptions = exceptions;
        this.outbox = outbox;
        this.channels = channels;
        this.health = health;
        this.cursors = cursors;
        this.rateLimiter = rateLimiter;
        this.listings = listings;
        this.connectors = connectors;
        this.manifests = manifests;
        this.alerts = alerts;
        this.routing = routing;
        this.clock = clock;
        this.atRiskLead = atRiskLead;
        this.nearZero = nearZero;
        this.connectorsDir = Path.of(connectorsDir);
    }

    /** How long before its ship-by an order not yet shipped counts as at risk of shipping late. */
    public Duration atRiskLead() {
        return atRiskLead;
    }

    // --- Overview ------------------------------------------------------------------------

    /** Orders placed today (UTC) on one channel, per status. */
    public record ChannelOrders(String channel, long total, Map<OrderStatus, Long> byStatus, long atRisk) {
    }

    /** A channel's stock sync: values waiting and for how long the oldest has waited. */
    public record SyncLag(String channel, long pending, Long lagSeconds, Instant lastPushedAt, long failing,
                          long showingMore) {
    }

    public record ChannelDown(String channel, String flow, String reason, Instant since) {
    }

    public record Overview(Instant at, Instant dayStart, List<ChannelOrders> ordersToday, long ordersTodayTotal,
                           long atRiskTotal, Duration atRiskLead, StockLedger.Health stock, long nearZeroAt,
                           List<StockSync.Overshown> overshown, List<SyncLag> stockSync, Map<String, Long> openExceptions,
                           long openExceptionsTotal, List<ChannelDown> channelsDown, List<Alert> alerts) {
    }

    public Overview overview() {
        Instant now = clock.instant();
        Instant dayStart = LocalDate.ofInstant(now, ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
        Map<String, Map<OrderStatus, Long>> today = orders.countsSince(dayStart);
        Map<String, Long> atRisk = orders.atRisk(now.plus(atRiskLead));
        List<ChannelOrders> perChannel = new ArrayList<>();
        for (Channel channel : channels.channels()) {
            Map<OrderStatus, Long> counts = today.getOrDefault(channel.id(), Map.of());
            perChannel.add(new ChannelOrders(channel.id(), counts.values().stream().mapToLong(Long::longValue).sum(),
                    counts, atRisk.getOrDefault(channel.id(), 0L)));
        }
        List<SyncLag> lags = stockSync.summary().stream().map(s -> new SyncLag(s.channel(), s.pending(),
                s.oldestPendingSince() == null ? null : Math.max(0, Duration.between(s.oldestPendingSince(), now).toSeconds()),
                s.lastPushedAt(), s.failing(), s.showingMore())).toList();
        Map<String, Long> open = exceptions.openBySource();
        List<ChannelDown> down = new ArrayList<>();
        for (Channel channel : channels.channels()) {
            health.problem(channel.id()).ifPresent(p -> down.add(new ChannelDown(channel.id(), p.flow(), p.reason(), p.since())));
        }
        return new Overview(now, dayStart, perChannel, perChannel.stream().mapToLong(ChannelOrders::total).sum(),
                atRisk.values().stream().mapToLong(Long::longValue).sum(), atRiskLead, ledger.health(nearZero, 20), nearZero,
                stockSync.overshown(20), lags, open, open.values().stream().mapToLong(Long::longValue).sum(), down, alerts.open());
    }

    // --- Order timeline -------------------------------------------------------------------

    /** A decision in words: each rule tried, why it failed or what came of it, each candidate and why not. */
    static String explain(Decision d) {
        StringBuilder text = new StringBuilder("rules sha256 " + d.ruleSetHash().substring(0, 12) + ". ");
        for (Decision.RuleTrial t : d.rules()) {
            text.append(t.rule()).append(": ");
            if (!t.matched()) {
                text.append(String.join("; ", t.failed()));
            } else {
                text.append(t.result());
                for (Decision.Candidate c : t.candidates()) {
                    text.append(" [").append(c.location()).append(c.eligible() ? " eligible" : " not eligible")
                            .append(c.why().isEmpty() ? "" : ": " + String.join("; ", c.why())).append(']');
                }
            }
            text.append(". ");
        }
        return text.toString().trim();
    }

    /**
     * One thing that happened to an order: {@code kind} is status (a transition), refused (a
     * transition refused), reservation, routing, shipment, confirmation, cancellation (told to
     * the channel), message (an event the hub published), note; {@code error} marks a failure.
     */
    public record TimelineEntry(Instant at, String kind, String title, String detail, boolean error) {
    }

    public record Timeline(String hubOrderId, OrderStatus status, List<TimelineEntry> entries,
                           List<Reservation> reservations, List<Shipments.Shipment> shipments,
                           List<ShipmentConfirmations.Confirmation> confirmations,
                           Fulfilments.Fulfilment fulfilment, ChannelCancellations.Pending cancellation) {
    }

    public Timeline timeline(String hubOrderId) {
        Order order = orders.find(hubOrderId).orElseThrow(() -> new OrderNotFoundException(hubOrderId));
        List<TimelineEntry> entries = new ArrayList<>();
        for (OrderEvent event : order.events()) {
            boolean refused = "TRANSITION_REFUSED".equals(event.type());
            String title = event.to() != null && !refused
                    ? (event.from() == null ? event.to().name() : event.from() + " → " + event.to())
                    : event.type().replace('_', ' ').toLowerCase(java.util.Locale.ROOT);
            entries.add(new TimelineEntry(event.at(), refused ? "refused" : event.to() != null ? "status" : "note",
                    title, event.detail(), refused));
        }
        List<Reservation> reservations = ledger.reservationsOf(hubOrderId);
        List<Shipments.Shipment> parcels = shipments.of(hubOrderId);
        for (Shipments.Shipment parcel : parcels) {
            entries.add(new TimelineEntry(parcel.shippedAt(), "shipment", "parcel " + parcel.carrier() + " " + parcel.trackingNumber(),
                    parcel.lines().stream().map(l -> l.lineId() + " × " + l.qty()).reduce((a, b) -> a + ", " + b).orElse(""), false));
        }
        List<ShipmentConfirmations.Confirmation> owed = confirmations.of(hubOrderId);
        for (ShipmentConfirmations.Confirmation c : owed) {
            boolean failed = "REJECTED".equals(c.status()) || c.lastError() != null && !"CONFIRMED".equals(c.status());
            entries.add(new TimelineEntry(c.confirmedAt() != null ? c.confirmedAt() : c.nextAttemptAt(), "confirmation",
                    "tracking to " + c.channel() + ": " + c.status() + " after " + c.attempts() + " attempt(s)",
                    c.lastError(), failed));
        }
        for (Decision d : routing.decisions(hubOrderId)) {
            Decision.Outcome o = d.outcome();
            String title = "decided by rule " + o.rule() + " (rules v" + d.ruleSetVersion() + "): " + (o.allocated()
                    ? "ship from " + String.join(" + ", o.parts().stream().map(p -> p.location() + " " + p.lineIds()).toList())
                    : "held in queue " + o.queue() + " (" + o.reason() + ")");
            entries.add(new TimelineEntry(d.decidedAt(), "routing", title, explain(d), !o.allocated()));
        }
        Fulfilments.Fulfilment routed = fulfilments.find(hubOrderId).orElse(null);
        if (routed != null) {
            entries.add(new TimelineEntry(routed.updatedAt(), "routing", "fulfilment by " + routed.target() + ": " + routed.status(),
                    routed.lastError(), routed.lastError() != null));
        }
        ChannelCancellations.Pending cancelOut = cancellations.of(hubOrderId).orElse(null);
        if (cancelOut != null) {
            entries.add(new TimelineEntry(cancelOut.doneAt() != null ? cancelOut.doneAt() : order.updatedAt(), "cancellation",
                    "cancellation to " + cancelOut.channel() + ": " + cancelOut.status(), cancelOut.lastError(),
                    cancelOut.lastError() != null && !"DONE".equals(cancelOut.status())));
        }
        for (Outbox.Sent sent : outbox.sentFor(hubOrderId, 200)) {
            entries.add(new TimelineEntry(sent.createdAt(), "message", sent.type() + " sent",
                    sent.publishedAt() == null ? "waiting to be published" : "published " + sent.publishedAt(), false));
        }
        entries.sort(Comparator.comparing(TimelineEntry::at, Comparator.nullsLast(Comparator.naturalOrder())));
        return new Timeline(hubOrderId, order.status(), entries, reservations, parcels, owed, routed, cancelOut);
    }

    // --- Channels ------------------------------------------------------------------------

    /** The conformance suite's result for a connector, as recorded in connectors/README.md. */
    public record Conformance(String passed, String notRun) {
    }

    public record ChannelStatus(String channel, String name, String connector, String connectorTitle, boolean up,
                                ChannelHealth.Problem problem, Instant lastPoll, SyncLag stockSync,
                                List<RateLimiter.Bucket> rateBuckets, Long listings, Map<String, Long> confirmations,
                                long openExceptions, List<String> capabilities, Conformance conformance) {
    }

    public List<ChannelStatus> channelStatuses() {
        Map<String, StockSync.ChannelSummary> sync = new LinkedHashMap<>();
        stockSync.summary().forEach(s -> sync.put(s.channel(), s));
        Map<String, Map<String, Long>> confirmed = confirmations.countsByChannel();
        Map<String, Long> open = exceptions.openBySource();
        Map<String, Conformance> conformance = conformance();
        Instant now = clock.instant();
        List<ChannelStatus> statuses = new ArrayList<>();
        for (Channel channel : channels.channels()) {
            statuses.add(status(channel, sync.get(channel.id()), confirmed, open, conformance, now));
        }
        return statuses;
    }

    public Optional<ChannelStatus> channelStatus(String channelId) {
        return channelStatuses().stream().filter(s -> s.channel().equals(channelId)).findFirst();
    }

    private ChannelStatus status(Channel channel, StockSync.ChannelSummary sync, Map<String, Map<String, Long>> confirmed,
                                 Map<String, Long> open, Map<String, Conformance> conformance, Instant now) {
        String connector = connectors.connectorOf(channel.id()).orElse(channel.connector() == null ? null : channel.connector().name());
        ConnectorManifest manifest = connector == null ? null : manifests.get(connector).orElse(null);
        Optional<ChannelHealth.Problem> problem = health.problem(channel.id());
        long exceptionsOfChannel = open.entrySet().stream()
                .filter(e -> e.getKey().contains(":" + channel.id() + ":") || e.getKey().endsWith(":" + channel.id()))
                .mapToLong(Map.Entry::getValue).sum();
        SyncLag lag = sync == null ? null : new SyncLag(sync.channel(), sync.pending(),
                sync.oldestPendingSince() == null ? null : Math.max(0, Duration.between(sync.oldestPendingSince(), now).toSeconds()),
                sync.lastPushedAt(), sync.failing(), sync.showingMore());
        return new ChannelStatus(channel.id(), channel.name(), connector, manifest == null ? null : manifest.title(),
                problem.isEmpty(), problem.orElse(null), cursors.lastMoved(channel.id()).orElse(null), lag,
                rateLimiter.bucketsOf(channel.id()), listings.known(channel) ? (long) listings.of(channel).size() : null,
                confirmed.getOrDefault(channel.id(), Map.of()), exceptionsOfChannel,
                manifest == null ? List.of() : manifest.capabilities().stream().map(c -> c.id()).sorted().toList(),
                connector == null ? null : conformance.get(connector));
    }

    private static final Pattern CONFORMANCE_ROW = Pattern.compile("^\\| ([a-z0-9-]+) \\| (\\d+ of \\d+) \\| (.*) \\|\\s*$");

    /** The conformance table of connectors/README.md: connector → tests passed, and what was not run. */
    Map<String, Conformance> conformance() {
        Map<String, Conformance> table = new TreeMap<>();
        Path readme = connectorsDir.resolve("README.md");
        if (!Files.isReadable(readme)) {
            return table;
        }
        try {
            for (String line : Files.readAllLines(readme)) {
                Matcher row = CONFORMANCE_ROW.matcher(line);
                if (row.matches()) {
                    table.put(row.group(1), new Conformance(row.group(2), row.group(3)));
                }
            }
        } catch (java.io.IOException e) {
            return table;
        }
        return table;
    }
}
