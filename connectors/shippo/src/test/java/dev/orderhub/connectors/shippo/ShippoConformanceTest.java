package dev.orderhub.connectors.shippo;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import dev.orderhub.conformance.ConformanceStub;
import dev.orderhub.conformance.ConnectorConformance;
import dev.orderhub.conformance.OpenApiContract;
import dev.orderhub.conformance.StubTap;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The shippo connector against its stub: the conformance suite, chosen by connector.yaml. A
 * carrier serves no channel, so the suite's channel tests are skipped with the manifest's
 * reasons; what runs is the manifest, the beans, and every exchange of a label purchase against
 * Shippo's published spec (public-api.yaml).
 */
class ShippoConformanceTest extends ConnectorConformance {

    static final Stub STUB = new Stub();

    ShippoConformanceTest() {
        super("shippo", STUB);
    }

    @DynamicPropertySource
    static void channels(DynamicPropertyRegistry registry) {
        channels(registry, "shippo", STUB);
    }

    static final class Stub implements ConformanceStub {

        final ShippoStub shippo = new ShippoStub();
        private final StubTap tap = new StubTap(status -> "{\"detail\":\"HTTP " + status + "\"}");
        /** Shippo's published spec, where the clone has ../shared/specs (a clone without it skips the spec check). */
        private final Optional<ConformanceStub.SpecCheck> spec = OpenApiContract.available()
                ? Optional.of(OpenApiContract.check(OpenApiContract.of("carrier-shippo/public-api.yaml"))) : Optional.empty();

        Stub() {
            tap.on(shippo.context());
        }

        @Override
        public StubTap tap() {
            return tap;
        }

        /** A carrier account is not a channel's: the carrier's properties, the same for both channels of the suite. */
        @Override
        public void configure(DynamicPropertyRegistry registry, String channel, boolean good) {
            String prefix = "orderhub.carriers.shippo.properties.";
            registry.add(prefix + "endpoint", shippo::endpoint);
            registry.add(prefix + "apiToken", () -> ShippoStub.TOKEN);
            registry.add(prefix + "fromName", () -> "Warehouse Main");
            registry.add(prefix + "fromStreet1", () -> "Industrieweg 5");
            registry.add(prefix + "fromCity", () -> "Utrecht");
            registry.add(prefix + "fromZip", () -> "3542 AD");
            registry.add(prefix + "fromCountry", () -> "NL");
        }

        @Override
        public List<String> secrets() {
            return List.of(ShippoStub.TOKEN);
        }

        @Override
        public Predicate<StubTap.Call> calls(Flow flow) {
            return call -> flow == Flow.SHIPMENTS && call.method().equals("POST")
                    && (call.path().equals("/shipments") || call.path().equals("/transactions"));
        }

        @Override
        public Optional<SpecCheck> spec() {
            return spec;
        }
    }
}
