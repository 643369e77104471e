package dev.orderhub.alert;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import dev.orderhub.messaging.Outbox;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Alerts over conditions a test sets ({@link #hold}) on the hub's real database and outbox. Only
 * {@code kind} counts as read, so the hub's own alerts and other tests' are never cleared.
 */
public final class FakeConditions {

    private final AtomicReference<List<AlertConditions.Condition>> holding = new AtomicReference<>(List.of());
    private final Alerts alerts;
    private final Alerts second;

    public FakeConditions(String kind, JdbcClient jdbc, Outbox outbox, AlertSettings settings,
                          PlatformTransactionManager transactions, ObjectProvider<JavaMailSender> mail) {
        AlertConditions fake = new AlertConditions(null, null, null, null, null, null, settings, Clock.systemUTC()) {
            @Override
            public Reading read() {
                return new Reading(holding.get(), Set.of(kind));
            }
        };
        this.alerts = new Alerts(jdbc, outbox, fake, settings, Clock.systemUTC(), transactions, mail);
        this.second = new Alerts(jdbc, outbox, fake, settings, Clock.systemUTC(), transactions, mail);
    }

    /** What holds from now on. */
    public void hold(List<AlertConditions.Condition> conditions) {
        holding.set(List.copyOf(conditions));
    }

    public List<AlertConditions.Condition> holding() {
        return holding.get();
    }

    public Alerts alerts() {
        return alerts;
    }

    /** Another instance of the hub over the same conditions (two instances evaluating side by side). */
    public Alerts secondInstance() {
        return second;
    }
}
