package dev.orderhub.connector.http;

/**
 * Token buckets shared by every hub instance, one per (connector, channel, operation). The
 * client only needs these three moves; {@link HubRateBuckets} makes them on the
 * {@code rate_buckets} table.
 */
public interface RateBuckets {

    /** Takes one token if the bucket has one (refilled at {@code rate}/s up to {@code burst}) and is not blocked. */
    boolean tryTake(String bucket, double rate, double burst);

    /** The remote said "not before": no token from this bucket until then, on any instance. */
    void blockUntil(String bucket, long untilMillis);

    /** Milliseconds until the bucket may grant again because of a block (0 when not blocked). */
    long blockedFor(String bucket);
}
