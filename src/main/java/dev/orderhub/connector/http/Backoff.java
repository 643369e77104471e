package dev.orderhub.connector.http;

/** How long a connector waits before trying a remote again: doubling per failed attempt, capped. */
public final class Backoff {

    private Backoff() {
    }

    /** {@code base} after the first failure, doubling with each further one, never more than {@code max}. */
    public static long millis(long base, int failedAttempts, long max) {
        return Math.min(max, base << Math.min(Math.max(failedAttempts, 0), 20));
    }
}
