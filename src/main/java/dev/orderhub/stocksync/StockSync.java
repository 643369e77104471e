package dev.orderhub.stocksync;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.channel.Channel;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.listing.Listings;
import dev.orderhub.connector.StockFeedback;
import dev.orderhub.inventory.AvailableToSell;
import dev.orderhub.inventory.Bundles;
import dev.orderhub.inventory.StockLedger;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The first half of the stock-sync flow (routes/stock-sync.camel.yaml): a stock change becomes
 * the available-to-sell each pushed channel should show, for the sku and every bundle made
 * of it. Values are coalesced per (channel, sku): only the latest is kept for the pusher.
 */
@Service("stockSync")
public class StockSync implements StockFeedback {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StockSync.class);

    private final ChannelRegistry channels;
    private final AvailableToSell availableToSell;
    private final Bundles bundles;
    private final StockLedger ledger;
    private final ChannelStockStore store;
    private final Listings listings;
    private final ObjectMapper json;
    private final Clock clock;
    private final long urgentAt;
    private final TransactionTemplate transaction;

    public StockSync(ChannelRegistry channels, AvailableToSell availableToSell, Bundles bundles, StockLedger ledger,
                     ChannelStockStore store, Listings listings, ObjectMapper json, Clock clock,
                     PlatformTransactionManager transactions,
                     @Value("${orderhub.stock-sync.urgent-at:2}") long urgentAt) {
        this.transaction = new TransactionTemplate(transactions);
        this.channels = channels;
        this.availableToSell = availableToSell;
        this.bundles = bundles;
        this.ledger = ledger;
        this.store = store;
        this.listings = listings;
        this.json = json;
        this.clock = clock;
        this.urgentAt = urgentAt;
    }

    /**
     * A connector learned later that the channel did not take these values (a feed's
     * processing report): they are sent again at {@code retryAt}, or sooner if they change.
     */
    @Override
    public void notTaken(String channel, List<String> listingSkus, String reason, Instant retryAt) {
        Channel target = channels.channel(channel).orElseThrow(() -> new IllegalArgumentException("no channel " + channel));
        List<String> skus = listingSkus.stream().map(listingSku -> listings.hubSku(target, listingSku)).toList();
        transaction.executeWithoutResult(s -> store.failed(channel, skus, reason, retryAt, true));
    }

    /** Handles one stock.changed event envelope. Returns how many (channel, sku) values changed. */
    public int onStockChanged(String envelope) {
        if (channels.pushedChannels().isEmpty()) {
            return 0; // no channel is shown stock by the hub: nothing to compute
        }
        JsonNode sku;
        try {
            sku = json.readTree(envelope).path("payload").path("sku");
        } catch (JsonProcessingException e) {
            throw new InvalidStockEventException("stock.changed: not a JSON envelope (" + e.getOriginalMessage() + ")");
        }
        if (!sku.isTextual() || sku.asText().isBlank()) {
            throw new InvalidStockEventException("stock.changed: payload.sku is missing");
        }
        return recompute(sku.asText());
    }

    /** Recomputes a sku (and the bundles made of it) for every pushed channel. */
    public int recompute(String sku) {
        Set<String> affected = new TreeSet<>();
        affected.add(sku);
        affected.addAll(bundles.bundlesContaining(sku));
        return desire(affected);
    }

    /**
     * Full reconciliation: recomputes every stocked sku and bundle on every pushed channel, so
     * any channel whose last pushed value differs from what it should show gets a push. Runs on
     * one instance per cluster: route stock-reconcile is {@code master:stock-reconcile:timer:...}.
     */
    public int reconcile() {
        Set<String> all = new TreeSet<>(ledger.stockedSkus());
        all.addAll(bundles.allBundles());
        List<String> skus = List.copyOf(all);
        int changed = 0;
        for (int from = 0; from < skus.size(); from += 100) {
            changed += desire(skus.subList(from, Math.min(skus.size(), from + 100)));
        }
        return changed;
    }

    /**
     * A channel the hub pushes stock to that has no value yet (just added to channels.yaml, or
     * its connector just installed) gets every sku's current value now, instead of at the
     * first reconciliation: run once shortly after start (route stock-seed). Returns how many
     * values were recorded to push; nothing when every pushed channel already has values.
     */
    public int seedNewChannels() {
        List<String> unseeded = channels.pushedChannels().stream().map(Channel::id).filter(id -> !store.hasAny(id)).toList();
        if (unseeded.isEmpty()) {
            return 0;
        }
        int seeded = reconcile();
        if (seeded > 0) {
            LOG.info("stock for channels without values yet ({}): {} values to push", String.join(", ", unseeded), seeded);
        }
        return seeded;
    }

    /** In one transaction: lock each sku's channel rows (skus in order), then compute and record the values that changed. */
    private int desire(Collection<String> skus) {
        List<Channel> pushed = channels.pushedChannels().stream().sorted(Comparator.comparing(Channel::id)).toList();
        if (pushed.isEmpty()) {
            return 0;
        }
        return transaction.execute(status -> {
            Instant now = clock.instant();
            int count = 0;
            for (String sku : skus) {
                // Only the channels that list the sku merchant-fulfilled (or whose listings the hub does not know).
                List<Channel> listing = pushed.stream().filter(channel -> listings.pushes(channel, sku)).toList();
                if (listing.isEmpty()) {
                    continue;
                }
                Map<String, Long> current = store.lock(sku, listing.stream().map(Channel::id).toList(), now);
                for (Map.Entry<String, Long> ats : availableToSell.onChannels(listing, sku).entrySet()) {
                    if (!ats.getValue().equals(current.get(ats.getKey()))) {
                        count += store.desire(ats.getKey(), sku, ats.getValue(), urgentAt, now) ? 1 : 0;
                    }
                }
            }
            return count;
        });
    }

    /** How a sku stands on one channel, for the API. */
    public record ChannelView(String channel, long availableToSell, Long lastPushed, Instant lastPushedAt,
                              boolean pushPending, String lastError) {
    }

    /** Every channel's view of a sku: its ATS now, and for pushed channels what was last accepted. */
    @Transactional(readOnly = true)
    public List<ChannelView> view(String sku) {
        List<ChannelStockStore.Row> rows = store.ofSku(sku);
        List<Channel> all = List.copyOf(channels.channels());
        Map<String, Long> atsByChannel = availableToSell.onChannels(all, sku);
        List<ChannelView> views = new ArrayList<>();
        for (Channel channel : all) {
            ChannelStockStore.Row row = rows.stream().filter(r -> r.channel().equals(channel.id())).findFirst().orElse(null);
            long ats = atsByChannel.get(channel.id());
            views.add(row == null
                    ? new ChannelView(channel.id(), ats, null, null, channel.stockSink() != null, null)
                    : new ChannelView(channel.id(), ats, row.pushedValue(), row.pushedAt(),
                    row.pending() || row.ats() != ats, row.lastError()));
        }
        return views;
    }

    /**
     * A channel's stock sync at a glance: skus it has values for, values waiting to be pushed and
     * since when the oldest waits (the sync lag), the last accepted push, pending values whose last
     * attempt failed, and values the channel shows that are higher than the hub wants (at risk of
     * overselling until the push lands).
     */
    public record ChannelSummary(String channel, long skus, long pending, Instant oldestPendingSince, Instant lastPushedAt,
                                 long failing, long showingMore) {
    }

    /** A (channel, sku) the channel shows more of than the hub wants it to. */
    public record Overshown(String channel, String sku, long availableToSell, long shown, Instant since) {
    }

    @Transactional(readOnly = true)
    public List<ChannelSummary> summary() {
        return store.summary();
    }

    @Transactional(readOnly = true)
    public List<Overshown> overshown(int limit) {
        return store.showingMore(limit).stream()
                .map(r -> new Overshown(r.channel(), r.sku(), r.ats(), r.pushedValue(), r.changedAt())).toList();
    }
}
