package dev.orderhub.connectors.shopify;

import dev.orderhub.conformance.ConnectorConformance;
import org.junit.jupiter.api.AfterAll;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Shopify against its sandbox: the conformance suite, chosen by connector.yaml, every exchange against the Admin GraphQL schema. */
class ShopifyConformanceTest extends ConnectorConformance {

    static final ShopifyStub STUB = new ShopifyStub();

    ShopifyConformanceTest() {
        super("shopify", STUB);
    }

    @DynamicPropertySource
    static void channels(DynamicPropertyRegistry registry) {
        channels(registry, "shopify", STUB);
    }

    @AfterAll
    static void stopSandbox() {
        STUB.sandbox.close();
    }
}
