package dev.orderhub.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.orderhub.order.FulfilmentMode;
import org.junit.jupiter.api.Test;

/** The rule matching table (each condition, each action), allocation (filter, sort, split) and what a decision says. */
class RouterTest {

    static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z"); // 11:00 in Amsterdam
    final Map<String, Long> stock = new HashMap<>();
    final Map<String, Long> routedToday = new HashMap<>();

    static RoutingOrder order(String channel, String country, String postal, Instant shipBy, RoutingOrder.Line... lines) {
        return new RoutingOrder("oh-1", channel, FulfilmentMode.MERCHANT, country, "Utrecht", postal, shipBy, List.of(lines));
    }

    static RoutingOrder.Line line(String id, String sku, int qty, String price) {
        return new RoutingOrder.Line(id, sku, qty, new BigDecimal(price));
    }

    void stock(String sku, String location, long units) {
        stock.put(sku + "@" + location, units);
    }

    Decision decide(String rules, RoutingOrder order) {
        return decide(rules, order, Set.of(), Set.of());
    }

    Decision decide(String rules, RoutingOrder order, Set<String> excluded, Set<String> wholeOnly) {
        RuleSet set = RuleSetParserTest.parse(rules);
        return Router.decide(set, order, RuleSetParserTest.LOCATIONS, (sku, location) -> stock.getOrDefault(sku + "@" + location, 0L),
                (location, day) -> routedToday.getOrDefault(location, 0L), NOW, excluded, wholeOnly);
    }

    static String rules(String first) {
        return "version: 3\nlocations:\n  main: {country: NL, postalCode: '3511'}\n  nl-3pl: {country: NL, postalCode: '1011'}\n"
                + "  de-3pl: {country: DE, postalCode: '10115'}\ntags:\n  fragile: [GLASS-*]\nrules:\n" + first
                + "  - id: rest\n    allocate: {from: [main]}\n    otherwise: {queue: unfillable, reason: nothing holds it}\n";
    }

    String decidedBy(String when) {
        Decision d = decide(rules("  - id: r\n    when: " + when + "\n    hold: {queue: matched, reason: it matched}\n"),
                order("webshop", "NL", "3511 AA", NOW.plus(Duration.ofHours(6)), line("1", "GLASS-9", 2, "30.00"),
                        line("2", "MUG-1", 1, "5.50")));
        return d.outcome().rule();
    }

    @Test
    void eachConditionMatchesAndFailsAsItSays() {
        stock("GLASS-9", "main", 5);
        stock("MUG-1", "main", 5);
        Map<String, Boolean> table = new java.util.LinkedHashMap<>();
        table.put("{channel: [webshop]}", true);
        table.put("{channel: [b2b]}", false);
        table.put("{fulfilmentMode: MERCHANT}", true);
        table.put("{fulfilmentMode: CHANNEL}", false);
        table.put("{country: [NL, BE]}", true);
        table.put("{country: DE}", false);
        table.put("{notCountry: DE}", true);
        table.put("{notCountry: NL}", false);
        table.put("{region: utrecht}", true);
        table.put("{notRegion: Utrecht}", false);
        table.put("{postcodePrefix: '35'}", true);
        table.put("{postcodePrefix: '10'}", false);
        table.put("{notPostcodePrefix: '3511A'}", false);
        table.put("{notPostcodePrefix: '1011'}", true);
        table.put("{sku: 'GLASS-*'}", true);
        table.put("{sku: [VASE-1]}", false);
        table.put("{tag: fragile}", true);
        table.put("{orderValue: {min: 65.5}}", true);
        table.put("{orderValue: {min: 65.51}}", false);
        table.put("{lines: {min: 2, max: 2}}", true);
        table.put("{lines: {max: 1}}", false);
        table.put("{shipByWithin: 6h}", true);
        table.put("{shipByWithin: 5h}", false);
        table.put("{stockAt: [main]}", true);
        table.put("{stockAt: [nl-3pl]}", false);
        table.forEach((when, matches) -> assertThat(decidedBy(when)).as(when).isEqualTo(matches ? "r" : "rest"));
    }

