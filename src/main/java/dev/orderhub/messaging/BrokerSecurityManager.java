package dev.orderhub.messaging;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Principal;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import javax.security.auth.Subject;

import org.apache.activemq.artemis.core.remoting.impl.invm.InVMConnection;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager5;
import org.apache.activemq.artemis.spi.core.security.jaas.RolePrincipal;
import org.apache.activemq.artemis.spi.core.security.jaas.UserPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may connect to the embedded broker, and with which roles. The hub's own connections are
 * in-VM (the broker runs in the hub's JVM) and get the hub's role without credentials; every
 * other connection (TCP: CORE, AMQP, STOMP) must log in as one of the configured users
 * ({@code orderhub.broker.users}). A refused login is logged (user name only) and counted.
 * What a role may do on an address is the broker's security settings (config/artemis/broker.properties).
 */
public class BrokerSecurityManager implements ActiveMQSecurityManager5 {

    /** The hub's role: in every security match, with every permission. */
    public static final String HUB_ROLE = "hub";
    /** The principal of the hub's in-VM connections (not a user anyone can log in as). */
    static final String INTERNAL_USER = "orderhub-in-vm";
    private static final Logger LOG = LoggerFactory.getLogger(BrokerSecurityManager.class);

    /** A configured broker user. */
    public record User(String password, Set<String> roles) {
    }

    private final Map<String, User> users;
    private final Consumer<String> refused;

    /** @param refused told the kind of each refused login ("anonymous", "bad-credentials"), to count it */
    public BrokerSecurityManager(Map<String, User> users, Consumer<String> refused) {
        this.users = Map.copyOf(users);
        this.refused = refused;
    }

    @Override
    public Subject authenticate(String user, String password, RemotingConnection connection, String securityDomain) {
        if (connection != null && connection.getTransportConnection() instanceof InVMConnection) {
            return subject(INTERNAL_USER, Set.of(HUB_ROLE));
        }
        User known = user == null ? null : users.get(user);
        if (known != null && password != null && MessageDigest.isEqual(known.password().getBytes(StandardCharsets.UTF_8),
                password.getBytes(StandardCharsets.UTF_8))) {
            return subject(user, known.roles());
        }
        String kind = user == null || user.isEmpty() ? "anonymous" : "bad-credentials";
        LOG.warn("broker login refused: {} from {} over {}", user == null || user.isEmpty() ? "no user name"
                        : "user '" + printable(user) + "' (unknown user or wrong password)",
                connection == null ? "?" : connection.getRemoteAddress(), connection == null ? "?" : connection.getProtocolName());
        refused.accept(kind);
        return null;
    }

    @Override
    public boolean authorize(Subject subject, Set<Role> roles, CheckType checkType, String address) {
        if (subject == null || roles == null) {
            return false;
        }
        Set<String> held = subject.getPrincipals(RolePrincipal.class).stream().map(Principal::getName).collect(Collectors.toSet());
        for (Role role : roles) {
            if (held.contains(role.getName()) && checkType.hasRole(role)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean validateUser(String user, String password) {
        return authenticate(user, password, null, null) != null;
    }

    @Override
    public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
        return authorize(authenticate(user, password, null, null), roles, checkType, null);
    }

    @Override
    public String getUserFromSubject(Subject subject) {
        return subject == null ? null : subject.getPrincipals(UserPrincipal.class).stream().map(Principal::getName)
                .findFirst().orElse(null);
    }

    private static Subject subject(String user, Set<String> roles) {
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal(user));
        for (String role : roles) {
            subject.getPrincipals().add(new RolePrincipal(role));
        }
        return subject;
    }

    /** A user name as a client sent it, safe for a log line. */
    private static String printable(String user) {
        String cut = user.length() > 64 ? user.substring(0, 64) + "..." : user;
        return cut.replaceAll("[^\\p{Graph} ]", "?");
    }
}
