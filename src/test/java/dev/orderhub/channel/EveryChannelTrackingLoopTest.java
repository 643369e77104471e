package dev.orderhub.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.HubClient;
import dev.orderhub.connector.Sandbox;
import dev.orderhub.connectors.shippo.ShippoStub;
import dev.orderhub.connectors.threeplsftp.ThreePlSftpServer;
import dev.orderhub.order.HubOrderIds;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The loop back to the channel, from every kind of location: each installed connector's sandbox
 * (Amazon, Shopify, bol.com, eBay, the webhook shop) sells two orders of two units. Rules route
 * one to a CSV-over-SFTP 3PL (an in-process SFTP server plays the warehouse), which ships it in
 * two parcels, one confirmation file each; the other stays at the own warehouse, which ships it
 * in two parcels too, each with a label bought from Shippo (its stub) or, for an order whose
 * channel gives no address, recorded by hand. Every parcel's tracking number reaches the order's
 * own channel through its connector, the partial one as well as the last, and nothing reaches
 * any other channel.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@ActiveProfiles("test")
class EveryChannelTrackingLoopTest {

    static final int PORT = freePort();
    static final String OWN_SKU = "LOOP-OWN";
    static final String THREE_PL_SKU = "LOOP-3PL";
    static final String THREE_PL = "loop-acme";
    static final Map<String, Sandbox> SANDBOXES = new LinkedHashMap<>();
    static final Map<String, Map<String, String>> PROPERTIES = new LinkedHashMap<>();
    static final ThreePlSftpServer SFTP = ThreePlSftpServer.start();
    static final ShippoStub SHIPPO = new ShippoStub();
    static final Path RULES = rules();

    static {
        for (Sandbox sandbox : ServiceLoader.load(Sandbox.class)) {
            String channel = sandbox.connector() + "-loop";
            PROPERTIES.put(channel, sandbox.start(channel, List.of(OWN_SKU, THREE_PL_SKU), URI.create("http://127.0.0.1:" + PORT)));
            SANDBOXES.put(channel, sandbox);
        }
    }

    @DynamicPropertySource
    static void channels(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
        registry.add("orderhub.default-buffer.units", () -> "0");
        PROPERTIES.forEach((channel, properties) -> {
            String prefix = "orderhub.channels." + channel + ".";
            registry.add(prefix + "name", () -> channel);
            registry.add(prefix + "locations[0]", () -> "main");
            registry.add(prefix + "locations[1]", () -> THREE_PL);
            registry.add(prefix + "buffer.units", () -> "0");
            registry.add(prefix + "connector.name", () -> SANDBOXES.get(channel).connector());
            properties.forEach((key, value) -> registry.add(prefix + "connector.properties." + key, () -> value));
        });
        SFTP.properties("loop-3pl", THREE_PL, "200ms", "none").forEach((key, value) -> registry.add(key, () -> value));
        registry.add("orderhub.routing.rules-file", RULES::toString);
        registry.add("orderhub.routing.interval-ms", () -> "200");
        registry.add("orderhub.fulfilment.dispatch-interval-ms", () -> "200");
        registry.add("orderhub.fulfilment.follow-every-ms", () -> "0");
        registry.add("orderhub.fulfilment.backoff-ms", () -> "50");
        String shippo = "orderhub.carriers.shippo.properties.";
        registry.add(shippo + "endpoint", SHIPPO::endpoint);
        registry.add(shippo + "apiToken", () -> ShippoStub.TOKEN);
        registry.add(shippo + "fromName", () -> "Warehouse Main");
        registry.add(shippo + "fromStreet1", () -> "Industrieweg 5");
        registry.add(shippo + "fromCity", () -> "Utrecht");
        registry.add(shippo + "fromZip", () -> "3542 AD");
        registry.add(shippo + "fromCountry", () -> "NL");
        registry.add("orderhub.orders-in.poll-interval-ms", () -> "300");
        registry.add("orderhub.shipment-confirm.interval-ms", () -> "200");
        registry.add("orderhub.shipment-confirm.backoff-ms", () -> "100");
        registry.add("orderhub.listings.interval-ms", () -> "3600000");
    }

