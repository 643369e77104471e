package dev.orderhub.routing;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.orderhub.channel.LocationKind;

/**
 * Decides who ships an order by the rules, without touching anything: top-down, the first rule
 * whose conditions all hold decides. An allocating rule filters its locations (kind, stock
 * after the location's safety stock, daily capacity, cut-off, not one that refused the order)
 * and then picks the allocation — one shipment per location, each line whole — that sorts first
 * by its sort keys (fewest shipments, the order the rule lists them, proximity to the
 * destination), within its split policy (at most N shipments, each worth at least a minimum).
 * Nothing can fill it: the rule's {@code otherwise} (a queue, or the next rule).
 */
public final class Router {

    /** What a location can give this order of a sku: on hand less reserved, plus what this order already holds there. */
    public interface Stock {
        long available(String sku, String location);
    }

    /** How many orders were routed to a location on a day (its local day). */
    public interface Capacity {
        long routedOn(String location, LocalDate day);
    }

    private Router() {
    }

    /**
     * @param excluded       locations not to use (they refused this order)
     * @param wholeOrderOnly locations that take an order only whole (fulfilment targets: a 3PL, Amazon MCF)
     */
    public static Decision decide(RuleSet rules, RoutingOrder order, Map<String, LocationKind> kinds, Stock stock,
                                  Capacity capacity, Instant now, Set<String> excluded, Set<String> wholeOrderOnly) {
        List<Decision.RuleTrial> trials = new ArrayList<>();
        for (RuleSet.Rule rule : rules.rules()) {
            List<String> failed = failedConditions(rule.when(), order, rules, stock, now);
            if (!failed.isEmpty()) {
                trials.add(new Decision.RuleTrial(rule.id(), false, failed, List.of(), "conditions not met"));
                continue;
            }
            if (rule.hold() != null) {
                trials.add(new Decision.RuleTrial(rule.id(), true, List.of(), List.of(), "held in queue " + rule.hold().queue()));
                return new Decision(rules.version(), rules.hash(), now, trials,
                        new Decision.Outcome(Decision.Outcome.HOLD, rule.id(), List.of(), rule.hold().queue(), rule.hold().reason()));
            }
            RuleSet.Allocate allocate = rule.allocate();
            List<Decision.Candidate> candidates = new ArrayList<>();
            List<String> eligible = new ArrayList<>();
            for (String location : allocate.from()) {
                List<String> why = constraints(location, allocate, rules, order, kinds, stock, capacity, now, excluded,
                        wholeOrderOnly.contains(location));
                boolean ok = why.stream().noneMatch(w -> !w.startsWith("holds "));
                candidates.add(new Decision.Candidate(location, ok, why));
                if (ok) {
                    eligible.add(location);
                }
            }
            List<Decision.Part> parts = allocation(allocate, eligible, rules, order, stock, wholeOrderOnly);
            if (parts != null) {
                trials.add(new Decision.RuleTrial(rule.id(), true, List.of(), candidates,
                        "allocated: " + String.join(" + ", parts.stream().map(Decision.Part::location).toList())));
                return new Decision(rules.version(), rules.hash(), now, trials,
                        new Decision.Outcome(Decision.Outcome.ALLOCATE, rule.id(), parts, null, null));
            }
            String nothing = eligible.isEmpty() ? "no location was eligible"
                    : "the eligible locations cannot fill it within " + (allocate.maxShipments() == 1 ? "one shipment"
                    : allocate.maxShipments() + " shipments" + (allocate.minPartValue().signum() > 0
                    ? " of at least " + allocate.minPartValue().toPlainString() + " each" : ""));
            if (rule.otherwise() != null) {
                trials.add(new Decision.RuleTrial(rule.id(), true, List.of(), candidates,
                        nothing + "; held in queue " + rule.otherwise().queue()));
                return new Decision(rules.version(), rules.hash(), now, trials, new Decision.Outcome(Decision.Outcome.HOLD,
                        rule.id(), List.of(), rule.otherwise().queue(), rule.otherwise().reason()));
            }
            trials.add(new Decision.RuleTrial(rule.id(), true, List.of(), candidates, nothing + "; next rule"));
        }
        // The parser makes the last rule a catch-all that holds or has a queue, so this is not reached.
        throw new IllegalStateException("rule set " + rules.version() + " decided nothing for " + order.hubOrderId());
    }

