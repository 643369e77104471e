package dev.orderhub.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

class ExternalBrokerTest {

    @Test
    void brokerUrlSwitchesToTheExternalBroker() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("spring.artemis.mode", "embedded")
                .withProperty("ORDERHUB_BROKER_URL", "tcp://artemis:61616")
                .withProperty("ORDERHUB_BROKER_USER", "hub")
                .withProperty("ORDERHUB_BROKER_PASSWORD", "from-env");

        new ExternalBroker().postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("spring.artemis.mode")).isEqualTo("native");
        assertThat(environment.getProperty("spring.artemis.broker-url")).isEqualTo("tcp://artemis:61616");
        assertThat(environment.getProperty("spring.artemis.user")).isEqualTo("hub");
        assertThat(environment.getProperty("spring.artemis.password")).isEqualTo("from-env");
    }

    @Test
    void withoutBrokerUrlTheEmbeddedBrokerStays() {
        MockEnvironment environment = new MockEnvironment().withProperty("spring.artemis.mode", "embedded");

        new ExternalBroker().postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("spring.artemis.mode")).isEqualTo("embedded");
    }
}
