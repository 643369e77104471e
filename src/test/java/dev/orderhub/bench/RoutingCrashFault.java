package dev.orderhub.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.HubClient;
import dev.orderhub.OrderJson;
import dev.orderhub.connectors.threeplsftp.ThreePlSftpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the hub while it routes by rules, then while it takes a 3PL's shipment files over
 * SFTP. The packaged hub (PostgreSQL, embedded Artemis) routes orders from one shop over two own
 * warehouses (moving reservations between them, splitting orders in two) and a CSV-over-SFTP 3PL
 * (an in-process SFTP server plays the warehouse). Kill 1 lands while orders stream in and the
 * router moves their reservations; kill 2 while the inbound route takes the 3PL's confirmation
 * files. After each restart: every accepted order is there once and decided once, every reserved
 * unit is held at a location the decision chose (none twice, none left elsewhere), the 3PL holds
 * each of its orders once, every confirmation file is taken once and every parcel is one shipment.
 */
class RoutingCrashFault {

    private static final int SKUS = 6;
    private static final String ACCOUNT = "acme-3pl";
    private static final String THREE_PL = "acme";

    private ThreePlSftpServer sftp;
    private HubProcess hub;

    @Test
    void nothingLostNothingShippedTwiceWhenTheHubIsKilledWhileRoutingAndWhileTakingA3plFile() throws Exception {
        sftp = ThreePlSftpServer.start();
        hub = new HubProcess(null);
        Path rules = hub.dataDir.resolve("rules.yaml");
        Files.writeString(rules, """
                version: 1
                rules:
                  - id: to-3pl
                    when: {sku: ["K9R-T-*"]}
                    allocate: {from: [acme]}
                    otherwise: {queue: unfillable, reason: "the 3PL cannot ship it"}
                  - id: own
                    allocate: {from: [main, north], sort: [fewestShipments, listed], split: {maxShipments: 2}}
                    otherwise: {queue: unfillable, reason: "the own warehouses cannot ship it"}
                """);
        Map<String, Object> properties = new LinkedHashMap<>(sftp.properties(ACCOUNT, THREE_PL, "200ms", "none"));
        properties.put("orderhub.locations.north.name", "North warehouse");
        properties.put("orderhub.locations.north.kind", "OWN");
        // Intake reserves each line at the first of these that holds it; routing then moves what it decides otherwise.
        properties.put("orderhub.channels.webshop.locations[0]", "north");
        properties.put("orderhub.channels.webshop.locations[1]", "main");
        properties.put("orderhub.channels.webshop.locations[2]", THREE_PL);
        properties.put("orderhub.routing.rules-file", rules.toString());
        properties.put("orderhub.routing.interval-ms", "200");
        properties.put("orderhub.fulfilment.dispatch-interval-ms", "300");
        properties.put("orderhub.fulfilment.backoff-ms", "100");
        properties.put("orderhub.fulfilment.follow-every-ms", "500");
        Map<String, String> environment = Map.of("SPRING_APPLICATION_JSON", new ObjectMapper().writeValueAsString(properties));
        hub.start(environment);
        HubClient client = hub.client();
        for (int i = 0; i < SKUS; i++) {
            client.setStock("K9R-M-" + i, "main", 100_000);   // only at main
            client.setStock("K9R-N-" + i, "north", 100_000);  // only at north
            client.setStock("K9R-B-" + i, "north", 100_000);  // at both: intake takes north, routing main when main ships the rest
            client.setStock("K9R-B-" + i, "main", 100_000);
            client.setStock("K9R-T-" + i, THREE_PL, 100_000); // only at the 3PL
        }

        // Kill 1: orders streaming in, the router deciding them every 200 ms.
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        AtomicInteger sequence = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicBoolean loading = new AtomicBoolean(true);
        ExecutorService load = Executors.newFixedThreadPool(8);
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            clients.add(load.submit(() -> {
                while (loading.get()) {
                    int n = sequence.incrementAndGet();
                    try {
                        HubClient.Response answer = client.post("/api/channels/webshop/orders", order(n));
                        if (answer.status() == 202 || answer.status() == 200) {
                            accepted.add(answer.text("hubOrderId"));
                        }
                    } catch (RuntimeException connectionLost) {
                        failed.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> hub.single("SELECT COUNT(*) FROM routing_decisions") >= 400);
        hub.kill();
        int acceptedAtKill = accepted.size();
        long undecidedAtKill = undecided();
        long decidedAtKill = hub.single("SELECT COUNT(*) FROM routing_decisions");
        loading.set(false);
        for (Future<?> f : clients) {
            f.get(60, TimeUnit.SECONDS);
        }
        load.shutdown();
        hub.start(environment);

        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() ->
                hub.single("SELECT COUNT(*) FROM orders") >= accepted.size()
                        && hub.single("SELECT COUNT(*) FROM orders WHERE status = 'RECEIVED'") == 0
                        && undecided() == 0
                        && hub.single("SELECT COUNT(*) FROM orders WHERE status = 'ROUTED'") == 0);
        Map<String, Long> stored = new HashMap<>();
        hub.query("SELECT hub_order_id, COUNT(*) FROM orders GROUP BY hub_order_id", rs -> stored.put(rs.getString(1), rs.getLong(2)));
        long missing = accepted.stream().filter(id -> !stored.containsKey(id)).count();
        long storedTwice = stored.values().stream().filter(n -> n > 1).count();
        long decidedTwice = hub.single("SELECT COUNT(*) FROM (SELECT hub_order_id FROM routing_decisions "
                + "GROUP BY hub_order_id HAVING COUNT(*) > 1) twice");
        // A reservation of an order at a location its decision did not choose.
        long heldElsewhere = hub.single("SELECT COUNT(*) FROM reservations r WHERE NOT EXISTS (SELECT 1 FROM routing_allocations a "
                + "WHERE a.hub_order_id = r.hub_order_id AND a.location = r.location)");
        // An open line whose reserved units are not exactly its quantity.
        long linesNotHeldExactly = hub.single("SELECT COUNT(*) FROM order_lines l JOIN orders o ON o.hub_order_id = l.hub_order_id "
                + "WHERE o.status IN ('RESERVED', 'SENT_TO_FULFILMENT') AND l.qty <> (SELECT COALESCE(SUM(r.qty), 0) FROM reservations r "
                + "WHERE r.hub_order_id = l.hub_order_id AND r.line_id = l.line_id)");
        long stockRowsOff = hub.single("SELECT COUNT(*) FROM stock s WHERE s.reserved <> (SELECT COALESCE(SUM(r.qty), 0) "
                + "FROM reservations r WHERE r.sku = s.sku AND r.location = s.location)");
        long negative = hub.single("SELECT COUNT(*) FROM stock WHERE on_hand - reserved < 0 OR reserved < 0");
        long splitOrders = hub.single("SELECT COUNT(*) FROM (SELECT hub_order_id FROM routing_allocations GROUP BY hub_order_id "
                + "HAVING COUNT(*) = 2) split");
        long movedToMain = hub.single("SELECT COUNT(*) FROM reservations WHERE sku LIKE 'K9R-B-%' AND location = 'main'");
        long queued = hub.single("SELECT COUNT(*) FROM routing_queue");

        List<String> toThePl = new ArrayList<>();
        hub.query("SELECT hub_order_id FROM routing_allocations WHERE location = '" + THREE_PL + "' ORDER BY hub_order_id",
                rs -> toThePl.add(rs.getString(1)));
        await().atMost(Duration.ofSeconds(60)).until(() -> hub.single("SELECT COUNT(*) FROM orders WHERE status = 'SENT_TO_FULFILMENT'")
                == toThePl.size());
        sftp.pickUp();
        Set<String> atThePl = sftp.orders().keySet();
        int orderFilesAgain = sftp.repeats();

        // Kill 2: the 3PL confirms every order it holds, two orders a file; the hub is killed while it takes them.
        Map<String, List<String[]>> linesOf = new HashMap<>();
        hub.query("SELECT hub_order_id, line_id, qty FROM sftp3pl_order_lines ORDER BY hub_order_id, line_id",
                rs -> linesOf.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new String[] {rs.getString(2), rs.getString(3)}));
        List<String> delivered = new ArrayList<>();
        for (int i = 0; i < toThePl.size(); i += 2) {
            StringBuilder csv = new StringBuilder("order_id,line_id,qty,carrier,service,tracking_number,shipped_at\n");
            for (String id : toThePl.subList(i, Math.min(i + 2, toThePl.size()))) {
                for (String[] line : linesOf.getOrDefault(id, List.of())) {
                    csv.append(id).append(',').append(line[0]).append(',').append(line[1]).append(",DHL,Paket,JJD")
                            .append(Math.abs(id.hashCode())).append(",2026-11-27T14:05:00Z\n");
                }
            }
            String name = "SHIPPED_" + String.format("%04d", i / 2) + ".csv";
            sftp.deliver(name, csv.toString());
            delivered.add(name);
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> !sftp.names("from-3pl/done").isEmpty());
        hub.kill();
        int takenAtKill = sftp.names("from-3pl/done").size();
        hub.start(environment);

        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() ->
                sftp.names("from-3pl").isEmpty()
                        && hub.single("SELECT COUNT(*) FROM orders WHERE status = 'SENT_TO_FULFILMENT'") == 0);
        List<String> done = sftp.names("from-3pl/done");
        long filesRecorded = hub.single("SELECT COUNT(*) FROM sftp3pl_files WHERE account = '" + ACCOUNT + "'");
        long distinctDone = done.stream().map(name -> name.substring(name.indexOf('-', 9) + 1)).distinct().count();
        long shipments = hub.single("SELECT COUNT(*) FROM shipments s JOIN routing_allocations a ON a.hub_order_id = s.hub_order_id "
                + "WHERE a.location = '" + THREE_PL + "'");
        long ordersShippedTwice = hub.single("SELECT COUNT(*) FROM (SELECT hub_order_id FROM shipments GROUP BY hub_order_id "
                + "HAVING COUNT(*) > 1) twice");
        long unitsShippedOverQty = hub.single("SELECT COUNT(*) FROM order_lines l WHERE l.qty < (SELECT COALESCE(SUM(sl.qty), 0) "
                + "FROM shipment_lines sl JOIN shipments s ON s.shipment_id = sl.shipment_id "
                + "WHERE s.hub_order_id = l.hub_order_id AND sl.line_id = l.line_id)");
        long shippedStatus = hub.single("SELECT COUNT(*) FROM orders o JOIN routing_allocations a ON a.hub_order_id = o.hub_order_id "
                + "WHERE a.location = '" + THREE_PL + "' AND o.status = 'SHIPPED'");
        long raised = hub.single("SELECT COUNT(*) FROM exceptions WHERE source LIKE '3pl-sftp:%'");
        long reservedAtThePl = hub.single("SELECT COALESCE(SUM(qty), 0) FROM reservations WHERE location = '" + THREE_PL + "'");

        Map<String, Object> results = BenchResults.start("fault-kill9-routing", "bench/faults");
        results.put("setup", "hub jar as its own process on PostgreSQL + embedded Artemis; one shop over two own warehouses and a "
                + "CSV-over-SFTP 3PL (in-process SFTP server), rules routing every 200 ms; 8 clients posting orders; kill -9 after "
                + "400 decisions; then the 3PL confirms every order, 2 a file, and the hub is killed once it took the first file");
        results.put("ordersAcceptedWith2xx", accepted.size());
        results.put("ordersAcceptedAtKill", acceptedAtKill);
        results.put("decisionsAtKill", decidedAtKill);
        results.put("reservedUndecidedAtKill", undecidedAtKill);
        results.put("requestsFailedByTheKill", failed.get());
        results.put("acceptedButMissing", missing);
        results.put("storedTwice", storedTwice);
        results.put("decidedTwice", decidedTwice);
        results.put("reservationsAtALocationNotChosen", heldElsewhere);
        results.put("openLinesNotHeldExactly", linesNotHeldExactly);
        results.put("stockRowsWhoseReservedIsOff", stockRowsOff);
        results.put("negativeStockRows", negative);
        results.put("ordersSplitInTwo", splitOrders);
        results.put("linesMovedToMain", movedToMain);
        results.put("ordersQueued", queued);
        results.put("ordersRoutedTo3pl", toThePl.size());
        results.put("ordersThe3plHolds", atThePl.size());
        results.put("orderFilesWrittenAgain", orderFilesAgain);
        results.put("confirmationFilesDelivered", delivered.size());
        results.put("confirmationFilesTakenAtKill", takenAtKill);
        results.put("confirmationFilesRecorded", filesRecorded);
        results.put("confirmationFilesInDone", done.size());
        results.put("shipmentsOf3plOrders", shipments);
        results.put("ordersShippedTwice", ordersShippedTwice);
        results.put("linesShippedOverTheirQty", unitsShippedOverQty);
        results.put("3plOrdersShipped", shippedStatus);
        results.put("exceptionsRaisedBy3plFiles", raised);
        BenchResults.write("fault-kill9-routing", results);

        assertThat(missing).as("orders answered 2xx but not stored").isZero();
        assertThat(storedTwice).isZero();
        assertThat(decidedTwice).as("orders decided twice").isZero();
        assertThat(heldElsewhere).as("units held at a location the decision did not choose").isZero();
        assertThat(linesNotHeldExactly).as("open lines reserved other than their quantity").isZero();
        assertThat(stockRowsOff).isZero();
        assertThat(negative).isZero();
        assertThat(queued).isZero();
        assertThat(splitOrders).as("orders split over both warehouses").isPositive();
        assertThat(movedToMain).as("lines routing moved from north to main").isPositive();
        assertThat(toThePl).isNotEmpty();
        assertThat(atThePl).as("the 3PL holds each of its orders once").containsExactlyInAnyOrderElementsOf(toThePl);
        assertThat(filesRecorded).isEqualTo(delivered.size());
        assertThat(done).hasSize(delivered.size());
        assertThat(distinctDone).isEqualTo(delivered.size());
        assertThat(shipments).as("one shipment per 3PL order").isEqualTo(toThePl.size());
        assertThat(ordersShippedTwice).isZero();
        assertThat(unitsShippedOverQty).isZero();
        assertThat(shippedStatus).isEqualTo(toThePl.size());
        assertThat(raised).as("no file raised as a problem").isZero();
        assertThat(reservedAtThePl).as("nothing left reserved at the 3PL").isZero();
    }

    /** Four shapes: a 3PL order; main ships both lines (one moved from north); a split over both; one line moved to main. */
    private static String order(int n) {
        int sku = n % SKUS;
        OrderJson order = OrderJson.order("K9R-" + n);
        switch (n % 4) {
            case 0 -> order.line("K9R-T-" + sku, 1 + n % 3);
            case 1 -> order.line("K9R-M-" + sku, 1).line("K9R-B-" + sku, 2);
            case 2 -> order.line("K9R-N-" + sku, 1).line("K9R-M-" + sku, 1);
            default -> order.line("K9R-B-" + sku, 1);
        }
        return order.json();
    }

    private long undecided() throws Exception {
        return hub.single("SELECT COUNT(*) FROM orders o WHERE o.status = 'RESERVED' AND NOT EXISTS "
                + "(SELECT 1 FROM routing_decisions d WHERE d.hub_order_id = o.hub_order_id)");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (hub != null) {
            hub.close();
        }
        if (sftp != null) {
            sftp.close();
        }
    }
}
