package dev.orderhub.routing;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * The fulfilment rules as read from config/rules.yaml ({@link RuleSetParser}, docs/routing.md):
 * top-down, the first rule whose conditions all hold decides. {@code hash} is the SHA-256 of
 * the file, so a decision names exactly the rules it was made by.
 */
public record RuleSet(int version, String hash, Map<String, LocationRules> locations, Map<String, List<String>> tags,
                      List<Rule> rules) {

    /** What routing knows about a location beyond its stock: held back units, a daily cap, a cut-off, where it is. */
    public record LocationRules(long safetyStock, Integer dailyCapacity, LocalTime cutoff, ZoneId zone, String country,
                                String postalCode) {

        static final LocationRules NONE = new LocationRules(0, null, null, ZoneId.of("UTC"), null, null);
    }

    /** A range; either end may be open. */
    public record Range(BigDecimal min, BigDecimal max) {

        boolean holds(BigDecimal value) {
            return (min == null || value.compareTo(min) >= 0) && (max == null || value.compareTo(max) <= 0);
        }

        @Override
        public String toString() {
            return (min == null ? "" : "≥ " + min.toPlainString()) + (min != null && max != null ? " and " : "")
                    + (max == null ? "" : "≤ " + max.toPlainString());
        }
    }

    /**
     * The conditions of a rule; a null field is not checked. Lists hold when any entry matches
     * (the {@code not*} lists when none does); {@code skus} and {@code tags} when any line matches.
     */
    public record When(List<String> channels, List<String> fulfilmentModes, List<String> countries, List<String> notCountries,
                       List<String> regions, List<String> notRegions, List<String> postcodePrefixes,
                       List<String> notPostcodePrefixes, List<String> skus, List<String> tags, Range orderValue, Range lines,
                       Duration shipByWithin, List<String> stockAt) {

        static final When ALWAYS = new When(null, null, null, null, null, null, null, null, null, null, null, null, null, null);

        boolean always() {
            return equals(ALWAYS);
        }
    }

    /** Sort keys that order the candidate allocations; the first that differs decides. */
    public enum SortKey { FEWEST_SHIPMENTS, LISTED, PROXIMITY }

    /**
     * Allocate from these locations: eligible ones (kind, stock after safety stock, capacity,
     * cut-off), sorted. {@code from: channel} ({@link #CHANNEL}) is the order's channel's own
     * locations, in the order channels.yaml lists them.
     */
    public record Allocate(List<String> from, List<String> kinds, List<SortKey> sort, int maxShipments, BigDecimal minPartValue) {

        public static final String CHANNEL = "channel";

        boolean fromChannel() {
            return from.equals(List.of(CHANNEL));
        }
    }

    /** These rules for an order of a channel with these locations ({@code from: channel} resolved). */
    public RuleSet forChannel(List<String> channelLocations) {
        if (rules.stream().noneMatch(r -> r.allocate() != null && r.allocate().fromChannel())) {
            return this;
        }
        List<Rule> resolved = rules.stream().map(r -> r.allocate() == null || !r.allocate().fromChannel() ? r
                : new Rule(r.id(), r.when(), new Allocate(List.copyOf(channelLocations), r.allocate().kinds(), r.allocate().sort(),
                r.allocate().maxShipments(), r.allocate().minPartValue()), r.hold(), r.otherwise())).toList();
        return new RuleSet(version, hash, locations, tags, resolved);
    }

    /** Hold the order in a named queue with a reason (for review, or as unfillable). */
    public record Hold(String queue, String reason, Duration autoCancelAfter) {
    }

    /**
     * One rule: its conditions, what it does (allocate or hold), and what happens when it matched
     * but could not fill the order ({@code otherwise}: null is "go on to the next rule").
     */
    public record Rule(String id, When when, Allocate allocate, Hold hold, Hold otherwise) {
    }
}
