package dev.orderhub.connector;

/**
 * Raises what a person must see (a refusal a retry cannot fix, a processing report's errors)
 * as an exception in the hub's exception store; implemented by the core. {@code payload} is
 * kept bounded and never logged.
 */
public interface ChannelProblems {

    /** @param subject what it is about, e.g. "mcf" or "stock-feed": the exception's source is connector:channel:subject */
    void raise(String connector, String channel, String subject, String reason, String payload);
}
