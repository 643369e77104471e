package dev.orderhub.stocksync;

import java.util.Map;

/**
 * What the channel's connector did with one stock push. {@code accepted}: the call went
 * through; each update was taken apart from {@code rejected} (listing sku to reason: a retry
 * would be refused again) and {@code retry} (listing sku to milliseconds to wait: not taken
 * now). Not accepted: nothing was taken; {@code throttled} when the remote asked to wait
 * {@code retryAfterMillis}, otherwise a failure ({@code error}) retried with backoff.
 */
public record PushOutcome(boolean accepted, boolean throttled, long retryAfterMillis, Map<String, String> rejected,
                          Map<String, Long> retry, String error) {

    static PushOutcome failed(String error) {
        return new PushOutcome(false, false, 0, Map.of(), Map.of(), error);
    }
}