    @Test
    void aDecisionNamesEachRuleTriedWhyItFailedAndEachCandidate() {
        stock("A", "main", 1);
        stock("A", "nl-3pl", 10);
        Decision d = decide(rules("""
                  - id: de-only
                    when: {country: DE}
                    allocate: {from: [de-3pl]}
                  - id: three-pl
                    allocate: {from: [de-3pl, nl-3pl]}
                    otherwise: next
                """.replace("    otherwise: next\n", "")), order("webshop", "NL", "3511", null, line("1", "A", 2, "10")));
        assertThat(d.ruleSetVersion()).isEqualTo(3);
        assertThat(d.ruleSetHash()).hasSize(64);
        assertThat(d.rules()).extracting(Decision.RuleTrial::rule).containsExactly("de-only", "three-pl");
        assertThat(d.rules().get(0).matched()).isFalse();
        assertThat(d.rules().get(0).failed()).containsExactly("country NL not in [DE]");
        Decision.RuleTrial chosen = d.rules().get(1);
        assertThat(chosen.candidates()).extracting(Decision.Candidate::location).containsExactly("de-3pl", "nl-3pl");
        assertThat(chosen.candidates().get(0).eligible()).isFalse();
        assertThat(chosen.candidates().get(0).why()).containsExactly("short of A: 0, needs 2");
        assertThat(chosen.candidates().get(1).eligible()).isTrue();
        assertThat(d.outcome().allocated()).isTrue();
        assertThat(d.outcome().rule()).isEqualTo("three-pl");
        assertThat(d.outcome().parts()).singleElement().satisfies(p -> {
            assertThat(p.location()).isEqualTo("nl-3pl");
            assertThat(p.lineIds()).containsExactly("1");
            assertThat(p.value()).isEqualByComparingTo("20");
        });
    }

    @Test
    void safetyStockCapacityCutOffKindAndARefusalMakeALocationIneligible() {
        stock("A", "main", 3);
        stock("A", "nl-3pl", 3);
        String base = "version: 1\nlocations:\n  main: {safetyStock: 2}\n  nl-3pl: {dailyCapacity: 10, cutoff: '10:30', zone: "
                + "Europe/Amsterdam}\nrules:\n  - id: r\n    allocate: {from: [main, nl-3pl]%s}\n"
                + "    otherwise: {queue: unfillable, reason: none}\n";
        RoutingOrder today = order("webshop", "NL", "3511", NOW.plus(Duration.ofHours(5)), line("1", "A", 2, "1"));
        Decision cutOff = decide(String.format(base, ""), today);
        assertThat(cutOff.outcome().queue()).isEqualTo("unfillable");
        assertThat(cutOff.rules().get(0).candidates().get(0).why()).containsExactly("short of A: 1 after safety stock 2, needs 2");
        assertThat(cutOff.rules().get(0).candidates().get(1).why())
                .containsExactly("past its cut-off 10:30 Europe/Amsterdam and the order must ship today");

        RoutingOrder tomorrow = order("webshop", "NL", "3511", NOW.plus(Duration.ofDays(2)), line("1", "A", 2, "1"));
        assertThat(decide(String.format(base, ""), tomorrow).outcome().parts().get(0).location()).isEqualTo("nl-3pl");
        routedToday.put("nl-3pl", 10L);
        assertThat(decide(String.format(base, ""), tomorrow).rules().get(0).candidates().get(1).why())
                .containsExactly("daily capacity 10 reached (10 routed today)");
        routedToday.clear();
        assertThat(decide(String.format(base, ", kinds: [OWN]"), tomorrow).rules().get(0).candidates().get(1).why())
                .containsExactly("kind THREE_PL not in [OWN]");
        assertThat(decide(String.format(base, ""), tomorrow, Set.of("nl-3pl"), Set.of()).rules().get(0).candidates().get(1).why())
                .containsExactly("refused this order before");
    }

