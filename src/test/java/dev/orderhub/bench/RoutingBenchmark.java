package dev.orderhub.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import dev.orderhub.inventory.StockLedger;
import dev.orderhub.order.Address;
import dev.orderhub.order.FulfilmentMode;
import dev.orderhub.order.OrderLine;
import dev.orderhub.order.OrderService;
import dev.orderhub.order.OrderSubmission;
import dev.orderhub.routing.Decision;
import dev.orderhub.routing.Router;
import dev.orderhub.routing.Routing;
import dev.orderhub.routing.RoutingOrder;
import dev.orderhub.routing.RoutingRules;
import dev.orderhub.routing.RuleSet;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Routing by rules with 50 rules and 10 locations (PostgreSQL): the decision alone (in memory,
 * the rules against a stock snapshot) and the whole routing of each order (its lock, every stock
 * row of its skus locked, the decision, the reservations moved, the decision stored), one order
 * after another as the single routing instance does. {@code mvn -B -Pbench test -Dtest=RoutingBenchmark};
 * {@code -Dbench.orders=N}.
 */
@CamelSpringBootTest
@SpringBootTest(properties = {"logging.level.root=WARN", "orderhub.routing.interval-ms=86400000"})
@ActiveProfiles({"test", "postgres"})
class RoutingBenchmark {

    static final int ORDERS = Integer.getInteger("bench.orders", 5_000);
    static final int LOCATIONS = 10;
    static final int SKUS = 500;
    static final List<String> COUNTRIES = List.of("NL", "DE", "BE", "FR", "AT");
    static final Path RULES;

