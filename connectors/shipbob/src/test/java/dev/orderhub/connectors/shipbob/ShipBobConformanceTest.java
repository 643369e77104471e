package dev.orderhub.connectors.shipbob;

import java.util.List;
import java.util.function.Predicate;

import dev.orderhub.conformance.ConformanceStub;
import dev.orderhub.conformance.ConnectorConformance;
import dev.orderhub.conformance.StubTap;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The ShipBob connector in the conformance suite, chosen by its connector.yaml: the manifest and
 * its beans (a FulfilmentService, none of the capabilities it lacks). The suite has no
 * fulfilment-target tests yet, and ShipBob's published document is not among ../shared/specs
 * (the manifest names no spec): ShipBobTest covers the flows and holds every exchange to the
 * connector's own contract of the API (src/test/contract).
 */
class ShipBobConformanceTest extends ConnectorConformance {

    static final Stub STUB = new Stub(new ShipBobStub());

    ShipBobConformanceTest() {
        super("shipbob", STUB);
    }

    @DynamicPropertySource
    static void channels(DynamicPropertyRegistry registry) {
        channels(registry, "shipbob", STUB);
    }

    /**
     * The suite's stub: ShipBob as the good channel's 3PL account. One ShipBob account per hub
     * uses the connector, so the "bad" channel stays a channel of the hub's own (the suite checks
     * credentials through orders-in or stock-out, which a 3PL lacks).
     */
    static final class Stub implements ConformanceStub {

        final ShipBobStub shipbob;

        Stub(ShipBobStub shipbob) {
            this.shipbob = shipbob;
        }

        @Override
        public StubTap tap() {
            return shipbob.tap();
        }

        @Override
        public void configure(DynamicPropertyRegistry registry, String channel, boolean good) {
            if (good) {
                String properties = "orderhub.channels." + channel + ".connector.properties.";
                registry.add("orderhub.channels." + channel + ".kind", () -> "THREE_PL");
                registry.add("orderhub.channels." + channel + ".connector.name", () -> "shipbob");
                registry.add("orderhub.locations." + channel + "-us.name", () -> "ShipBob (3PL)");
                registry.add("orderhub.locations." + channel + "-us.kind", () -> "THREE_PL");
                registry.add(properties + "endpoint", shipbob::endpoint);
                registry.add(properties + "apiToken", () -> ShipBobStub.TOKEN);
                registry.add(properties + "channelId", () -> String.valueOf(ShipBobStub.CHANNEL_ID));
                registry.add(properties + "location", () -> channel + "-us");
                registry.add(properties + "webhookSecret", () -> ShipBobStub.WEBHOOK_SECRET);
                registry.add(properties + "pollInterval", () -> "1h");
                registry.add(properties + "stockInterval", () -> "1h");
            }
        }

        @Override
        public List<String> secrets() {
            return List.of(ShipBobStub.TOKEN, ShipBobStub.WEBHOOK_SECRET);
        }

        @Override
        public Predicate<StubTap.Call> calls(Flow flow) {
            return call -> flow == Flow.SHIPMENTS && call.path().startsWith("/2026-01/order");
        }
    }
}
