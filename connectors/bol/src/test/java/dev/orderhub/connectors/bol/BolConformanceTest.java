package dev.orderhub.connectors.bol;

import dev.orderhub.conformance.ConnectorConformance;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** bol.com against its sandbox: the conformance suite, chosen by connector.yaml, every exchange checked against the v10 spec. */
class BolConformanceTest extends ConnectorConformance {

    static final BolStub STUB = new BolStub();

    BolConformanceTest() {
        super("bol", STUB);
    }

    @DynamicPropertySource
    static void channels(DynamicPropertyRegistry registry) {
        channels(registry, "bol", STUB);
    }
}
