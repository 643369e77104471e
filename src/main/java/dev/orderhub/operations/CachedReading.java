package dev.orderhub.operations;

import java.time.Duration;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A value read at most once per period, for a gauge that costs a query: every scrape in between
 * gets the last value. A failed read (the database away) keeps the last value, or the fallback
 * before the first, and is not tried again before the period is over.
 */
public final class CachedReading<T> {

    private static final Logger LOG = LoggerFactory.getLogger(CachedReading.class);

    private final String name;
    private final Supplier<T> read;
    private final long periodNanos;
    private final T fallback;
    private T value;
    private long readAt;
    private boolean read0;

    public CachedReading(String name, Duration period, T fallback, Supplier<T> read) {
        this.name = name;
        this.read = read;
        this.periodNanos = period.toNanos();
        this.fallback = fallback;
    }

    public synchronized T get() {
        long now = System.nanoTime();
        if (!read0 || now - readAt >= periodNanos) {
            read0 = true;
            readAt = now;
            try {
                value = read.get();
            } catch (RuntimeException e) {
                LOG.debug("{}: not read this time ({}); the last value stands", name, e.toString());
            }
        }
        return value == null ? fallback : value;
    }
}
