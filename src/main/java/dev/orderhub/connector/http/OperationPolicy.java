package dev.orderhub.connector.http;

import java.time.Duration;

import dev.orderhub.connector.manifest.ConnectorManifest;

/**
 * How one remote operation may be called: its token bucket (requests per second, burst), how
 * long one request may take, how often and how patiently a failure is retried, and the header
 * that carries the caller's idempotency key, if the remote takes one.
 *
 * <p>{@code longestWait} bounds the time a call spends waiting in all: for a token from its
 * bucket, a {@code Retry-After}, a backoff. A wait that would go past it is not made; the call
 * ends with {@link RetryLater} naming the wait instead, so the caller's thread is never held
 * for a minute-long refill.
 *
 * @param operation         the remote's name for it ({@code getOrders}, {@code createFeed}); also the bucket's
 * @param ratePerSecond     steady rate; a remote's {@code x-amzn-RateLimit-Limit} replaces it
 * @param burst             requests that may go at once after a quiet spell
 * @param timeout           for one request, from sending to the whole answer
 * @param maxAttempts       1 means no retry
 * @param backoffBase       wait after the first failure; doubled after each further one, with jitter
 * @param backoffMax        the longest single backoff
 * @param longestWait       the most a call waits in all before it answers {@link RetryLater}
 * @param idempotencyHeader e.g. {@code Idempotency-Key}; null when the operation takes none
 */
public record OperationPolicy(String operation, double ratePerSecond, double burst, Duration timeout, int maxAttempts,
                              Duration backoffBase, Duration backoffMax, Duration longestWait, String idempotencyHeader) {

    public OperationPolicy {
        String what = "operation " + operation + ": ";
        if (operation == null || operation.isBlank()) {
            throw new IllegalArgumentException("operation policy: the operation name is blank");
        }
        if (!(ratePerSecond > 0) || !(burst >= 1)) {
            throw new IllegalArgumentException(what + "rate " + ratePerSecond + "/s and burst " + burst
                    + " must be above 0 and at least 1");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException(what + "maxAttempts " + maxAttempts + " is below 1");
        }
        for (Duration d : new Duration[] {timeout, backoffBase, backoffMax, longestWait}) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException(what + "timeout, backoff and longestWait must be given and not negative");
            }
        }
        if (timeout.isZero()) {
            throw new IllegalArgumentException(what + "timeout is zero");
        }
        if (idempotencyHeader != null && idempotencyHeader.isBlank()) {
            idempotencyHeader = null;
        }
    }

    /**
     * An operation with these limits and the usual rest: 30 s timeout, 3 attempts, backoff
     * from 1 s up to 8 s, waiting 10 s at most, no idempotency header.
     */
    public static OperationPolicy of(String operation, double ratePerSecond, double burst) {
        return new OperationPolicy(operation, ratePerSecond, burst, Duration.ofSeconds(30), 3, Duration.ofSeconds(1),
                Duration.ofSeconds(8), Duration.ofSeconds(10), null);
    }

    /**
     * The policy {@code manifest} declares for {@code operation} (its {@code operations:} entry),
     * with the usual rest ({@link #of}) where the manifest leaves a field out.
     *
     * @throws IllegalStateException naming the manifest when the operation, or its rate, is not declared
     */
    public static OperationPolicy declared(ConnectorManifest manifest, String operation) {
        dev.orderhub.connector.manifest.OperationPolicy declared = manifest.operation(operation)
                .filter(d -> d.rate() != null)
                .orElseThrow(() -> new IllegalStateException("connectors/" + manifest.name() + "/connector.yaml declares no "
                        + "rate for operation " + operation + " (operations." + operation + ".rate)"));
        OperationPolicy usual = of(operation, declared.rate(), declared.burst() == null ? 1 : declared.burst());
        return new OperationPolicy(operation, usual.ratePerSecond(), usual.burst(),
                declared.timeout() == null ? usual.timeout() : declared.timeout(),
                declared.attempts() == null ? usual.maxAttempts() : declared.attempts(),
                declared.backoff() == null ? usual.backoffBase() : declared.backoff(),
                declared.maxBackoff() == null ? usual.backoffMax() : declared.maxBackoff(), usual.longestWait(), null);
    }

    public OperationPolicy withTimeout(Duration timeout) {
        return new OperationPolicy(operation, ratePerSecond, burst, timeout, maxAttempts, backoffBase, backoffMax,
                longestWait, idempotencyHeader);
    }

    public OperationPolicy withAttempts(int maxAttempts) {
        return new OperationPolicy(operation, ratePerSecond, burst, timeout, maxAttempts, backoffBase, backoffMax,
                longestWait, idempotencyHeader);
    }

    public OperationPolicy withBackoff(Duration base, Duration max) {
        return new OperationPolicy(operation, ratePerSecond, burst, timeout, maxAttempts, base, max, longestWait,
                idempotencyHeader);
    }

    public OperationPolicy withLongestWait(Duration longestWait) {
        return new OperationPolicy(operation, ratePerSecond, burst, timeout, maxAttempts, backoffBase, backoffMax,
                longestWait, idempotencyHeader);
    }

    public OperationPolicy withIdempotencyHeader(String header) {
        return new OperationPolicy(operation, ratePerSecond, burst, timeout, maxAttempts, backoffBase, backoffMax,
                longestWait, header);
    }
}
