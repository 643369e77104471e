package dev.orderhub.messaging;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded Artemis broker (the default): one acceptor for CORE, AMQP and STOMP so ERPs
 * and 3PLs can connect, and the intake queue's redelivery and dead-letter settings. With
 * ORDERHUB_BROKER_URL set the broker is external and config/artemis/broker.xml carries the
 * same settings.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "spring.artemis.mode", havingValue = "embedded", matchIfMissing = true)
public class EmbeddedBroker {

    @Bean
    ArtemisConfigurationCustomizer orderhubBroker(
            @Value("${orderhub.broker.acceptor-host}") String host,
            @Value("${orderhub.broker.acceptor-port}") int port,
            @Value("${orderhub.queues.order-intake}") String intakeQueue,
            @Value("${orderhub.broker.max-delivery-attempts}") int maxDeliveryAttempts,
            @Value("${orderhub.broker.redelivery-delay-ms}") long redeliveryDelayMs) {
        return configuration -> {
            if (port >= 0) {
                try {
                    configuration.addAcceptorConfiguration("orderhub",
                            "tcp://" + host + ":" + port + "?protocols=CORE,AMQP,STOMP");
                } catch (Exception e) {
                    throw new IllegalStateException("broker acceptor " + host + ":" + port + " is not valid", e);
                }
            }
            configuration.setJournalType(JournalType.NIO);
            configuration.addAddressSetting(intakeQueue, new AddressSettings()
                    .setDeadLetterAddress(SimpleString.of("DLQ." + intakeQueue))
                    .setMaxDeliveryAttempts(maxDeliveryAttempts)
                    .setRedeliveryDelay(redeliveryDelayMs)
                    .setRedeliveryMultiplier(2.0)
                    .setMaxRedeliveryDelay(redeliveryDelayMs * 20));
            // The dead-letter queue is the last stop: its messages wait, retried with backoff,
            // however long the exception store (the database) is away; never dropped.
            configuration.addAddressSetting("DLQ." + intakeQueue, new AddressSettings()
                    .setMaxDeliveryAttempts(-1)
                    .setRedeliveryDelay(1000)
                    .setRedeliveryMultiplier(2.0)
                    .setMaxRedeliveryDelay(30_000));
        };
    }
}
