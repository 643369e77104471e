package dev.orderhub.connector.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The shared token buckets on the default database (H2 in PostgreSQL mode, the hub's
 * migrations): a fractional rate refills at that rate, neither rounded down to nothing nor up
 * to a whole token a second; a caller that must wait is counted.
 */
class RateLimiterTest {

    private final FakeTime time = new FakeTime();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private RateLimiter limiter;

    @BeforeEach
    void database() {
        DriverManagerDataSource db = new DriverManagerDataSource("jdbc:h2:mem:" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(db).load().migrate();
        limiter = new RateLimiter(JdbcClient.create(db), time, meters);
    }

    @Test
    void aRateBelowOnePerSecondRefillsAtThatRate() {
        // eBay's 0.5 calls/s at the hub's 0.9 margin: one token every 2.22 s.
        assertThat(limiter.tryTake("ebay-de:stock-push", 0.45, 1)).isTrue();
        time.pause(Duration.ofMillis(2000));
        assertThat(limiter.tryTake("ebay-de:stock-push", 0.45, 1)).as("0.9 of a token after 2 s").isFalse();
        time.pause(Duration.ofMillis(300));
        assertThat(limiter.tryTake("ebay-de:stock-push", 0.45, 1)).as("1.03 tokens after 2.3 s").isTrue();
    }

    @Test
    void aRateAboveOnePerSecondIsNotRoundedUp() {
        assertThat(limiter.tryTake("shop:orders", 1.4, 1)).isTrue();
        time.pause(Duration.ofMillis(600));
        assertThat(limiter.tryTake("shop:orders", 1.4, 1)).as("0.84 of a token after 0.6 s").isFalse();
        time.pause(Duration.ofMillis(150));
        assertThat(limiter.tryTake("shop:orders", 1.4, 1)).as("1.05 tokens after 0.75 s").isTrue();
    }

    @Test
    void everyWaitIsCountedByChannelOperationAndReason() {
        limiter.tryTake("shop:stock-push", 1, 1);
        limiter.tryTake("shop:stock-push", 1, 1);
        limiter.blockUntil("shop:stock-push", time.millis() + 5000);
        assertThat(meters.get(RateLimiter.WAITS).tags("channel", "shop", "operation", "stock-push", "reason", "no_token")
                .counter().count()).isEqualTo(1);
        assertThat(meters.get(RateLimiter.WAITS).tags("channel", "shop", "operation", "stock-push", "reason", "remote")
                .counter().count()).isEqualTo(1);
    }
}
