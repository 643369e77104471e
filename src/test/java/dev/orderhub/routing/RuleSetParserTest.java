package dev.orderhub.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.orderhub.channel.LocationKind;
import org.junit.jupiter.api.Test;

/** config/rules.yaml is checked whole: closed keys, known locations and channels, reachable rules, a final catch-all. */
class RuleSetParserTest {

    static final Map<String, LocationKind> LOCATIONS = Map.of("main", LocationKind.OWN, "nl-3pl", LocationKind.THREE_PL,
            "de-3pl", LocationKind.THREE_PL, "fba-eu", LocationKind.CHANNEL_OWNED);
    static final Set<String> CHANNELS = Set.of("webshop", "b2b", "amazon-de");

    static RuleSet parse(String yaml) {
        return RuleSetParser.parse(yaml.getBytes(StandardCharsets.UTF_8), LOCATIONS, CHANNELS);
    }

    static List<String> problems(String yaml) {
        try {
            parse(yaml);
        } catch (RuleSetParser.Invalid e) {
            return e.problems();
        }
        throw new AssertionError("the rules were accepted:\n" + yaml);
    }

    static final String CATCH_ALL = """
              - id: rest
                allocate: {from: [main]}
                otherwise: {queue: unfillable, reason: nothing holds it}
            """;

    @Test
    void theShippedRulesFileIsValidForTheShippedConfiguration() throws Exception {
        RuleSet rules = RuleSetParser.parse(Files.readAllBytes(Path.of("config/rules.yaml")), Map.of("main", LocationKind.OWN),
                Set.of("webshop", "b2b", "pos", "manual"));
        assertThat(rules.version()).isEqualTo(1);
        assertThat(rules.rules()).extracting(RuleSet.Rule::id).containsExactly("default");
        assertThat(rules.hash()).hasSize(64);
        assertThat(rules.rules().get(0).allocate().from()).containsExactly("channel");
        assertThat(rules.forChannel(List.of("main", "second")).rules().get(0).allocate().from()).as("from: channel, resolved")
                .containsExactly("main", "second");
        assertThat(problems("version: 1\nrules:\n  - id: a\n    allocate: {from: [main, channel]}\n"
                + "    otherwise: {queue: q, reason: r}\n")).as("channel alone, not in a list")
                .anyMatch(p -> p.contains("no location \"channel\""));
    }

    @Test
    void everyConditionAndActionIsRead() {
        RuleSet rules = parse("""
                version: 7
                locations:
                  main: {safetyStock: 2, dailyCapacity: 300, cutoff: "15:30", zone: Europe/Amsterdam, country: nl, postalCode: "3511 AA"}
                tags:
                  fragile: [GLASS-*, VASE-1]
                rules:
                  - id: nl-fragile
                    when:
                      channel: [webshop, amazon-de]
                      fulfilmentMode: merchant
                      country: [nl, BE]
                      notCountry: DE
                      region: [Utrecht]
                      notRegion: [Texel]
                      postcodePrefix: ["35", "10"]
                      notPostcodePrefix: ["1011"]
                      sku: [GLASS-*]
                      tag: fragile
                      orderValue: {min: 10, max: 500}
                      lines: {max: 3}
                      shipByWithin: 12h
                      stockAt: [main]
                    allocate:
                      from: [main, nl-3pl]
                      kinds: [own, three-pl]
                      sort: [proximity, fewestShipments]
                      split: {maxShipments: 2, minPartValue: 25}
                    otherwise: next
                  - id: review
                    when: {orderValue: {min: 1000}}
                    hold: {queue: review, reason: high value, autoCancelAfter: 2d}
                """ + CATCH_ALL);
        assertThat(rules.version()).isEqualTo(7);
        RuleSet.LocationRules main = rules.locations().get("main");
        assertThat(main.safetyStock()).isEqualTo(2);
        assertThat(main.dailyCapacity()).isEqualTo(300);
        assertThat(main.cutoff()).hasToString("15:30");
        assertThat(main.zone()).hasToString("Europe/Amsterdam");
        assertThat(main.country()).isEqualTo("NL");
        assertThat(main.postalCode()).isEqualTo("3511AA");
        RuleSet.Rule first = rules.rules().get(0);
        assertThat(first.when().countries()).containsExactly("NL", "BE");
        assertThat(first.when().notCountries()).containsExactly("DE");
        assertThat(first.when().fulfilmentModes()).containsExactly("MERCHANT");
        assertThat(first.when().shipByWithin()).hasHours(12);
        assertThat(first.when().lines().max()).isEqualByComparingTo("3");
        assertThat(first.allocate().kinds()).containsExactly("OWN", "THREE_PL");
        assertThat(first.allocate().sort()).containsExactly(RuleSet.SortKey.PROXIMITY, RuleSet.SortKey.FEWEST_SHIPMENTS,
                RuleSet.SortKey.LISTED);
        assertThat(first.allocate().maxShipments()).isEqualTo(2);
        assertThat(first.allocate().minPartValue()).isEqualByComparingTo("25");
        assertThat(first.otherwise()).isNull();
        assertThat(rules.rules().get(1).hold().autoCancelAfter()).hasDays(2);
        assertThat(rules.tags().get("fragile")).containsExactly("GLASS-*", "VASE-1");
    }

