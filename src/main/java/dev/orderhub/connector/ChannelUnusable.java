package dev.orderhub.connector;

/**
 * The connector cannot work for this channel as it is configured: its sink cannot be created,
 * the remote refuses the account's credentials. Trying again soon will not help; a person must
 * fix the configuration or the account. The hub turns the channel's health DOWN with this
 * reason, tells a person once, and tries again only slowly. The message names the channel and
 * the problem, never a secret.
 */
public class ChannelUnusable extends RuntimeException {

    public ChannelUnusable(String message) {
        super(message);
    }

    public ChannelUnusable(String message, Throwable cause) {
        super(message, cause);
    }
}
