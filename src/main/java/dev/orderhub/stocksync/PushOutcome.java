package dev.orderhub.stocksync;

import java.util.Map;

/**
 * What the channel answered to one stock push. {@code accepted}: every update was taken
 * (apart from {@code rejected}, listing sku to reason, which will not succeed by retrying).
 * {@code retryAfterMillis} &gt; 0: the remote asked to wait (429 or rate headers).
 */
public record PushOutcome(boolean accepted, int status, long retryAfterMillis, Map<String, String> rejected, String error) {
}
