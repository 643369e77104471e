package dev.orderhub.stocksync;

import java.util.Map;

/**
 * What the channel's connector did with one stock push. {@code accepted}: the call went
 * through; each update was taken apart from {@code rejected} (listing sku to reason: a retry
 * would be refused again) and {@code retry} (listing sku to milliseconds to wait: not taken
 * now). Not accepted: nothing was taken; {@code throttled} when the remote asked to wait
 * {@code retryAfterMillis}, otherwise a failure ({@code error}) retried with backoff;
 * {@code unusable} when the connector cannot work for the channel as configured (the channel's
 * health is DOWN until a push gets through).
 */
public record PushOutcome(boolean accepted, boolean throttled, long retryAfterMillis, Map<String, String> rejected,
                          Map<String, Long> retry, String error, boolean unusable) {

    public PushOutcome(boolean accepted, boolean throttled, long retryAfterMillis, Map<String, String> rejected,
                       Map<String, Long> retry, String error) {
        this(accepted, throttled, retryAfterMillis, rejected, retry, error, false);
    }

    static PushOutcome failed(String error) {
        return new PushOutcome(false, false, 0, Map.of(), Map.of(), error);
    }

    static PushOutcome unusable(String error) {
        return new PushOutcome(false, false, 0, Map.of(), Map.of(), error, true);
    }
}
