package dev.orderhub.listing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.orderhub.channel.Channel;
import dev.orderhub.channel.Connectors;
import dev.orderhub.connector.ListingsIn;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Which of the hub's skus each channel lists, under which listing sku, fulfilled by whom. A
 * channel's listings are <em>known</em> when its connector reads them (listings in: table
 * {@code listings}, refreshed by route listings-refresh) or channels.yaml lists them; stock is
 * then pushed only for its merchant-fulfilled listings, so an FBA or FBB listing is never
 * given a merchant quantity (on Amazon that would turn it into a merchant offer and strand the
 * FBA stock). A channel whose listings are not known (a shop behind the generic webhook sink)
 * is pushed every sku, under the listing sku its {@code skus} mapping gives.
 *
 * <p>Read on every stock change, so each channel's listings are held in memory: reloaded after
 * a refresh on this instance, and at most {@value #RELOAD_SECONDS} s late for one made on another.
 */
@Service
public class Listings {

    static final long RELOAD_SECONDS = 30;

    /** One channel's listings: by hub sku (a pushed listing first) and by listing sku. */
    private record Snapshot(Map<String, Listing> bySku, Map<String, Listing> byListingSku, Instant loadedAt) {
    }

    private final Connectors connectors;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();
    private final Map<String, Boolean> known = new ConcurrentHashMap<>();

    public Listings(Connectors connectors, JdbcClient jdbc, Clock clock) {
        this.connectors = connectors;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Whether the hub knows the channel's listings (its connector reads them, or channels.yaml lists them). */
    public boolean known(Channel channel) {
        // Asked on every stock change for every channel: the answer never changes while the hub runs.
        return known.computeIfAbsent(channel.id(), id -> !channel.listings().isEmpty() || connectors.listingsIn(id).isPresent());
    }

    /** Whether the hub pushes this sku's quantity to the channel. */
    public boolean pushes(Channel channel, String sku) {
        if (!known(channel)) {
            return true;
        }
        Listing listing = snapshot(channel).bySku().get(sku);
        return listing != null && listing.pushed();
    }

    /** The listing sku the channel knows the hub sku by. */
    public String listingSku(Channel channel, String sku) {
        Listing listing = known(channel) ? snapshot(channel).bySku().get(sku) : null;
        return listing != null ? listing.listingSku() : channel.listingSku(sku);
    }

    /** The hub sku a listing sku of the channel stands for. */
    public String hubSku(Channel channel, String listingSku) {
        Listing listing = known(channel) ? snapshot(channel).byListingSku().get(listingSku) : null;
        return listing != null ? listing.sku() : channel.hubSku(listingSku);
    }

    /** The channel's known listings, configured or read (empty when they are not known). */
    public List<Listing> of(Channel channel) {
        return known(channel) ? List.copyOf(snapshot(channel).byListingSku().values()) : List.of();
    }

    /**
     * Replaces the channel's listings by what its connector read just now (every page). Answers
     * the hub skus that are pushed now and were not before: they need their value at once.
     */
    @Transactional
    public Set<String> replace(Channel channel, List<ListingsIn.Listing> read) {
        // Listing.pushed(), in SQL: merchant-fulfilled and not closed.
        Set<String> pushedBefore = new LinkedHashSet<>(jdbc.sql("SELECT sku FROM listings WHERE channel = :channel "
                        + "AND fulfilled_by = 'MERCHANT' AND state <> 'CLOSED'").param("channel", channel.id())
                .query(String.class).list());
        Map<String, Listing> now = new LinkedHashMap<>();
        for (ListingsIn.Listing listing : read) {
            now.put(listing.listingSku(), toListing(channel, listing));
        }
        Instant at = clock.instant();
        jdbc.sql("DELETE FROM listings WHERE channel = :channel").param("channel", channel.id()).update();
        for (Listing listing : now.values()) {
            jdbc.sql("INSERT INTO listings (channel, listing_sku, sku, fulfilled_by, state, updated_at) "
                            + "VALUES (:channel, :listingSku, :sku, :by, :state, :at)")
                    .param("channel", channel.id()).param("listingSku", listing.listingSku()).param("sku", listing.sku())
                    .param("by", listing.fulfilledBy().name()).param("state", listing.state())
                    .param("at", at.atOffset(ZoneOffset.UTC)).update();
        }
        snapshots.remove(channel.id());
        Set<String> added = new LinkedHashSet<>();
        now.values().stream().filter(Listing::pushed).map(Listing::sku).filter(sku -> !pushedBefore.contains(sku)).forEach(added::add);
        return added;
    }

    private static Listing toListing(Channel channel, ListingsIn.Listing read) {
        String what = "channel " + channel.id() + " listing " + read.listingSku();
        if (read.listingSku() == null || read.listingSku().isBlank() || read.listingSku().length() > 200) {
            throw new IllegalArgumentException(what + ": a listing sku is 1 to 200 characters");
        }
        Listing.FulfilledBy by;
        try {
            by = Listing.FulfilledBy.valueOf(String.valueOf(read.fulfilledBy()).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": fulfilledBy must be MERCHANT or CHANNEL, not " + read.fulfilledBy());
        }
        String state = read.state() == null ? "ACTIVE" : read.state().toUpperCase(Locale.ROOT);
        if (state.length() > 32) {
            throw new IllegalArgumentException(what + ": state is at most 32 characters");
        }
        return new Listing(channel.id(), read.listingSku(), channel.hubSku(read.listingSku()), by, state, "CONNECTOR");
    }

    private Snapshot snapshot(Channel channel) {
        Instant now = clock.instant();
        Snapshot snapshot = snapshots.get(channel.id());
        if (snapshot == null || snapshot.loadedAt().isBefore(now.minus(Duration.ofSeconds(RELOAD_SECONDS)))) {
            snapshot = load(channel, now);
            snapshots.put(channel.id(), snapshot);
        }
        return snapshot;
    }

    private Snapshot load(Channel channel, Instant now) {
        List<Listing> all = new ArrayList<>();
        channel.listings().forEach((listingSku, cfg) -> all.add(new Listing(channel.id(), listingSku, cfg.sku(),
                Listing.FulfilledBy.valueOf(cfg.fulfilledBy()), cfg.state(), "CONFIG")));
        if (connectors.listingsIn(channel.id()).isPresent()) {
            all.addAll(jdbc.sql("SELECT listing_sku, sku, fulfilled_by, state FROM listings WHERE channel = :channel "
                            + "ORDER BY listing_sku").param("channel", channel.id())
                    .query((rs, n) -> new Listing(channel.id(), rs.getString(1), rs.getString(2),
                            Listing.FulfilledBy.valueOf(rs.getString(3)), rs.getString(4), "CONNECTOR")).list());
        }
        Map<String, Listing> bySku = new LinkedHashMap<>();
        Map<String, Listing> byListingSku = new LinkedHashMap<>();
        for (Listing listing : all) {
            byListingSku.putIfAbsent(listing.listingSku(), listing);
            // A sku listed twice on one channel: the pushed listing counts (a merchant offer beside an FBA one).
            bySku.merge(listing.sku(), listing, (first, second) -> first.pushed() || !second.pushed() ? first : second);
        }
        return new Snapshot(Map.copyOf(bySku), java.util.Collections.unmodifiableMap(byListingSku), now);
    }
}
