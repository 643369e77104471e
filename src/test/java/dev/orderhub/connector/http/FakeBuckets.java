package dev.orderhub.connector.http;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Buckets that always have a token unless told they are empty or a block holds; they record the rates asked for. */
final class FakeBuckets implements RateBuckets {

    private final Clock clock;
    private final Map<String, Long> blockedUntil = new ConcurrentHashMap<>();
    final List<Double> ratesAsked = new CopyOnWriteArrayList<>();
    volatile boolean empty;

    FakeBuckets(Clock clock) {
        this.clock = clock;
    }

    @Override
    public boolean tryTake(String bucket, double rate, double burst) {
        ratesAsked.add(rate);
        return !empty && blockedFor(bucket) == 0;
    }

    @Override
    public void blockUntil(String bucket, long untilMillis) {
        blockedUntil.merge(bucket, untilMillis, Math::max);
    }

    @Override
    public long blockedFor(String bucket) {
        return Math.max(0, blockedUntil.getOrDefault(bucket, 0L) - clock.millis());
    }
}