    /** The 3PL's sku goes to the 3PL; everything else ships from the channel's own locations. */
    private static Path rules() {
        try {
            Path file = Files.createTempFile("loop-rules", ".yaml");
            Files.writeString(file, """
                    version: 1
                    rules:
                      - id: to-3pl
                        when: {sku: ["%s"]}
                        allocate: {from: [%s]}
                        otherwise: {queue: unfillable, reason: "the 3PL cannot ship it"}
                      - id: own
                        allocate: {from: [main]}
                        otherwise: {queue: unfillable, reason: "main cannot ship it"}
                    """.formatted(THREE_PL_SKU, THREE_PL));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stop() {
        SANDBOXES.values().forEach(Sandbox::close);
        SFTP.close();
        SHIPPO.close();
    }

    @Autowired
    Connectors connectors;
    HubClient hub;

    @BeforeEach
    void setUp() {
        Assumptions.assumeTrue(!SANDBOXES.isEmpty(), "no connector with a sandbox is installed: no channel to confirm to");
        hub = new HubClient(PORT);
    }

    @Test
    void everyParcelFromThe3plAndFromTheOwnWarehouseReachesItsOwnChannelPartialOnesIncluded() throws Exception {
        hub.setStock(OWN_SKU, "main", 100);
        hub.setStock(THREE_PL_SKU, THREE_PL, 100);
        Map<String, String> byThe3pl = new LinkedHashMap<>();   // hub order id -> channel
        Map<String, String> byMain = new LinkedHashMap<>();
        Map<String, String> channelOrderId = new LinkedHashMap<>();
        SANDBOXES.forEach((channel, sandbox) -> {
            String toThe3pl = sandbox.placeOrder(THREE_PL_SKU, 2);
            String fromMain = sandbox.placeOrder(OWN_SKU, 2);
            byThe3pl.put(HubOrderIds.of(channel, toThe3pl), channel);
            byMain.put(HubOrderIds.of(channel, fromMain), channel);
            channelOrderId.put(HubOrderIds.of(channel, toThe3pl), toThe3pl);
            channelOrderId.put(HubOrderIds.of(channel, fromMain), fromMain);
        });

        // Routed by the rules: the 3PL's orders sent to it, the others decided for main.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                byThe3pl.keySet().stream().allMatch(id -> "SENT_TO_FULFILMENT".equals(status(id)))
                        && byMain.keySet().stream().allMatch(id -> "RESERVED".equals(status(id))
                        && hub.get("/api/orders/" + id + "/routing").json().path("decisions").size() > 0));
        SFTP.pickUp();
        assertThat(SFTP.orders().keySet()).containsExactlyInAnyOrderElementsOf(byThe3pl.keySet());

        Map<String, List<String>> expected = new LinkedHashMap<>();   // hub order id -> tracking numbers, in order
        // Parcel one of each: one unit. Then parcel two: the other unit.
        for (int parcel = 1; parcel <= 2; parcel++) {
            StringBuilder csv = new StringBuilder("order_id,line_id,qty,carrier,service,tracking_number,shipped_at\n");
            for (String id : byThe3pl.keySet()) {
                String tracking = "3PL" + parcel + "X" + Math.abs(id.hashCode());
                csv.append(id).append(',').append(lineId(id)).append(",1,DHL,Paket,").append(tracking)
                        .append(",2026-11-27T1").append(parcel).append(":05:00Z\n");
                expected.computeIfAbsent(id, k -> new ArrayList<>()).add(tracking);
            }
            SFTP.deliver("SHIPPED_" + parcel + ".csv", csv.toString());
            int shipped = parcel;
            await().atMost(Duration.ofSeconds(30)).until(() -> byThe3pl.keySet().stream()
                    .allMatch(id -> hub.get("/api/orders/" + id + "/shipments").json().size() == shipped));
        }

        Map<String, String> howShipped = new LinkedHashMap<>();
        for (String id : byMain.keySet()) {
            boolean hasAddress = !hub.get("/api/orders/" + id).json().path("shipTo").path("line1").asText("").isEmpty();
            for (int parcel = 1; parcel <= 2; parcel++) {
                String lines = "[{\"lineId\": \"" + lineId(id) + "\", \"qty\": 1}]";
                HubClient.Response shipped;
                if (hasAddress) {
                    shipped = hub.post("/api/orders/" + id + "/labels", "{\"lines\": " + lines + "}");
                    assertThat(shipped.status()).as(byMain.get(id) + ": " + shipped.body()).isEqualTo(201);
                    expected.computeIfAbsent(id, k -> new ArrayList<>()).add(shipped.json().path("label").path("trackingNumber").asText());
                } else {
                    String tracking = "OWN" + parcel + "X" + Math.abs(id.hashCode());
                    shipped = hub.post("/api/orders/" + id + "/shipments", "{\"carrier\": \"PostNL\", \"trackingNumber\": \""
                            + tracking + "\", \"lines\": " + lines + "}");
                    assertThat(shipped.status()).as(byMain.get(id) + ": " + shipped.body()).isEqualTo(201);
                    expected.computeIfAbsent(id, k -> new ArrayList<>()).add(tracking);
                }
            }
            howShipped.put(byMain.get(id), hasAddress ? "shippo label" : "by hand (no address from the channel)");
        }
        Map<String, String> channelOf = new LinkedHashMap<>(byThe3pl);
        channelOf.putAll(byMain);
        assertThat(channelOf.keySet()).allSatisfy(id -> assertThat(status(id)).as(id).isEqualTo("SHIPPED"));

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                expected.forEach((id, tracking) -> {
                    String channel = channelOf.get(id);
                    if (!takesTracking(channel)) {
                        return;
                    }
                    assertThat(SANDBOXES.get(channel).tracking().getOrDefault(channelOrderId.get(id), List.of()))
                            .as(channel + " order " + channelOrderId.get(id) + " told every parcel once, the partial one too")
                            .containsExactlyInAnyOrderElementsOf(tracking);
                }));
        int channelsTold = 0;
        for (Map.Entry<String, Sandbox> entry : SANDBOXES.entrySet()) {
            String channel = entry.getKey();
            if (!takesTracking(channel)) {
                continue;
            }
            channelsTold++;
            List<String> others = expected.entrySet().stream().filter(e -> !channel.equals(channelOf.get(e.getKey())))
                    .flatMap(e -> e.getValue().stream()).toList();
            assertThat(entry.getValue().tracking().values().stream().flatMap(List::stream)).as(channel + " got no other channel's tracking")
                    .doesNotContainAnyElementsOf(others);
        }
        assertThat(hub.get("/api/exceptions?source=3pl-sftp:loop-3pl:inbound").json().path("items")).isEmpty();
        System.out.printf("tracking loop: %d channels (%d take tracking) %s; own parcels %s%n", SANDBOXES.size(), channelsTold,
                SANDBOXES.keySet(), howShipped);
    }

    private boolean takesTracking(String channel) {
        return connectors.shipmentConfirmation(channel).isPresent();
    }

    private String status(String hubOrderId) {
        HubClient.Response response = hub.get("/api/orders/" + hubOrderId);
        return response.status() == 200 ? response.text("status") : "";
    }

    private String lineId(String hubOrderId) {
        JsonNode lines = hub.get("/api/orders/" + hubOrderId).json().path("lines");
        assertThat(lines).as(hubOrderId + " has one line").hasSize(1);
        return lines.get(0).path("lineId").asText();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