    // --- conditions -----------------------------------------------------------------------------

    static List<String> failedConditions(RuleSet.When when, RoutingOrder order, RuleSet rules, Stock stock, Instant now) {
        List<String> failed = new ArrayList<>();
        if (when.channels() != null && !when.channels().contains(order.channel())) {
            failed.add("channel " + order.channel() + " not in " + when.channels());
        }
        if (when.fulfilmentModes() != null && (order.fulfilmentMode() == null
                || !when.fulfilmentModes().contains(order.fulfilmentMode().name()))) {
            failed.add("fulfilment mode " + order.fulfilmentMode() + " not in " + when.fulfilmentModes());
        }
        String country = order.country() == null ? null : order.country().toUpperCase(Locale.ROOT);
        if (when.countries() != null && (country == null || !when.countries().contains(country))) {
            failed.add("country " + country + " not in " + when.countries());
        }
        if (when.notCountries() != null && country != null && when.notCountries().contains(country)) {
            failed.add("country " + country + " is excluded");
        }
        String region = order.region();
        if (when.regions() != null && (region == null || when.regions().stream().noneMatch(r -> r.equalsIgnoreCase(region)))) {
            failed.add("region " + region + " not in " + when.regions());
        }
        if (when.notRegions() != null && region != null && when.notRegions().stream().anyMatch(r -> r.equalsIgnoreCase(region))) {
            failed.add("region " + region + " is excluded");
        }
        String postal = order.postalCode() == null ? null : order.postalCode().replace(" ", "").toUpperCase(Locale.ROOT);
        if (when.postcodePrefixes() != null && (postal == null || when.postcodePrefixes().stream().noneMatch(postal::startsWith))) {
            failed.add("postal code " + (postal == null ? "none" : "does not start with any of " + when.postcodePrefixes()));
        }
        if (when.notPostcodePrefixes() != null && postal != null && when.notPostcodePrefixes().stream().anyMatch(postal::startsWith)) {
            failed.add("postal code starts with an excluded prefix " + when.notPostcodePrefixes());
        }
        if (when.skus() != null && order.lines().stream().noneMatch(l -> matchesAny(l.sku(), when.skus()))) {
            failed.add("no line's sku matches " + when.skus());
        }
        if (when.tags() != null && order.lines().stream().noneMatch(l -> when.tags().stream()
                .anyMatch(t -> matchesAny(l.sku(), rules.tags().getOrDefault(t, List.of()))))) {
            failed.add("no line's sku has tag " + when.tags());
        }
        if (when.orderValue() != null && !when.orderValue().holds(order.value())) {
            failed.add("order value " + order.value().toPlainString() + " not " + when.orderValue());
        }
        if (when.lines() != null && !when.lines().holds(BigDecimal.valueOf(order.lines().size()))) {
            failed.add(order.lines().size() + " lines, not " + when.lines());
        }
        if (when.shipByWithin() != null && (order.shipBy() == null || now != null
                && order.shipBy().isAfter(now.plus(when.shipByWithin())))) {
            failed.add(order.shipBy() == null ? "no ship-by" : "ship-by " + order.shipBy() + " not within " + when.shipByWithin());
        }
        if (when.stockAt() != null && when.stockAt().stream().noneMatch(location -> holdsAll(order, location, rules, stock))) {
            failed.add("none of " + when.stockAt() + " holds every line");
        }
        return failed;
    }

    static boolean matchesAny(String sku, List<String> patterns) {
        for (String p : patterns) {
            if (p.contains("*") ? sku.matches(java.util.regex.Pattern.quote(p).replace("*", "\\E.*\\Q")) : p.equals(sku)) {
                return true;
            }
        }
        return false;
    }

    private static long usable(String sku, String location, RuleSet rules, Stock stock) {
        long safety = rules.locations().getOrDefault(location, RuleSet.LocationRules.NONE).safetyStock();
        return stock.available(sku, location) - safety;
    }