    @Test
    void splitsOnlyWhenAllowedIntoTheFewestShipmentsEachWorthTheMinimumAndFulfilmentTargetsTakeWholeOrders() {
        stock("A", "main", 5);
        stock("B", "nl-3pl", 5);
        stock("C", "main", 5);
        stock("C", "nl-3pl", 5);
        RoutingOrder order = order("webshop", "NL", "3511", null, line("1", "A", 1, "40"), line("2", "B", 1, "30"),
                line("3", "C", 1, "5"));
        String none = "  - id: r\n    allocate: {from: [main, nl-3pl]}\n    otherwise: next\n";
        assertThat(decide(rules(none), order).outcome().queue()).as("split: none").isEqualTo("unfillable");

        Decision split = decide(rules("  - id: r\n    allocate: {from: [main, nl-3pl], split: {maxShipments: 3}}\n"
                + "    otherwise: next\n"), order);
        assertThat(split.outcome().parts()).extracting(Decision.Part::location).containsExactly("main", "nl-3pl");
        assertThat(split.outcome().parts().get(0).lineIds()).containsExactly("1", "3");
        assertThat(split.outcome().parts().get(1).lineIds()).containsExactly("2");

        Decision tooSmall = decide(rules("  - id: r\n    allocate: {from: [main, nl-3pl], split: {maxShipments: 2, minPartValue: 31}}\n"
                + "    otherwise: next\n"), order);
        assertThat(tooSmall.outcome().queue()).as("the nl-3pl part is worth 30").isEqualTo("unfillable");

        Decision whole = decide(rules("  - id: r\n    allocate: {from: [main, nl-3pl], split: {maxShipments: 2}}\n"
                + "    otherwise: next\n"), order, Set.of(), Set.of("nl-3pl"));
        assertThat(whole.outcome().queue()).as("a fulfilment target ships whole orders only").isEqualTo("unfillable");
        assertThat(whole.rules().get(0).candidates().get(1).why()).anyMatch(w -> w.startsWith("short of A"));

        stock("A", "nl-3pl", 5);
        Decision fewest = decide(rules("  - id: r\n    allocate: {from: [main, nl-3pl], split: {maxShipments: 3}}\n"
                + "    otherwise: next\n"), order);
        assertThat(fewest.outcome().parts()).extracting(Decision.Part::location).as("one shipment beats two").containsExactly("nl-3pl");
    }

    @Test
    void sortKeysBreakTiesInTheirOrder() {
        stock("A", "main", 5);
        stock("A", "nl-3pl", 5);
        stock("A", "de-3pl", 5);
        RoutingOrder amsterdam = order("webshop", "NL", "1011 AB", null, line("1", "A", 1, "10"));
        RoutingOrder berlin = order("webshop", "DE", "10117", null, line("1", "A", 1, "10"));
        String listed = "  - id: r\n    allocate: {from: [de-3pl, main, nl-3pl]}\n    otherwise: next\n";
        String near = "  - id: r\n    allocate: {from: [de-3pl, main, nl-3pl], sort: [proximity, listed]}\n    otherwise: next\n";
        assertThat(decide(rules(listed), amsterdam).outcome().parts().get(0).location()).isEqualTo("de-3pl");
        assertThat(decide(rules(near), amsterdam).outcome().parts().get(0).location()).isEqualTo("nl-3pl");
        assertThat(decide(rules(near), berlin).outcome().parts().get(0).location()).isEqualTo("de-3pl");
        RoutingOrder utrecht = order("webshop", "NL", "3584", null, line("1", "A", 1, "10"));
        assertThat(decide(rules(near), utrecht).outcome().parts().get(0).location()).as("same country, then the longer postcode prefix")
                .isEqualTo("main");
    }

    @Test
    void aRuleThatCannotFillPassesOnOrHoldsAsItsOtherwiseSays() {
        stock("A", "main", 1);
        RoutingOrder order = order("webshop", "NL", "3511", null, line("1", "A", 2, "10"));
        Decision passed = decide(rules("  - id: 3pl\n    allocate: {from: [nl-3pl]}\n    otherwise: next\n"), order);
        assertThat(passed.rules()).extracting(Decision.RuleTrial::result)
                .containsExactly("no location was eligible; next rule", "no location was eligible; held in queue unfillable");
        assertThat(passed.outcome().kind()).isEqualTo("hold");
        assertThat(passed.outcome().reason()).isEqualTo("nothing holds it");
        Decision held = decide(rules("  - id: 3pl\n    when: {country: NL}\n    allocate: {from: [nl-3pl]}\n"
                + "    otherwise: {queue: wait-3pl, reason: wait}\n"),
                order);
        assertThat(held.outcome().queue()).isEqualTo("wait-3pl");
        assertThat(held.outcome().rule()).isEqualTo("3pl");
    }
}