    static {
        StringBuilder yaml = new StringBuilder("version: 1\nlocations:\n");
        for (int l = 0; l < LOCATIONS; l++) {
            yaml.append("  loc-").append(l).append(": {safetyStock: ").append(l % 3).append(", dailyCapacity: 100000, country: ")
                    .append(COUNTRIES.get(l % COUNTRIES.size())).append(", postalCode: '").append(1000 + l * 700).append("'}\n");
        }
        yaml.append("tags:\n  heavy: [SKU-1*]\nrules:\n");
        Random random = new Random(7);
        for (int r = 0; r < 49; r++) {
            String country = COUNTRIES.get(r % COUNTRIES.size());
            List<String> from = new ArrayList<>();
            for (int l = 0; l < LOCATIONS; l++) {
                if (random.nextInt(3) == 0) {
                    from.add("loc-" + l);
                }
            }
            if (from.isEmpty()) {
                from.add("loc-" + r % LOCATIONS);
            }
            String when = switch (r % 4) {
                case 0 -> "{country: " + country + ", postcodePrefix: ['" + (r % 9 + 1) + "']}";
                case 1 -> "{country: " + country + ", orderValue: {min: " + (r * 10) + ", max: " + (r * 10 + 60) + "}}";
                case 2 -> "{tag: heavy, country: [" + country + "], lines: {max: " + (1 + r % 3) + "}}";
                default -> "{country: " + country + ", sku: ['SKU-" + (r % 10) + "*'], notPostcodePrefix: ['9']}";
            };
            yaml.append("  - id: rule-").append(r).append("\n    when: ").append(when).append("\n    allocate: {from: ")
                    .append(from).append(", sort: [fewestShipments, proximity, listed], split: {maxShipments: 2}}\n");
        }
        List<String> all = new ArrayList<>();
        for (int l = 0; l < LOCATIONS; l++) {
            all.add("loc-" + l);
        }
        yaml.append("  - id: catch-all\n    allocate: {from: ").append(all)
                .append(", sort: [fewestShipments, proximity, listed], split: {maxShipments: 3}}\n")
                .append("    otherwise: {queue: unfillable, reason: nothing holds it}\n");
        try {
            RULES = Files.createTempFile("bench-rules", ".yaml");
            Files.writeString(RULES, yaml.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void routing(DynamicPropertyRegistry registry) {
        registry.add("orderhub.routing.rules-file", RULES::toString);
        registry.add("orderhub.channels.bench.name", () -> "Bench shop");
        for (int l = 0; l < LOCATIONS; l++) {
            int n = l;
            registry.add("orderhub.locations.loc-" + l + ".name", () -> "Location " + n);
            registry.add("orderhub.locations.loc-" + l + ".kind", () -> n < 7 ? "OWN" : "THREE_PL");
            registry.add("orderhub.channels.bench.locations[" + l + "]", () -> "loc-" + n);
        }
    }

    @Autowired
    Routing routing;
    @Autowired
    RoutingRules rules;
    @Autowired
    OrderService orders;
    @Autowired
    StockLedger ledger;
    @Autowired
    JdbcClient jdbc;

    @Test
    void ordersRoutedPerSecondWith50RulesAnd10Locations() {
        RuleSet ruleSet = rules.current().orElseThrow();
        assertThat(ruleSet.rules()).hasSize(50);
        Random random = new Random(11);
        String run = Long.toString(System.nanoTime(), 36);
        Map<String, Long> snapshot = new HashMap<>();
        for (int s = 0; s < SKUS; s++) {
            for (int l = 0; l < LOCATIONS; l++) {
                long units = random.nextInt(4) == 0 ? 0 : 20 + random.nextInt(200);
                String sku = "SKU-" + s + "-" + run;
                ledger.setOnHand(sku, "loc-" + l, units, "bench", "bench");
                snapshot.put(sku + "@loc-" + l, units);
            }
        }
        List<String> ids = new ArrayList<>();
        List<RoutingOrder> inMemory = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            int lines = 1 + random.nextInt(3);
            List<OrderLine> items = new ArrayList<>();
            for (int n = 1; n <= lines; n++) {
                items.add(new OrderLine(String.valueOf(n), "SKU-" + random.nextInt(SKUS) + "-" + run, 1 + random.nextInt(2),
                        BigDecimal.valueOf(5 + random.nextInt(100)), BigDecimal.ZERO));
            }
            String country = COUNTRIES.get(random.nextInt(COUNTRIES.size()));
            String postal = String.valueOf(1000 + random.nextInt(9000));
            OrderService.IntakeResult result = orders.importOrder(new OrderSubmission("bench", "B-" + run + "-" + i,
                    FulfilmentMode.MERCHANT, Instant.now(), null, null, "EUR", null,
                    new Address("B E N C H", "Street 1", null, "Town", null, postal, country), items));
            if (result.refused() == null) {
                ids.add(result.hubOrderId());
                inMemory.add(new RoutingOrder(result.hubOrderId(), "bench", FulfilmentMode.MERCHANT, country, null, postal, null,
                        items.stream().map(l -> new RoutingOrder.Line(l.lineId(), l.sku(), l.qty(), l.unitPrice())).toList()));
            }
        }
        Map<String, dev.orderhub.channel.LocationKind> kinds = rules.locationKinds();
        List<Long> decideMicros = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (RoutingOrder order : inMemory) {
                long t = System.nanoTime();
                Router.decide(ruleSet, order, kinds, (sku, location) -> snapshot.getOrDefault(sku + "@" + location, 0L),
                        (location, day) -> 0L, Instant.now(), Set.of(), Set.of());
                if (round == 1) {
                    decideMicros.add((System.nanoTime() - t) / 1000);
                }
            }
        }
        Collections.sort(decideMicros);

        List<Long> routeMicros = new ArrayList<>();
        Map<String, Integer> outcomes = new LinkedHashMap<>();
        long start = System.nanoTime();
        for (String id : ids) {
            long t = System.nanoTime();
            Decision d = routing.route(id, Set.of()).orElse(null);
            routeMicros.add((System.nanoTime() - t) / 1000);
            outcomes.merge(d == null ? "not RESERVED" : d.outcome().allocated()
                    ? d.outcome().parts().size() + " shipment(s)" : "queue " + d.outcome().queue(), 1, Integer::sum);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Collections.sort(routeMicros);
        long doubled = jdbc.sql("SELECT COUNT(*) FROM stock s WHERE s.sku LIKE :like AND s.reserved <> (SELECT COALESCE(SUM(r.qty), 0) "
                + "FROM reservations r WHERE r.sku = s.sku AND r.location = s.location)").param("like", "%-" + run)
                .query(Long.class).single();
        assertThat(doubled).as("reserved equals the reservations held, at every row").isZero();

        Map<String, Object> results = BenchResults.start("routing", "mvn -B -Pbench test -Dtest=RoutingBenchmark");
        results.put("rules", ruleSet.rules().size());
        results.put("locations", LOCATIONS);
        results.put("orders", ids.size());
        results.put("decisionAloneMicros", Map.of("p50", BenchResults.percentile(decideMicros, 50),
                "p99", BenchResults.percentile(decideMicros, 99), "max", decideMicros.get(decideMicros.size() - 1)));
        results.put("routeMillis", Map.of("p50", BenchResults.percentile(routeMicros, 50) / 1000.0,
                "p99", BenchResults.percentile(routeMicros, 99) / 1000.0, "max", routeMicros.get(routeMicros.size() - 1) / 1000.0));
        results.put("ordersRoutedPerSecond", Math.round(ids.size() / seconds * 10) / 10.0);
        results.put("outcomes", outcomes);
        BenchResults.write("routing", results);
    }
}
