package dev.orderhub.connector;

import java.time.Duration;

/**
 * The remote could not take the call now (throttled, 5xx, timeout, reset) and nothing was
 * lost: the core tries again after {@link #after()} or its own backoff, whichever is longer.
 * Thrown by a capability for the whole call; a refusal (4xx) is a result instead.
 */
public class RetryLater extends RuntimeException {

    private final Duration after;

    public RetryLater(Duration after, String reason) {
        super(reason);
        this.after = after == null || after.isNegative() ? Duration.ZERO : after;
    }

    /** How long the remote asked us to wait (zero: it did not say). */
    public Duration after() {
        return after;
    }
}
