package dev.orderhub.messaging;

import java.io.File;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.core.settings.impl.HierarchicalObjectRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The embedded Artemis broker (the default): one acceptor for CORE, AMQP and STOMP so ERPs
 * and 3PLs can connect, security on, and the permissions and redelivery settings of
 * config/artemis/broker.properties, the same file docker-compose gives the external broker.
 *
 * <p>Security: the hub's own in-VM connections have the hub's role; every other connection
 * logs in as a user of {@code orderhub.broker.users} (see {@link BrokerSecurityManager}). A
 * configuration that lets any role but the hub's consume or browse the intake queue or a
 * dead-letter queue is refused at start-up.
 */
@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "spring.artemis.mode", havingValue = "embedded", matchIfMissing = true)
public class EmbeddedBroker {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
    /** What only the hub may do on the intake queue and the dead-letter queues: take or read its messages. */
    private static final Set<CheckType> READING = EnumSet.of(CheckType.CONSUME, CheckType.BROWSE);

    @Bean
    ArtemisConfigurationCustomizer orderhubBroker(
            @Value("${orderhub.broker.acceptor-host}") String host,
            @Value("${orderhub.broker.acceptor-port}") int port,
            @Value("${orderhub.broker.properties-file:config/artemis/broker.properties}") String propertiesFile,
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
            configuration.setSecurityEnabled(true);
            // Every login and every check asks BrokerSecurityManager: no cached answer can be
            // taken for another connection's (the in-VM hub and an anonymous client both log in without a user).
            configuration.setAuthenticationCacheSize(0);
            configuration.setAuthorizationCacheSize(0);
            applyBrokerProperties(configuration, new File(propertiesFile));
            // The intake queue's redelivery from orderhub.broker.* (tests: 3 attempts, 50 ms), over the file's.
            AddressSettings intake = configuration.getAddressSettings().getOrDefault(intakeQueue, new AddressSettings());
            configuration.addAddressSetting(intakeQueue, intake
                    .setDeadLetterAddress(SimpleString.of("DLQ." + intakeQueue))
                    .setAutoCreateDeadLetterResources(false)
                    .setMaxDeliveryAttempts(maxDeliveryAttempts)
                    .setRedeliveryDelay(redeliveryDelayMs)
                    .setRedeliveryMultiplier(2.0)
                    .setMaxRedeliveryDelay(redeliveryDelayMs * 20));
            // The dead-letter queue is the last stop: its messages wait, retried with backoff,
            // however long the exception store (the database) is away; never dropped.
            AddressSettings deadLetters = configuration.getAddressSettings().getOrDefault("DLQ." + intakeQueue,
                    new AddressSettings().setRedeliveryDelay(1000).setRedeliveryMultiplier(2.0).setMaxRedeliveryDelay(30_000));
            configuration.addAddressSetting("DLQ." + intakeQueue, deadLetters.setMaxDeliveryAttempts(-1));
            refuseOutsideReaders(configuration, intakeQueue);
        };
    }

    /** Installs the hub's security manager on the embedded broker before it starts. */
    @Bean
    static BeanPostProcessor orderhubBrokerSecurity(Environment environment, ObjectProvider<MeterRegistry> meters) {
        Map<String, BrokerSecurityManager.User> users = users(environment);
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof EmbeddedActiveMQ broker) {
                    broker.setSecurityManager(new BrokerSecurityManager(users, kind -> {
                        MeterRegistry registry = meters.getIfAvailable();
                        if (registry != null) {
                            Counter.builder("orderhub.broker.logins.refused").description("broker logins refused")
                                    .tag("kind", kind).register(registry).increment();
                        }
                    }));
                }
                return bean;
            }
        };
    }

    /** The users of orderhub.broker.users; one without a password is not created (nothing is open by default). */
    static Map<String, BrokerSecurityManager.User> users(Environment environment) {
        Map<String, UserProperties> configured = Binder.get(environment)
                .bind("orderhub.broker.users", Bindable.mapOf(String.class, UserProperties.class)).orElse(Map.of());
        Map<String, BrokerSecurityManager.User> users = new LinkedHashMap<>();
        configured.forEach((name, user) -> {
            if (BrokerSecurityManager.INTERNAL_USER.equals(name)) {
                throw new IllegalStateException("orderhub.broker.users." + name + ": the name is reserved for the hub's in-VM connections");
            }
            if (user.password() == null || user.password().isBlank()) {
                LOG.info("broker user {} has no password set: not created", name);
                return;
            }
            if (user.roles() == null || user.roles().isEmpty()) {
                throw new IllegalStateException("orderhub.broker.users." + name + ".roles: a user needs at least one role");
            }
            users.put(name, new BrokerSecurityManager.User(user.password(), new LinkedHashSet<>(user.roles())));
        });
        return users;
    }

    /** One entry of orderhub.broker.users. */
    public record UserProperties(String password, List<String> roles) {
    }

    /**
     * Applies broker.properties (the same file the external broker reads) and makes sure the
     * hub's role has every permission in every match: matches are not merged, so a match that
     * forgot the hub would lock the hub out of its own addresses.
     */
    public static void applyBrokerProperties(Configuration configuration, File file) {
        if (!file.isFile()) {
            throw new IllegalStateException("broker settings " + file + " do not exist (orderhub.broker.properties-file); "
                    + "the hub's broker permissions and redelivery settings are in that file");
        }
        try {
            ((ConfigurationImpl) configuration).parseFileProperties(file);
        } catch (Exception e) {
            throw new IllegalStateException("broker settings " + file + " cannot be applied: " + e.getMessage(), e);
        }
        List<String> errors = new ArrayList<>();
        try {
            JsonNode status = new ObjectMapper().readTree(configuration.getStatus()).path("properties");
            status.forEach(source -> source.path("errors").forEach(error -> errors.add(error.toString())));
        } catch (Exception e) {
            errors.add("status unreadable: " + e.getMessage());
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException("broker settings " + file + " have errors: " + String.join("; ", errors));
        }
        Map<String, Set<Role>> roles = configuration.getSecurityRoles();
        roles.computeIfAbsent("#", match -> new LinkedHashSet<>());
        roles.replaceAll((match, set) -> {
            Set<Role> withHub = new LinkedHashSet<>();
            set.stream().filter(role -> !BrokerSecurityManager.HUB_ROLE.equals(role.getName())).forEach(withHub::add);
            withHub.add(new Role(BrokerSecurityManager.HUB_ROLE, true, true, true, true, true, true, true, true, true, true,
                    true, true));
            return withHub;
        });
    }

    /**
     * Refuses a configuration in which a role other than the hub's may consume or browse the
     * intake queue or a dead-letter queue: the order would be taken without being imported.
     * Checked as the broker resolves it (the most specific match), and on every match that
     * names a dead-letter queue.
     */
    public static void refuseOutsideReaders(Configuration configuration, String intakeQueue) {
        Map<String, Set<Role>> roles = configuration.getSecurityRoles();
        HierarchicalObjectRepository<Set<Role>> resolved = new HierarchicalObjectRepository<>(configuration.getWildcardConfiguration());
        roles.forEach(resolved::addMatch);
        Map<String, Set<Role>> checked = new LinkedHashMap<>();
        for (String address : List.of(intakeQueue, "DLQ." + intakeQueue, "DLQ.any")) {
            checked.put(address, resolved.getMatch(address));
        }
        roles.forEach((match, set) -> {
            if (match.startsWith("DLQ")) {
                checked.put(match, set);
            }
        });
        List<String> refused = new ArrayList<>();
        checked.forEach((address, set) -> {
            if (set == null) {
                return;
            }
            for (Role role : set) {
                for (CheckType check : READING) {
                    if (!BrokerSecurityManager.HUB_ROLE.equals(role.getName()) && check.hasRole(role)) {
                        refused.add("role " + role.getName() + " may " + check.name().toLowerCase() + " " + address);
                    }
                }
            }
        });
        if (!refused.isEmpty()) {
            throw new IllegalStateException("broker security refused: only the hub may consume or browse " + intakeQueue
                    + " and the dead-letter queues (an outside consumer would take orders that are never imported), but "
                    + String.join(", ", refused) + "; remove those permissions from the broker settings");
        }
    }
}
