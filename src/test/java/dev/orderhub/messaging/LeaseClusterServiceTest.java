package dev.orderhub.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Two hub instances sharing one database (H2 in memory, the lease table as migrated): exactly
 * one leads each lease; a stopped leader hands over at once; a leader that can no longer renew
 * (its database hangs or fails) stops leading before the other instance may take over; and a
 * {@code master:} route consumes on the leading instance only.
 */
class LeaseClusterServiceTest {

    /** Short, so the test runs in seconds: renewal every 300 ms, trusted for 600 ms. */
    static final Duration TTL = Duration.ofMillis(900);

    private final String namespace = "test-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<Instance> instances = new ArrayList<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    private DriverManagerDataSource database;

    /** One instance: its own database access (which the test can break), leases, cluster service and Camel context. */
    private final class Instance {
        final SwitchableDataSource dataSource = new SwitchableDataSource(database);
        final ClusterLeases leases;
        final LeaseClusterService service;
        final CamelContext camel = new DefaultCamelContext();

        Instance(String holder) throws Exception {
            leases = new ClusterLeases(JdbcClient.create(dataSource), Clock.systemUTC(), TTL, holder);
            service = new LeaseClusterService(leases, Clock.systemUTC());
            camel.addService(service);
            instances.add(this);
        }

        Instance started() {
            camel.start();
            return this;
        }

        boolean leads() {
            return service.isLeader(namespace);
        }
    }

