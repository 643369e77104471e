package dev.orderhub.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.settings.impl.HierarchicalObjectRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The permissions of config/artemis/broker.properties as the broker resolves them, and the start-up refusal. */
class BrokerPermissionsTest {

    static final File SHIPPED = new File("config/artemis/broker.properties");

    @Test
    void theShippedFileGivesTheHubEverythingAndTheErpOnlyWhatItNeeds() {
        ConfigurationImpl configuration = new ConfigurationImpl();
        EmbeddedBroker.applyBrokerProperties(configuration, SHIPPED);
        EmbeddedBroker.refuseOutsideReaders(configuration, "orders.intake");
        HierarchicalObjectRepository<Set<Role>> roles = new HierarchicalObjectRepository<>(configuration.getWildcardConfiguration());
        configuration.getSecurityRoles().forEach(roles::addMatch);

        for (String address : new String[] {"orders.intake", "DLQ.orders.intake", "order.received", "stock.changed",
                "alert.raised", "amazon.notifications", "anything.else"}) {
            for (CheckType check : CheckType.values()) {
                assertThat(allowed(roles, address, "hub", check)).as("hub " + check + " " + address).isTrue();
            }
        }
        assertThat(allowed(roles, "orders.intake", "erp", CheckType.SEND)).isTrue();
        assertThat(allowed(roles, "orders.intake", "erp", CheckType.CONSUME)).isFalse();
        assertThat(allowed(roles, "DLQ.orders.intake", "erp", CheckType.CONSUME)).isFalse();
        assertThat(allowed(roles, "order.received", "erp", CheckType.CONSUME)).isTrue();
        assertThat(allowed(roles, "order.received", "erp", CheckType.CREATE_DURABLE_QUEUE)).isTrue();
        assertThat(allowed(roles, "order.received", "erp", CheckType.SEND)).as("only the hub publishes events").isFalse();
        assertThat(allowed(roles, "amazon.notifications", "erp", CheckType.SEND)).as("default deny").isFalse();
        assertThat(allowed(roles, "anything.else", "guest", CheckType.SEND)).isFalse();
    }

    @Test
    void aFileLettingAnotherRoleConsumeTheIntakeQueueOrADeadLetterQueueIsRefused(@TempDir Path dir) throws Exception {
        for (String grant : new String[] {"securityRoles.\"orders.intake\".erp.consume=true",
                "securityRoles.\"DLQ.#\".erp.browse=true", "securityRoles.\"DLQ.orders.intake\".spy.consume=true"}) {
            Path file = dir.resolve("broker-" + Math.abs(grant.hashCode()) + ".properties");
            Files.writeString(file, Files.readString(SHIPPED.toPath()) + "\n" + grant + "\n");
            ConfigurationImpl configuration = new ConfigurationImpl();
            EmbeddedBroker.applyBrokerProperties(configuration, file.toFile());
            assertThatThrownBy(() -> EmbeddedBroker.refuseOutsideReaders(configuration, "orders.intake")).as(grant)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("only the hub may consume or browse");
        }
    }

    @Test
    void aTypoInTheFileIsRefusedNotIgnored(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broker.properties");
        Files.writeString(file, "securityRoles.\"#\".hub.sendd=true\n");
        assertThatThrownBy(() -> EmbeddedBroker.applyBrokerProperties(new ConfigurationImpl(), file.toFile()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("errors");
    }

    private static boolean allowed(HierarchicalObjectRepository<Set<Role>> roles, String address, String role, CheckType check) {
        Set<Role> matched = roles.getMatch(address);
        return matched != null && matched.stream().anyMatch(r -> r.getName().equals(role) && check.hasRole(r));
    }

    /** Used by DockerComposeTest: the permissions the embedded broker applies, by match and role. */
    static Map<String, Set<Role>> embeddedPermissions() {
        ConfigurationImpl configuration = new ConfigurationImpl();
        EmbeddedBroker.applyBrokerProperties(configuration, SHIPPED);
        return configuration.getSecurityRoles();
    }
}