    @Test
    void aMisspeltKeyAnUnknownLocationOrChannelIsNamedWithItsRuleAndField() {
        assertThat(problems("version: 1\nrules:\n  - id: a\n    when: {contry: NL}\n    allocate: {from: [main]}\n    otherwise: next\n"
                + CATCH_ALL)).anyMatch(p -> p.startsWith("rule 'a' when.contry: not a key here"));
        assertThat(problems("version: 1\nrules:\n  - id: a\n    when: {country: NL}\n    allocate: {from: [main, mars]}\n" + CATCH_ALL))
                .anyMatch(p -> p.equals("rule 'a' allocate.from: no location \"mars\" is configured (known: "
                        + LOCATIONS.keySet() + ")"));
        assertThat(problems("version: 1\nrules:\n  - id: a\n    when: {channel: ebay-uk}\n    allocate: {from: [main]}\n" + CATCH_ALL))
                .contains("rule 'a' when.channel: no channel \"ebay-uk\" is configured");
        assertThat(problems("version: 1\nrules:\n  - id: a\n    when: {country: Netherlands}\n    allocate: {from: [main]}\n" + CATCH_ALL))
                .anyMatch(p -> p.contains("rule 'a' when.country: a two-letter country code") && p.contains("Netherlands"));
        assertThat(problems("version: 1\nrules:\n  - id: a\n    when: {tag: fragile}\n    allocate: {from: [main]}\n" + CATCH_ALL))
                .contains("rule 'a' when.tag: no tag \"fragile\" under tags");
        assertThat(problems("version: 1\nlocations:\n  main: {cutoff: '25:00'}\nrules:\n" + CATCH_ALL))
                .anyMatch(p -> p.startsWith("locations.main.cutoff: a time of day"));
        assertThat(problems("version: 1\nrules:\n  - id: a\n    when: {orderValue: {min: 50, max: 10}}\n    allocate: {from: [main]}\n"
                + CATCH_ALL)).contains("rule 'a' when.orderValue: min is above max");
        assertThat(problems("rules:\n" + CATCH_ALL)).anyMatch(p -> p.startsWith("version:"));
        assertThat(problems("version: 1\nrules: [\n")).singleElement().satisfies(p -> assertThat(p).startsWith("not YAML"));
    }

    @Test
    void theLastRuleIsACatchAllThatSaysWhereAnUnfillableOrderGoesAndNoRuleIsUnreachable() {
        assertThat(problems("version: 1\nrules:\n  - id: nl\n    when: {country: NL}\n    allocate: {from: [main]}\n"))
                .contains("rule 'nl': the last rule must be a catch-all (no when), so every order has a rule");
        assertThat(problems("version: 1\nrules:\n  - id: all\n    allocate: {from: [main]}\n"))
                .anyMatch(p -> p.startsWith("rule 'all' otherwise: the last rule must say which queue"));
        assertThat(problems("version: 1\nrules:\n  - id: first\n    hold: {queue: review, reason: everything}\n"
                + "  - id: second\n    when: {country: NL}\n    allocate: {from: [main]}\n" + CATCH_ALL))
                .anyMatch(p -> p.startsWith("rule 'second': unreachable, rule 'first' before it matches every order"));
        assertThat(problems("version: 1\nrules:\n  - id: a\n    when: {country: NL}\n    hold: {queue: review, reason: x}\n"
                + "  - id: b\n    when: {country: NL}\n    allocate: {from: [main]}\n" + CATCH_ALL))
                .contains("rule 'b': unreachable, rule 'a' has the same conditions and never passes an order on");
        assertThat(problems("version: 1\nrules:\n  - id: a\n    allocate: {from: [main]}\n    hold: {queue: q, reason: r}\n" + CATCH_ALL))
                .contains("rule 'a': needs exactly one of allocate or hold");
        assertThat(problems("version: 1\nrules:\n" + CATCH_ALL + CATCH_ALL)).contains("rule 'rest' id: used by an earlier rule too");
    }

    @Test
    void aPassingOnRuleBeforeAnotherWithTheSameConditionsIsReachable() {
        RuleSet rules = parse("version: 1\nrules:\n  - id: a\n    when: {country: NL}\n    allocate: {from: [nl-3pl]}\n"
                + "  - id: b\n    when: {country: NL}\n    allocate: {from: [main]}\n" + CATCH_ALL);
        assertThat(rules.rules()).extracting(RuleSet.Rule::id).containsExactly("a", "b", "rest");
        assertThatThrownBy(() -> parse("version: 1\nrules: []\n")).isInstanceOf(RuleSetParser.Invalid.class)
                .hasMessageContaining("rules: a list of rules is required");
    }
}
