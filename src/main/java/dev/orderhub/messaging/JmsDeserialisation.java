package dev.orderhub.messaging;

import jakarta.jms.ConnectionFactory;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.jms.connection.DelegatingConnectionFactory;

/**
 * The hub never deserialises a JMS ObjectMessage: whoever can put a message on a queue would
 * choose the classes that ObjectInputStream instantiates. The hub reads text and bytes only
 * (see {@link JmsBodies}); as a second line, its connection factory denies every class ("*"),
 * so even an accidental getObject() fails instead of deserialising.
 */
@Configuration(proxyBeanMethods = false)
public class JmsDeserialisation {

    /** Artemis: a class on the deny list is refused; "*" denies all, whatever the allow list says. */
    public static final String DENY_ALL = "*";

    @Bean
    static BeanPostProcessor orderhubDenyDeserialisation() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof ConnectionFactory factory) {
                    denyAll(factory);
                }
                return bean;
            }
        };
    }

    static void denyAll(ConnectionFactory factory) {
        ConnectionFactory target = factory;
        if (factory instanceof CachingConnectionFactory caching && caching.getTargetConnectionFactory() != null) {
            target = caching.getTargetConnectionFactory();
        } else if (factory instanceof DelegatingConnectionFactory delegating && delegating.getTargetConnectionFactory() != null) {
            target = delegating.getTargetConnectionFactory();
        }
        if (target instanceof ActiveMQConnectionFactory artemis) {
            artemis.setDeserializationDenyList(DENY_ALL);
            artemis.setDeserializationAllowList(null);
        }
    }
}
