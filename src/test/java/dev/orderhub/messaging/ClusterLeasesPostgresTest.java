package dev.orderhub.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.orderhub.HubPostgresTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Pollers run once per cluster: instances sharing the database agree on one holder per lease,
 * and a holder that stops renewing is replaced once its lease has expired, not before.
 */
@HubPostgresTest
class ClusterLeasesPostgresTest {

    @Autowired
    JdbcClient jdbc;

    /** A clock the test moves by hand. */
    static final class HandClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-26T10:00:00Z"));

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        void advance(Duration by) {
            now.updateAndGet(t -> t.plus(by));
        }
    }

    @Test
    void eightInstancesAskingAtOnceAgreeOnExactlyOneHolder() throws Exception {
        String lease = "test-" + UUID.randomUUID();
        HandClock clock = new HandClock();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ClusterLeases instance = new ClusterLeases(jdbc, clock, Duration.ofSeconds(10), "instance-" + i);
            answers.add(pool.submit(() -> {
                go.await();
                boolean held = false;
                for (int round = 0; round < 20; round++) {
                    held = instance.holds(lease);
                }
                return held;
            }));
        }
        go.countDown();
        int holders = 0;
        for (Future<Boolean> answer : answers) {
            holders += answer.get(30, TimeUnit.SECONDS) ? 1 : 0;
        }
        pool.shutdown();
        assertThat(holders).isEqualTo(1);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM cluster_leases WHERE name = :name").param("name", lease)
                .query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void aHolderThatStopsRenewingIsReplacedOnlyAfterItsLeaseExpires() {
        String lease = "test-" + UUID.randomUUID();
        HandClock clock = new HandClock();
        ClusterLeases first = new ClusterLeases(jdbc, clock, Duration.ofSeconds(9), "first");
        ClusterLeases second = new ClusterLeases(jdbc, clock, Duration.ofSeconds(9), "second");

        assertThat(first.holds(lease)).isTrue();
        assertThat(second.holds(lease)).isFalse();
        // The holder keeps asking: its lease is renewed and the other instance stays out.
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(4));
            assertThat(first.holds(lease)).isTrue();
            assertThat(second.holds(lease)).isFalse();
        }
        // The holder goes silent (crashed): not before its lease runs out...
        clock.advance(Duration.ofSeconds(8));
        assertThat(second.holds(lease)).isFalse();
        // ...but right after, the other instance takes over, and the old holder, back, sees it lost.
        clock.advance(Duration.ofSeconds(2));
        assertThat(second.holds(lease)).isTrue();
        assertThat(first.holds(lease)).isFalse();
    }

    @Test
    void aReleasedLeaseIsTakenOverAtOnce() {
        String lease = "test-" + UUID.randomUUID();
        HandClock clock = new HandClock();
        ClusterLeases first = new ClusterLeases(jdbc, clock, Duration.ofSeconds(10), "first");
        ClusterLeases second = new ClusterLeases(jdbc, clock, Duration.ofSeconds(10), "second");
        assertThat(first.holds(lease)).isTrue();
        first.release(lease);
        assertThat(second.holds(lease)).isTrue();
        assertThat(first.holds(lease)).isFalse();
    }
}
