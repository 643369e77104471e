package dev.orderhub.connectors.webhook.bench;

import dev.orderhub.connectors.webhook.WebhookStockStub;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The oversell run with every safety buffer at zero. */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({"test", "postgres"})
class OversellZeroBuffersBenchmark extends OversellBenchmark {

    static final WebhookStockStub STUB = BenchStubs.start();

    @DynamicPropertySource
    static void channels(DynamicPropertyRegistry registry) {
        threeLocationsFiveChannels(registry, STUB);
        registry.add("orderhub.default-buffer.units", () -> "0");
    }

    @AfterAll
    static void stopStub() {
        STUB.close();
    }

    @Override
    WebhookStockStub stub() {
        return STUB;
    }

    @Override
    String name() {
        return "oversell-zero-buffers";
    }

    @Override
    String buffers() {
        return "zero on every channel";
    }
}
