package dev.orderhub.connector.http;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Token buckets per (channel, operation) in the shared database, so every hub instance draws
 * from the same budget. Taking a token is one conditional UPDATE. A remote's 429 or its rate
 * headers block the bucket until the time the remote named. Each time a caller has to wait is
 * counted ({@code orderhub.ratelimit.waits} by channel, operation and reason: {@code no_token}
 * when the bucket had none to give, {@code remote} when the remote told the hub to wait).
 */
@Service
public class RateLimiter {

    public static final String WAITS = "orderhub.ratelimit.waits";

    private final JdbcClient jdbc;
    private final Clock clock;
    private final MeterRegistry meters;

    @Autowired
    public RateLimiter(JdbcClient jdbc, Clock clock, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.meters = meters;
    }

    /** Without meters (tests of the buckets alone). */
    public RateLimiter(JdbcClient jdbc, Clock clock) {
        this(jdbc, clock, new SimpleMeterRegistry());
    }

    /** Takes one token if the bucket has one (refilled at {@code rate}/s up to {@code burst}) and is not blocked. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public boolean tryTake(String bucket, double rate, double burst) {
        long now = clock.millis();
        jdbc.sql("INSERT INTO rate_buckets (bucket, tokens, updated_ms, blocked_until_ms) VALUES (:bucket, :burst, :now, 0) "
                        + "ON CONFLICT DO NOTHING")
                .param("bucket", bucket).param("burst", burst).param("now", now)
                .update();
        // The casts: H2 types a bare parameter after the BIGINT it is multiplied with, and would
        // truncate a rate of 0.45/s to 0 (never refilled) and 1.4/s to 1.
        boolean taken = jdbc.sql("UPDATE rate_buckets SET "
                        + "tokens = LEAST(CAST(:burst AS DOUBLE PRECISION), tokens + GREATEST(0, :now - updated_ms) "
                        + "* CAST(:rate AS DOUBLE PRECISION) / 1000.0) - 1, updated_ms = :now "
                        + "WHERE bucket = :bucket AND blocked_until_ms <= :now "
                        + "AND LEAST(CAST(:burst AS DOUBLE PRECISION), tokens + GREATEST(0, :now - updated_ms) "
                        + "* CAST(:rate AS DOUBLE PRECISION) / 1000.0) >= 1")
                .param("burst", burst).param("now", now).param("rate", rate).param("bucket", bucket)
                .update() == 1;
        if (!taken) {
            waited(bucket, "no_token");
        }
        return taken;
    }

    private void waited(String bucket, String reason) {
        int colon = bucket.indexOf(':');
        meters.counter(WAITS, "channel", colon < 0 ? bucket : bucket.substring(0, colon),
                "operation", colon < 0 ? "" : bucket.substring(colon + 1), "reason", reason).increment();
    }

    /** The remote said "not before": no token until then, and the bucket starts empty. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void blockUntil(String bucket, long untilMillis) {
        jdbc.sql("UPDATE rate_buckets SET blocked_until_ms = GREATEST(blocked_until_ms, :until), tokens = 0, "
                        + "updated_ms = :until WHERE bucket = :bucket")
                .param("until", untilMillis).param("bucket", bucket)
                .update();
        waited(bucket, "remote");
    }

    /** A bucket as it stands: tokens left when last drawn from (refilled since), and how long it is blocked. */
    public record Bucket(String bucket, double tokens, java.time.Instant lastTaken, long blockedForMillis) {
    }

    /** The buckets of one channel (named "<channel>:<operation>"). */
    @Transactional(readOnly = true)
    public java.util.List<Bucket> bucketsOf(String channel) {
        long now = clock.millis();
        return jdbc.sql("SELECT bucket, tokens, updated_ms, blocked_until_ms FROM rate_buckets WHERE bucket LIKE :prefix "
                        + "ESCAPE '!' ORDER BY bucket")
                .param("prefix", channel.replace("!", "!!").replace("%", "!%").replace("_", "!_") + ":%")
                .query((rs, n) -> new Bucket(rs.getString(1), rs.getDouble(2), java.time.Instant.ofEpochMilli(rs.getLong(3)),
                        Math.max(0, rs.getLong(4) - now)))
                .list();
    }

    /** Milliseconds until the bucket may grant again because of a block (0 when not blocked). */
    @Transactional(readOnly = true)
    public long blockedFor(String bucket) {
        Long until = jdbc.sql("SELECT blocked_until_ms FROM rate_buckets WHERE bucket = :bucket").param("bucket", bucket)
                .query(Long.class).optional().orElse(0L);
        return Math.max(0, until - clock.millis());
    }
}
