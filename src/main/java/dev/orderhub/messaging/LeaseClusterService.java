package dev.orderhub.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.camel.support.cluster.AbstractCamelClusterService;
import org.apache.camel.support.cluster.AbstractCamelClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Camel's cluster service over the hub's lease table (docs/cluster.md): a route whose URI is
 * {@code master:<lease>:<uri>} consumes only on the instance holding lease {@code <lease>} in
 * {@link ClusterLeases}. Each namespace's view renews its lease every third of the lease time
 * and gives leadership up as soon as the lease is no longer trusted (another instance holds it,
 * or the database could not be reached for the rest of the trusted window). A stopped view
 * releases its lease, so another instance takes over at its next renewal instead of after expiry.
 *
 * <p>Camel Spring Boot adds every {@code CamelClusterService} bean to the context as a service,
 * where the master component finds it.
 */
@Component
public class LeaseClusterService extends AbstractCamelClusterService<LeaseClusterService.LeaseView> {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseClusterService.class);

    private final ClusterLeases leases;
    private final Clock clock;
    private final Duration renewEvery;
    /** Renewals ask the database and may hang on it; deadlines never wait on anything, so they fire on time. */
    private ScheduledExecutorService renewals;
    private ScheduledExecutorService deadlines;

    @Autowired
    public LeaseClusterService(ClusterLeases leases, Clock clock) {
        this(leases, clock, leases.ttl().dividedBy(3));
    }

    public LeaseClusterService(ClusterLeases leases, Clock clock, Duration renewEvery) {
        super("orderhub-leases");
        this.leases = leases;
        this.clock = clock;
        this.renewEvery = renewEvery;
    }

    @Override
    protected LeaseView createView(String namespace) {
        return new LeaseView(namespace);
    }

    /** The schedulers, from the Camel context's thread pools; made on first use, as a view may start before this service. */
    private synchronized ScheduledExecutorService renewals() {
        if (renewals == null) {
            renewals = threads().newSingleThreadScheduledExecutor(this, "ClusterLeaseRenewal");
        }
        return renewals;
    }

    private synchronized ScheduledExecutorService deadlines() {
        if (deadlines == null) {
            deadlines = threads().newSingleThreadScheduledExecutor(this, "ClusterLeaseDeadline");
        }
        return deadlines;
    }

    private ExecutorServiceManager threads() {
        if (getCamelContext() == null) {
            throw new IllegalStateException("cluster service " + getId() + ": no Camel context set");
        }
        return getCamelContext().getExecutorServiceManager();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop(); // the views first: they release their leases
        synchronized (this) {
            if (renewals != null) {
                getCamelContext().getExecutorServiceManager().shutdownNow(renewals);
                getCamelContext().getExecutorServiceManager().shutdownNow(deadlines());
            } else if (deadlines != null) {
                getCamelContext().getExecutorServiceManager().shutdownNow(deadlines);
            }
            renewals = null;
            deadlines = null;
        }
    }

    /** One lease: this instance leads while it holds it. Other instances are not listed (the table knows one holder only). */
    public final class LeaseView extends AbstractCamelClusterView {

        private final CamelClusterMember local = new CamelClusterMember() {
            @Override
            public boolean isLeader() {
                return leader;
            }

            @Override
            public boolean isLocal() {
                return true;
            }

            @Override
            public String getId() {
                return leases.holder();
            }
        };

        private volatile boolean leader;
        private volatile boolean running;
        /** Set once a renewal found another holder: a later lead is a takeover worth an INFO line. */
        private boolean follower;
        private ScheduledFuture<?> renewal;
        private ScheduledFuture<?> deadline;
        /** Until when the last renewal lets this instance lead; the deadline fires then. */
        private Instant trustedUntil = Instant.MIN;

        LeaseView(String namespace) {
            super(LeaseClusterService.this, namespace);
        }

        @Override
        public Optional<CamelClusterMember> getLeader() {
            return leader ? Optional.of(local) : Optional.empty();
        }

        @Override
        public CamelClusterMember getLocalMember() {
            return local;
        }

        @Override
        public List<CamelClusterMember> getMembers() {
            return List.of(local);
        }

        @Override
        protected void doStart() {
            running = true;
            renewal = renewals().scheduleWithFixedDelay(() -> {
                try {
                    renew();
                } catch (RuntimeException e) {
                    // A task that throws is never run again: this one must keep renewing.
                    LOG.warn("cluster lease {}: renewal failed ({})", getNamespace(), e.toString());
                }
            }, 0, renewEvery.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        protected void doStop() {
            boolean held;
            synchronized (this) {
                running = false;
                cancel(renewal);
                cancel(deadline);
                held = leader;
                changeLeadership(false);
            }
            if (held) {
                release();
            }
        }

        private void renew() {
            // Outside the lock: it may wait on the database while the deadline must still fire.
            Optional<Instant> until = leases.renew(getNamespace());
            synchronized (this) {
                if (!running) {
                    if (until.isPresent()) {
                        release(); // stopped while asking: give back what the question took
                    }
                    return;
                }
                long ms = until.map(u -> Duration.between(clock.instant(), u).toMillis()).orElse(0L);
                if (until.isEmpty() || (!leader && ms <= renewEvery.toMillis())) {
                    cancel(deadline);
                    // Not ours, or ours for too short a time to start on it: the master consumer
                    // starts its route a second after being told, and does not check again then.
                    follower |= until.isEmpty();
                    if (leader) {
                        changeLeadership(false);
                    } else {
                        // Said again at every renewal: a consumer that started late, after a
                        // loss it was told of, stops now.
                        fireLeadershipChangedEvent((CamelClusterMember) null);
                    }
                    return;
                }
                if (until.get().isAfter(trustedUntil) || !leader) {
                    // Only a renewal that extends the trust moves the deadline (a failed one
                    // answers with the old trust, which the pending deadline already ends).
                    cancel(deadline);
                    trustedUntil = until.get();
                    deadline = deadlines().schedule(this::expire, ms, TimeUnit.MILLISECONDS);
                }
                if (!leader && follower) {
                    LOG.info("cluster lease {}: taken over by this instance ({})", getNamespace(), leases.holder());
                }
                changeLeadership(true);
            }
        }

        /** The last renewal's trust ran out before another renewal succeeded: stop acting on the lease. */
        private synchronized void expire() {
            if (leader) {
                LOG.warn("cluster lease {}: not renewed in time, this instance stops acting on it", getNamespace());
                changeLeadership(false);
            }
        }

        private void changeLeadership(boolean lead) {
            if (leader != lead) {
                leader = lead;
                fireLeadershipChangedEvent(lead ? local : null);
            }
        }

        private void release() {
            try {
                leases.release(getNamespace());
            } catch (RuntimeException e) {
                LOG.debug("cluster lease {}: not released; it expires by itself", getNamespace(), e);
            }
        }

        private void cancel(ScheduledFuture<?> task) {
            if (task != null) {
                task.cancel(false);
            }
        }
    }
}
