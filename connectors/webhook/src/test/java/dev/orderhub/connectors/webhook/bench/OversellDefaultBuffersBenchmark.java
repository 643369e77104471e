package dev.orderhub.connectors.webhook.bench;

import dev.orderhub.connectors.webhook.WebhookStockStub;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The oversell run with the default buffer of config/channels.yaml for pushed channels. */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({"test", "postgres"})
class OversellDefaultBuffersBenchmark extends OversellBenchmark {

    static final WebhookStockStub STUB = BenchStubs.start();

    @DynamicPropertySource
    static void channels(DynamicPropertyRegistry registry) {
        threeLocationsFiveChannels(registry, STUB);
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
        return "oversell-default-buffers";
    }

    @Override
    String buffers() {
        return "default: 1 unit per sku per pushed channel (config/channels.yaml default-buffer)";
    }
}
