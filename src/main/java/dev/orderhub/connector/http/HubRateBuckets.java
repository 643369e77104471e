package dev.orderhub.connector.http;

import org.springframework.stereotype.Component;

/**
 * The hub's shared buckets (the {@code rate_buckets} table, one conditional UPDATE per token)
 * behind {@link RateBuckets}. It delegates to {@link RateLimiter} rather than copying its SQL,
 * so there stays one implementation; when that class moves, only the import here changes.
 */
@Component
public class HubRateBuckets implements RateBuckets {

    private final RateLimiter limiter;

    public HubRateBuckets(RateLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public boolean tryTake(String bucket, double rate, double burst) {
        return limiter.tryTake(bucket, rate, burst);
    }

    @Override
    public void blockUntil(String bucket, long untilMillis) {
        limiter.blockUntil(bucket, untilMillis);
    }

    @Override
    public long blockedFor(String bucket) {
        return limiter.blockedFor(bucket);
    }
}