    private static boolean holdsAll(RoutingOrder order, String location, RuleSet rules, Stock stock) {
        Map<String, Long> needed = new LinkedHashMap<>();
        order.lines().forEach(l -> needed.merge(l.sku(), (long) l.qty(), Long::sum));
        return needed.entrySet().stream().allMatch(e -> usable(e.getKey(), location, rules, stock) >= e.getValue());
    }

    // --- candidates -----------------------------------------------------------------------------

    /** Why a location may not ship this order (hard constraints), and "holds ..." notes for what it can give. */
    private static List<String> constraints(String location, RuleSet.Allocate allocate, RuleSet rules, RoutingOrder order,
                                            Map<String, LocationKind> kinds, Stock stock, Capacity capacity, Instant now,
                                            Set<String> excluded, boolean wholeOnly) {
        List<String> why = new ArrayList<>();
        RuleSet.LocationRules settings = rules.locations().getOrDefault(location, RuleSet.LocationRules.NONE);
        if (excluded.contains(location)) {
            why.add("refused this order before");
        }
        LocationKind kind = kinds.get(location);
        if (allocate.kinds() != null && (kind == null || !allocate.kinds().contains(kind.name()))) {
            why.add("kind " + kind + " not in " + allocate.kinds());
        }
        ZonedDateTime local = now.atZone(settings.zone());
        if (settings.dailyCapacity() != null) {
            long routed = capacity.routedOn(location, local.toLocalDate());
            if (routed >= settings.dailyCapacity()) {
                why.add("daily capacity " + settings.dailyCapacity() + " reached (" + routed + " routed today)");
            }
        }
        if (settings.cutoff() != null && !local.toLocalTime().isBefore(settings.cutoff()) && order.shipBy() != null
                && order.shipBy().isBefore(local.toLocalDate().plusDays(1).atStartOfDay(settings.zone()).toInstant())) {
            why.add("past its cut-off " + settings.cutoff() + " " + settings.zone() + " and the order must ship today");
        }
        int held = 0;
        List<String> shortOf = new ArrayList<>();
        for (RoutingOrder.Line line : order.lines()) {
            long usable = usable(line.sku(), location, rules, stock);
            if (usable >= line.qty()) {
                held++;
            } else {
                shortOf.add(line.sku() + ": " + Math.max(0, usable) + (settings.safetyStock() > 0
                        ? " after safety stock " + settings.safetyStock() : "") + ", needs " + line.qty());
            }
        }
        if (held == 0 || (allocate.maxShipments() == 1 || wholeOnly) && held < order.lines().size()) {
            why.add("short of " + String.join("; ", shortOf));
        } else if (!shortOf.isEmpty()) {
            why.add("holds " + held + " of " + order.lines().size() + " lines (short of " + String.join("; ", shortOf) + ")");
        }
        return why;
    }

    // --- allocation -----------------------------------------------------------------------------

    private record Plan(List<String> locations, Map<String, List<RoutingOrder.Line>> lines) {
    }

    private static List<Decision.Part> allocation(RuleSet.Allocate allocate, List<String> eligible, RuleSet rules,
                                                  RoutingOrder order, Stock stock, Set<String> wholeOrderOnly) {
        if (eligible.isEmpty()) {
            return null;
        }
        Comparator<String> byLocation = locationOrder(allocate, rules, order);
        List<String> sorted = new ArrayList<>(eligible);
        sorted.sort(byLocation);
        List<Plan> plans = new ArrayList<>();
        int max = Math.min(allocate.maxShipments(), Math.min(sorted.size(), order.lines().size()));
        for (int k = 1; k <= max; k++) {
            combinations(sorted, k, 0, new ArrayList<>(), combo -> {
                if (combo.size() > 1 && combo.stream().anyMatch(wholeOrderOnly::contains)) {
                    return;
                }
                Plan plan = assign(combo, order, rules, stock);
                if (plan != null && (combo.size() == 1 || plan.lines().values().stream().allMatch(ls -> ls.stream()
                        .map(RoutingOrder.Line::value).reduce(BigDecimal.ZERO, BigDecimal::add)
                        .compareTo(allocate.minPartValue()) >= 0))) {
                    plans.add(plan);
                }
            });
        }
        if (plans.isEmpty()) {
            return null;
        }
        Plan best = plans.stream().min(planOrder(allocate, rules, order, byLocation)).orElseThrow();
        List<Decision.Part> parts = new ArrayList<>();
        best.lines().forEach((location, lines) -> parts.add(new Decision.Part(location,
                lines.stream().map(RoutingOrder.Line::lineId).toList(),
                lines.stream().map(RoutingOrder.Line::value).reduce(BigDecimal.ZERO, BigDecimal::add))));
        return parts;
    }

