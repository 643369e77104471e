package dev.orderhub.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.orderhub.HubClient;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.kpi.KpiThresholds;
import dev.orderhub.kpi.Kpis;
import dev.orderhub.kpi.ReportedKpis;
import dev.orderhub.order.OrderFacts;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;

/**
 * The console's pages with 100,000 orders in the database (PostgreSQL): 60 days of orders on
 * four channels in every status, their lines, history, parcels, confirmations, reservations and a
 * day's outbox, 2,000 skus, 500 open exceptions. Each page is fetched 20 times to warm up, then
 * 30 times in a row; p50, p95 and max per page (goal: every page under 200 ms), and the first
 * request's time. The KPIs are read with the shipped default ({@code orderhub.kpi.refresh} 60 s,
 * the tests use 0), and what a read of them costs uncached is measured apart.
 * {@code mvn -B -Pbench test -Dtest=ConsoleBenchmark}; {@code -Dbench.orders=N} for another size.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"logging.level.root=WARN",
        "orderhub.kpi.refresh=60s"})
@ActiveProfiles({"test", "postgres"})
class ConsoleBenchmark {

    static final int ORDERS = Integer.getInteger("bench.orders", 100_000);
    static final int SKUS = 2000;

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;
    @Autowired
    OrderFacts facts;
    @Autowired
    ChannelRegistry channels;
    @Autowired
    ReportedKpis reported;
    @Autowired
    KpiThresholds thresholds;

    @Test
    void everyPageUnder200MillisecondsWith100000Orders() {
        long seeding = System.nanoTime();
        seed();
        long seeded = (System.nanoTime() - seeding) / 1_000_000;
        HubClient hub = new HubClient(port);
        String someOrder = jdbc.sql("SELECT hub_order_id FROM orders WHERE status = 'SHIPPED' ORDER BY seq DESC LIMIT 1")
                .query(String.class).single();
        long someException = jdbc.sql("SELECT MAX(id) FROM exceptions").query(Long.class).single();
        Map<String, String> pages = new LinkedHashMap<>();
        pages.put("overview", "/");
        pages.put("orders", "/console/orders");
        pages.put("orders of a channel and status", "/console/orders?channel=b2b&status=SHIPPED");
        pages.put("orders by sku", "/console/orders?sku=BENCH-17");
        pages.put("orders at risk", "/console/orders?atRisk=true");
        pages.put("orders placed in a week", "/console/orders?placedFrom=" + java.time.LocalDate.now().minusDays(7));
        pages.put("order detail", "/console/orders/" + someOrder);
        pages.put("stock", "/console/stock");
        pages.put("sku detail", "/console/stock/sku/BENCH-17");
        pages.put("exceptions", "/console/exceptions");
        pages.put("exception detail", "/console/exceptions/" + someException);
        pages.put("channels", "/console/channels");
        pages.put("kpis", "/console/kpis");
        pages.put("kpis of a channel over 60 days", "/console/kpis?channel=b2b&days=60");
        pages.put("api kpis", "/api/kpis");
        pages.put("alerts", "/console/alerts");
        pages.put("api overview", "/api/overview");

        Map<String, Object> results = BenchResults.start("console-pages", "mvn -B -Pbench test -Dtest=ConsoleBenchmark");
        results.put("orders", jdbc.sql("SELECT COUNT(*) FROM orders").query(Long.class).single());
        results.put("seedMillis", seeded);
        Map<String, Object> perPage = new LinkedHashMap<>();
        long worstP95 = 0;
        for (Map.Entry<String, String> page : pages.entrySet()) {
            long firstStart = System.nanoTime();
            HubClient.Response first = hub.get(page.getValue());
            long firstMicros = (System.nanoTime() - firstStart) / 1000;
            if (first.status() == 404 && page.getValue().startsWith("/console/") && first.body().contains("no resource")) {
                perPage.put(page.getKey(), "not built");
                continue;
            }
            assertThat(first.status()).as(page.getKey() + ": " + first.body()).isEqualTo(200);
            for (int i = 0; i < 19; i++) {
                hub.get(page.getValue());
            }
            List<Long> micros = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                long start = System.nanoTime();
                HubClient.Response answer = hub.get(page.getValue());
                micros.add((System.nanoTime() - start) / 1000);
                assertThat(answer.status()).isEqualTo(200);
            }
            micros.sort(Long::compare);
            long p95 = BenchResults.percentile(micros, 95);
            worstP95 = Math.max(worstP95, p95);
            perPage.put(page.getKey(), Map.of("path", page.getValue(), "p50Ms", BenchResults.percentile(micros, 50) / 1000.0,
                    "p95Ms", p95 / 1000.0, "maxMs", micros.get(micros.size() - 1) / 1000.0,
                    "firstMs", firstMicros / 1000.0, "bytes", first.body().length()));
        }
        results.put("pages", perPage);
        results.put("kpiReadMillis", kpiReads());
        results.put("worstP95Ms", worstP95 / 1000.0);
        BenchResults.write("console-pages", results);
    }

    /**
     * What reading the KPIs' day counts costs when nothing is cached (the console and the alerts
     * then use them for {@code orderhub.kpi.refresh}): every channel now, and one channel's 60 days.
     */
    private Map<String, Object> kpiReads() {
        Kpis uncached = new Kpis(facts, channels, reported, thresholds, Clock.systemUTC(), Duration.ZERO);
        Map<String, Object> millis = new LinkedHashMap<>();
        for (int round = 0; round < 2; round++) {
            long start = System.nanoTime();
            uncached.current(null);
            long current = (System.nanoTime() - start) / 1_000_000;
            start = System.nanoTime();
            uncached.histories("b2b", 60);
            long histories = (System.nanoTime() - start) / 1_000_000;
            millis.put("round" + (round + 1), Map.of("allChannelsNow", current, "oneChannel60Days", histories));
        }
        return millis;
    }

    /** 100,000 orders written by SQL (the importer would take minutes; the pages read the same tables). */
    private void seed() {
        jdbc.sql("INSERT INTO stock (sku, location, on_hand, reserved, updated_at) "
                + "SELECT 'BENCH-' || s, 'main', CASE WHEN s % 40 = 0 THEN 0 ELSE 1000 END, 0, now() FROM generate_series(0, " + (SKUS - 1) + ") s")
                .update();
        jdbc.sql("INSERT INTO orders (hub_order_id, channel, channel_order_id, status, fulfilment_mode, placed_at, ship_by, "
                + "deliver_by, currency, ship_to_name, ship_to_line1, ship_to_city, ship_to_postal, ship_to_country, received_at, updated_at) "
                + "SELECT 'oh-bench' || lpad(g::text, 16, '0'), (ARRAY['webshop','b2b','pos','manual'])[1 + g % 4], 'B-' || g, "
                + "(ARRAY['RESERVED','SHIPPED','SHIPPED','SHIPPED','CANCELLED','BACKORDERED','ON_HOLD','SHIPPED'])[1 + g % 8], "
                + "'MERCHANT', p, p + interval '1 day', p + interval '3 days', 'EUR', 'Bench Buyer', 'Street 1', 'Amsterdam', "
                + "'1000 AA', 'NL', p, p FROM (SELECT g, now() - ((" + ORDERS + " - g) * interval '60 days' / " + ORDERS + ") AS p "
                + "FROM generate_series(1, " + ORDERS + ") g) o").update();
        jdbc.sql("INSERT INTO order_lines (hub_order_id, line_id, position, sku, qty, unit_price, tax) "
                + "SELECT hub_order_id, '1', 0, 'BENCH-' || (seq % " + SKUS + "), 1 + seq % 3, 19.95, 3.46 FROM orders").update();
        jdbc.sql("INSERT INTO order_events (hub_order_id, type, from_status, to_status, detail, at) "
                + "SELECT hub_order_id, 'RECEIVED', NULL, 'RECEIVED', 'from channel ' || channel, placed_at FROM orders").update();
        jdbc.sql("INSERT INTO order_events (hub_order_id, type, from_status, to_status, detail, at) "
                + "SELECT hub_order_id, status, 'RECEIVED', status, NULL, placed_at + interval '1 second' FROM orders").update();
        jdbc.sql("INSERT INTO shipments (shipment_id, hub_order_id, carrier, service, tracking_number, shipped_at, recorded_at) "
                + "SELECT 'sh-' || hub_order_id, hub_order_id, 'DHL', 'parcel', 'JVGL' || lpad(seq::text, 16, '0'), "
                + "placed_at + CASE WHEN seq % 17 = 0 THEN interval '30 hours' ELSE interval '20 hours' END, "
                + "placed_at + interval '20 hours' FROM orders WHERE status = 'SHIPPED'").update();
        // Parcels with valid tracking, most delivered two days after shipping (some late), seller's cancellations.
        jdbc.sql("UPDATE shipments SET tracking_valid = TRUE, delivered_at = CASE WHEN shipped_at < now() - interval '2 days' "
                + "THEN shipped_at + CASE WHEN hashtext(shipment_id) % 9 = 0 THEN interval '4 days' ELSE interval '2 days' END END").update();
        jdbc.sql("UPDATE orders SET cancelled_by = CASE WHEN seq % 3 = 0 THEN 'BUYER' ELSE 'SELLER' END, "
                + "cancelled_at = placed_at + interval '2 hours' WHERE status = 'CANCELLED'").update();
        jdbc.sql("INSERT INTO shipment_lines (shipment_id, line_id, qty) SELECT 'sh-' || o.hub_order_id, '1', l.qty "
                + "FROM orders o JOIN order_lines l ON l.hub_order_id = o.hub_order_id WHERE o.status = 'SHIPPED'").update();
        jdbc.sql("INSERT INTO channel_confirmations (shipment_id, channel, status, attempts, next_attempt_at, confirmed_at) "
                + "SELECT s.shipment_id, o.channel, CASE WHEN o.seq % 101 = 0 THEN 'REJECTED' ELSE 'CONFIRMED' END, 1, "
                + "s.recorded_at, s.recorded_at + interval '1 minute' FROM shipments s JOIN orders o ON o.hub_order_id = s.hub_order_id "
                + "WHERE o.channel IN ('webshop', 'b2b')").update();
        jdbc.sql("INSERT INTO reservations (hub_order_id, line_id, sku, location, qty, ship_by, reserved_at) "
                + "SELECT o.hub_order_id, '1', l.sku, 'main', l.qty, o.ship_by, o.placed_at FROM orders o "
                + "JOIN order_lines l ON l.hub_order_id = o.hub_order_id WHERE o.status = 'RESERVED'").update();
        jdbc.sql("UPDATE stock s SET on_hand = on_hand + r.qty, reserved = r.qty FROM "
                + "(SELECT sku, location, SUM(qty) AS qty FROM reservations GROUP BY sku, location) r "
                + "WHERE s.sku = r.sku AND s.location = r.location").update();
        jdbc.sql("INSERT INTO outbox (event_id, type, group_key, payload, created_at, published_at) "
                + "SELECT md5(hub_order_id || t), t, hub_order_id, '{}', placed_at, placed_at FROM orders, "
                + "(VALUES ('order.received'), ('order.reserved'), ('order.shipped')) v(t) WHERE placed_at > now() - interval '1 day'").update();
        jdbc.sql("INSERT INTO exceptions (source, reason, payload, status, created_at) "
                + "SELECT 'queue:orders.intake', 'currency: is required', '{\"channel\":\"webshop\"}', 'OPEN', now() - g * interval '1 minute' "
                + "FROM generate_series(1, 500) g").update();
        jdbc.sql("ANALYZE").update();
    }
}
