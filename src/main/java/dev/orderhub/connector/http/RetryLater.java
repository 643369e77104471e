package dev.orderhub.connector.http;

import java.time.Duration;
import java.util.Optional;

/**
 * The call did not get through and may later: throttled (an empty bucket, a 429 asking for more
 * patience than the operation allows) or still failing (5xx, timeout, connection reset) after
 * the operation's attempts. {@link #after()} is when to try again; the core schedules that, no
 * thread waits for it.
 *
 * <p>An exception rather than a sealed result because nearly every connector call site only
 * passes it on: the core catches it in one place (the stock pusher, the order poller) and
 * schedules the retry, while the connector's code reads straight through for the answers it
 * handles. What a connector does handle, a 4xx, stays an {@link HttpAnswer}, so the two cannot
 * be confused.
 */
public class RetryLater extends dev.orderhub.connector.RetryLater {

    private final String reason;
    private final transient HttpAnswer lastAnswer;

    public RetryLater(Duration after, String reason, HttpAnswer lastAnswer) {
        super(after, reason + "; retry in " + after.toMillis() + " ms");
        this.reason = reason;
        this.lastAnswer = lastAnswer;
    }

    /** What happened, e.g. {@code amazon/amazon-de getOrders: 503 after 3 attempts}; names no secret. */
    public String reason() {
        return reason;
    }


    /** The last answer that was retried (a 503's body, a 429's headers); empty after timeouts or an empty bucket. */
    public Optional<HttpAnswer> lastAnswer() {
        return Optional.ofNullable(lastAnswer);
    }
}