    /** Each line, whole, to the first location of the combination that still holds it; null unless every location ships something. */
    private static Plan assign(List<String> combo, RoutingOrder order, RuleSet rules, Stock stock) {
        Map<String, Long> left = new LinkedHashMap<>();
        Map<String, List<RoutingOrder.Line>> byLocation = new LinkedHashMap<>();
        combo.forEach(l -> byLocation.put(l, new ArrayList<>()));
        for (RoutingOrder.Line line : order.lines()) {
            String at = null;
            for (String location : combo) {
                long remaining = left.computeIfAbsent(line.sku() + '\u0000' + location, k -> usable(line.sku(), location, rules, stock));
                if (remaining >= line.qty()) {
                    at = location;
                    left.put(line.sku() + '\u0000' + location, remaining - line.qty());
                    break;
                }
            }
            if (at == null) {
                return null;
            }
            byLocation.get(at).add(line);
        }
        if (byLocation.values().stream().anyMatch(List::isEmpty)) {
            return null;
        }
        return new Plan(combo, byLocation);
    }

    private static Comparator<String> locationOrder(RuleSet.Allocate allocate, RuleSet rules, RoutingOrder order) {
        Comparator<String> c = (a, b) -> 0;
        for (RuleSet.SortKey key : allocate.sort()) {
            switch (key) {
                case LISTED -> c = c.thenComparingInt(allocate.from()::indexOf);
                case PROXIMITY -> c = c.thenComparingInt(l -> distance(l, rules, order));
                default -> { }
            }
        }
        return c;
    }

    private static Comparator<Plan> planOrder(RuleSet.Allocate allocate, RuleSet rules, RoutingOrder order, Comparator<String> byLocation) {
        Comparator<Plan> c = (a, b) -> 0;
        for (RuleSet.SortKey key : allocate.sort()) {
            switch (key) {
                case FEWEST_SHIPMENTS -> c = c.thenComparingInt(p -> p.locations().size());
                case LISTED -> c = c.thenComparing(p -> p.locations().stream().map(allocate.from()::indexOf).sorted().toList(),
                        Router::lexicographic);
                case PROXIMITY -> c = c.thenComparingInt(p -> p.locations().stream().mapToInt(l -> distance(l, rules, order)).sum());
                default -> { }
            }
        }
        return c;
    }

    private static int lexicographic(List<Integer> a, List<Integer> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int d = Integer.compare(a.get(i), b.get(i));
            if (d != 0) {
                return d;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    /** 0 is nearest: the same country, then the longer the postal code prefix they share, the nearer. */
    static int distance(String location, RuleSet rules, RoutingOrder order) {
        RuleSet.LocationRules at = rules.locations().getOrDefault(location, RuleSet.LocationRules.NONE);
        if (at.country() == null || order.country() == null) {
            return 1_000;
        }
        if (!at.country().equalsIgnoreCase(order.country())) {
            return 100;
        }
        String a = at.postalCode() == null ? "" : at.postalCode();
        String b = order.postalCode() == null ? "" : order.postalCode().replace(" ", "").toUpperCase(Locale.ROOT);
        int common = 0;
        while (common < Math.min(a.length(), b.length()) && a.charAt(common) == b.charAt(common)) {
            common++;
        }
        return Math.max(0, 10 - common);
    }

    private static void combinations(List<String> from, int k, int start, List<String> current,
                                     java.util.function.Consumer<List<String>> each) {
        if (current.size() == k) {
            each.accept(List.copyOf(current));
            return;
        }
        for (int i = start; i < from.size(); i++) {
            current.add(from.get(i));
            combinations(from, k, i + 1, current, each);
            current.remove(current.size() - 1);
        }
    }
}
