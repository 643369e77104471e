package dev.orderhub.connectors.ebay;

import dev.orderhub.conformance.ConnectorConformance;
import org.junit.jupiter.api.AfterAll;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** eBay against its sandbox: the conformance suite, chosen by connector.yaml, every exchange against the two contracts. */
class EbayConformanceTest extends ConnectorConformance {

    static final EbayStub STUB = new EbayStub();

    EbayConformanceTest() {
        super("ebay", STUB);
    }

    @DynamicPropertySource
    static void channels(DynamicPropertyRegistry registry) {
        channels(registry, "ebay", STUB);
    }

    @AfterAll
    static void stop() {
        STUB.sandbox.close();
    }
}