    @BeforeEach
    void database() throws Exception {
        database = new DriverManagerDataSource("jdbc:h2:mem:" + namespace
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1", "sa", "");
        JdbcClient.create(database).sql(new ClassPathResource("db/migration/V4__cluster_leases.sql")
                .getContentAsString(StandardCharsets.UTF_8).replaceAll("(?m)^--.*$", "")).update();
    }

    @AfterEach
    void stop() {
        sampler.shutdownNow();
        for (Instance instance : instances) {
            instance.dataSource.mode.set(SwitchableDataSource.Mode.WORK);
            instance.camel.stop();
        }
        JdbcClient.create(database).sql("SHUTDOWN").update();
    }

    private static Instance other(Instance one, Instance first, Instance second) {
        return one == first ? second : first;
    }

    /** Samples both instances every 5 ms; counts the samples where both led. */
    private AtomicInteger watchForTwoLeaders(Instance a, Instance b) {
        AtomicInteger both = new AtomicInteger();
        sampler.scheduleAtFixedRate(() -> {
            if (a.leads() && b.leads()) {
                both.incrementAndGet();
            }
        }, 0, 5, TimeUnit.MILLISECONDS);
        return both;
    }

    /** Records when a view last told its listeners this instance leads, and when it then said it no longer does. */
    private static final class Transitions implements CamelClusterEventListener.Leadership {
        final AtomicLong takenAt = new AtomicLong();
        final AtomicLong lostAt = new AtomicLong();
        private boolean leading;

        @Override
        public synchronized void leadershipChanged(CamelClusterView view, org.apache.camel.cluster.CamelClusterMember leader) {
            boolean leads = view.getLocalMember().isLeader();
            if (leads != leading) { // a view says "not leading" again at each renewal: only changes count
                leading = leads;
                (leads ? takenAt : lostAt).set(System.nanoTime());
            }
        }
    }

    @Test
    void exactlyOneOfTwoInstancesLeads() throws Exception {
        Instance first = new Instance("first").started();
        Instance second = new Instance("second").started();
        first.service.getView(namespace);
        second.service.getView(namespace);
        AtomicInteger both = watchForTwoLeaders(first, second);

        await().atMost(Duration.ofSeconds(5)).until(() -> first.leads() || second.leads());
        Instance leader = first.leads() ? first : second;
        // Several renewals later the same instance still leads, and never both.
        await().during(TTL.multipliedBy(3)).atMost(TTL.multipliedBy(4))
                .until(() -> leader.leads() && !other(leader, first, second).leads());
        assertThat(both).hasValue(0);
        assertThat(JdbcClient.create(database).sql("SELECT holder FROM cluster_leases WHERE name = :name")
                .param("name", namespace).query(String.class).single()).isEqualTo(leader.leases.holder());
    }

    @Test
    void aStoppedLeaderHandsOverWithinTheLeaseTime() throws Exception {
        Instance first = new Instance("first").started();
        first.service.getView(namespace);
        await().atMost(Duration.ofSeconds(5)).until(first::leads);
        Instance second = new Instance("second").started();
        second.service.getView(namespace);
        AtomicInteger both = watchForTwoLeaders(first, second);
        await().during(TTL).atMost(TTL.multipliedBy(2)).until(() -> !second.leads());

        long stopped = System.nanoTime();
        first.camel.stop(); // a clean shutdown: the lease is released
        await().atMost(TTL).pollInterval(Duration.ofMillis(5)).until(second::leads);
        long handover = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
        System.out.printf("lease handover after a clean stop: %d ms (lease %d ms, renewal every %d ms)%n", handover,
                TTL.toMillis(), TTL.dividedBy(3).toMillis());
        assertThat(handover).isLessThanOrEqualTo(TTL.dividedBy(3).toMillis() + 200);
        assertThat(both).hasValue(0);
    }

    @Test
    void aLeaderWhoseDatabaseHangsStopsLeadingBeforeTheOtherTakesOver() throws Exception {
        assertCutOffLeaderStepsDownFirst(SwitchableDataSource.Mode.HANG);
    }

    @Test
    void aLeaderThatCannotReachTheDatabaseStopsLeadingOnceItsTrustedWindowEnds() throws Exception {
        assertCutOffLeaderStepsDownFirst(SwitchableDataSource.Mode.FAIL);
    }

    private void assertCutOffLeaderStepsDownFirst(SwitchableDataSource.Mode mode) throws Exception {
        Instance first = new Instance("first").started();
        CamelClusterView firstView = first.service.getView(namespace);
        await().atMost(Duration.ofSeconds(5)).until(first::leads);
        Instance second = new Instance("second").started();
        Transitions firstSeen = new Transitions();
        Transitions secondSeen = new Transitions();
        firstView.addEventListener(firstSeen);
        second.service.getView(namespace).addEventListener(secondSeen);
        AtomicInteger both = watchForTwoLeaders(first, second);

        long cut = System.nanoTime();
        first.dataSource.mode.set(mode); // paused as far as the database can tell: no more renewals
        await().atMost(TTL).pollInterval(Duration.ofMillis(5)).until(() -> !first.leads());
        await().atMost(TTL.multipliedBy(3)).pollInterval(Duration.ofMillis(5)).until(second::leads);

        long stepDown = TimeUnit.NANOSECONDS.toMillis(firstSeen.lostAt.get() - cut);
        long takeover = TimeUnit.NANOSECONDS.toMillis(secondSeen.takenAt.get() - cut);
        System.out.printf("database %s: the leader stepped down after %d ms, the other took over after %d ms "
                + "(lease %d ms)%n", mode, stepDown, takeover, TTL.toMillis());
        // The old leader trusts its lease at most ttl - margin after its last renewal; the lease
        // in the table lasts ttl. So it has stopped before the other instance can take over.
        assertThat(firstSeen.lostAt.get()).isLessThan(secondSeen.takenAt.get());
        // Trusted for ttl - margin after the last renewal, before the cut: the margin is the slack
        // left for a late thread, and the step-down comes before the lease expires in the table.
        assertThat(stepDown).isLessThan(TTL.toMillis());
        assertThat(takeover).isLessThanOrEqualTo(TTL.plus(TTL.dividedBy(3)).toMillis() + 200);
        assertThat(both).hasValue(0);

        first.dataSource.mode.set(SwitchableDataSource.Mode.WORK); // back: it sees the lease is taken
        await().during(TTL).atMost(TTL.multipliedBy(2)).until(() -> !first.leads() && second.leads());
    }

    @Test
    void aMasterRouteConsumesOnTheLeadingContextOnly() throws Exception {
        Instance first = new Instance("first");
        Instance second = new Instance("second");
        AtomicInteger firstFired = new AtomicInteger();
        AtomicInteger secondFired = new AtomicInteger();
        for (var instance : List.of(first, second)) {
            AtomicInteger fired = instance == first ? firstFired : secondFired;
            instance.camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("master:" + namespace + ":timer:tick?period=20&delay=0").routeId("tick").process(e -> fired.incrementAndGet());
                }
            });
            instance.started();
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> firstFired.get() + secondFired.get() >= 10);
        AtomicInteger leaderFired = firstFired.get() > 0 ? firstFired : secondFired;
        AtomicInteger otherFired = leaderFired == firstFired ? secondFired : firstFired;
        Instance leader = leaderFired == firstFired ? first : second;
        // Both contexts run the route; the other one's timer never fires.
        await().during(TTL).atMost(TTL.multipliedBy(2)).until(() -> otherFired.get() == 0);
        assertThat(leaderFired.get()).isGreaterThan(10);
        assertThat(other(leader, first, second).camel.getRouteController().getRouteStatus("tick").isStarted()).isTrue();
        assertThat(leader.camel.getRoute("tick").getEndpoint().getEndpointUri()).startsWith("master:");

        long stopped = System.nanoTime();
        leader.camel.stop();
        // Camel's master consumer starts the route one second after it is told it leads.
        await().atMost(TTL.plusMillis(1500)).pollInterval(Duration.ofMillis(5)).until(() -> otherFired.get() > 0);
        System.out.printf("master route moved to the other context after %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped));
    }

    /** A data source the test can make hang (a paused or partitioned holder) or fail (database down). */
    static final class SwitchableDataSource implements DataSource {
        enum Mode { WORK, HANG, FAIL }

        final AtomicReference<Mode> mode = new AtomicReference<>(Mode.WORK);
        private final DataSource target;
        private final CountDownLatch never = new CountDownLatch(1);

        SwitchableDataSource(DataSource target) {
            this.target = target;
        }

        @Override
        public Connection getConnection() throws SQLException {
            while (mode.get() == Mode.HANG) {
                try {
                    never.await(10, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("interrupted while the database hung", e);
                }
            }
            if (mode.get() == Mode.FAIL) {
                throw new SQLException("database unreachable (test)");
            }
            return target.getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
