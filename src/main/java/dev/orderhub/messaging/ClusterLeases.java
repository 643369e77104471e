package dev.orderhub.messaging;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Which instance of a cluster runs a poller. Instances sharing one database agree through
 * leases in it: {@link #holds} is true on exactly one instance per lease name at a time,
 * as long as that instance keeps asking (each ask within the renewal window extends it). A
 * lease left to expire (the holder crashed, or lost the database) is taken over by the next
 * instance that asks. A single instance always holds every lease.
 *
 * <p>An instance stops trusting its lease {@code margin} before it expires, so a holder that
 * was paused cannot keep running while another instance has taken over.
 */
@Component
public class ClusterLeases {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterLeases.class);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final String holder;
    private final Duration ttl;
    private final Duration margin;
    /** Until when this instance may act on each lease without asking the database again. */
    private final Map<String, Instant> trustedUntil = new ConcurrentHashMap<>();

    @Autowired
    public ClusterLeases(JdbcClient jdbc, Clock clock, @Value("${orderhub.cluster.lease-ttl-ms:10000}") long ttlMs) {
        this(jdbc, clock, Duration.ofMillis(ttlMs), ManagementFactory.getRuntimeMXBean().getName() + "/"
                + UUID.randomUUID().toString().substring(0, 8));
    }

    public ClusterLeases(JdbcClient jdbc, Clock clock, Duration ttl, String holder) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.ttl = ttl;
        this.margin = ttl.dividedBy(3);
        this.holder = holder;
    }

    /** This instance's name in the lease table. */
    public String holder() {
        return holder;
    }

    /** How long a lease lasts without renewal. */
    public Duration ttl() {
        return ttl;
    }

    /** True when this instance holds (or has just taken) the lease and may run the poller now. */
    public boolean holds(String name) {
        Instant trusted = trustedUntil.get(name);
        // Renew once a third of the lease has passed; until then the lease is certainly ours.
        if (trusted != null && clock.instant().isBefore(trusted.minus(ttl.minus(margin.multipliedBy(2))))) {
            return true;
        }
        return renew(name).isPresent();
    }

    /**
     * Asks the database for the lease now (takes it, or renews it if this instance holds it):
     * until when this instance may act on it, or empty if another instance holds it. Without
     * the database the answer is what was trusted before, as long as that still lasts.
     * {@link LeaseClusterService} calls it on its own schedule.
     */
    public Optional<Instant> renew(String name) {
        Instant now = clock.instant();
        Instant trusted = trustedUntil.get(name);
        try {
            if (acquire(name, now)) {
                if (trusted == null) {
                    // Routine at every start: DEBUG. Losing a lease (another instance took over) is a WARN.
                    LOG.debug("cluster lease {}: held by this instance ({})", name, holder);
                }
                Instant until = now.plus(ttl).minus(margin);
                trustedUntil.put(name, until);
                return Optional.of(until);
            }
            if (trustedUntil.remove(name) != null) {
                LOG.warn("cluster lease {}: lost to another instance", name);
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            // Without the database nobody can prove the lease: act only while it is still trusted.
            LOG.warn("cluster lease {}: cannot be renewed ({})", name, e.getMessage());
            // Measured after the failure: a slow failure must not stretch the trust.
            return trusted != null && clock.instant().isBefore(trusted) ? Optional.of(trusted) : Optional.empty();
        }
    }

    /** Gives the lease up (shutdown), so another instance takes over at once instead of after expiry. */
    public void release(String name) {
        trustedUntil.remove(name);
        jdbc.sql("DELETE FROM cluster_leases WHERE name = :name AND holder = :holder")
                .param("name", name).param("holder", holder).update();
    }

    private boolean acquire(String name, Instant now) {
        var expires = now.plus(ttl).atOffset(ZoneOffset.UTC);
        int taken = jdbc.sql("UPDATE cluster_leases SET holder = :holder, expires_at = :expires "
                        + "WHERE name = :name AND (holder = :holder OR expires_at < :now)")
                .param("holder", holder).param("expires", expires).param("name", name)
                .param("now", now.atOffset(ZoneOffset.UTC))
                .update();
        if (taken == 1) {
            return true;
        }
        return jdbc.sql("INSERT INTO cluster_leases (name, holder, expires_at) VALUES (:name, :holder, :expires) "
                        + "ON CONFLICT DO NOTHING")
                .param("name", name).param("holder", holder).param("expires", expires)
                .update() == 1;
    }
}
