package dev.orderhub.connector.manifest;

import java.time.Duration;

/**
 * The limits and retry policy of one remote operation, as the manifest declares them; the
 * toolkit implements them once for every connector. Each field is null when the manifest
 * leaves it out.
 *
 * @param rate       requests per second the remote allows (its usage plan), &gt; 0
 * @param burst      requests that may go at once before the rate applies, &ge; 1
 * @param timeout    how long to wait for one answer
 * @param attempts   tries in all, the first included, &ge; 1
 * @param backoff    the wait before the second try, doubling each time
 * @param maxBackoff the longest wait between tries
 * @param batch      the most items the remote takes in one request, &ge; 1
 */
public record OperationPolicy(Double rate, Integer burst, Duration timeout, Integer attempts, Duration backoff,
                              Duration maxBackoff, Integer batch) {
}
