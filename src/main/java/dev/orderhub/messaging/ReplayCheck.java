package dev.orderhub.messaging;

/**
 * Checks a payload a person edited before it is replayed to a queue, with the rules of the
 * queue's consumer, so a fix that would only be parked again is refused at once with the reason.
 * The feature that consumes the queue provides it (orders.intake: the order feature).
 */
public interface ReplayCheck {

    /** The queue whose consumer's rules these are. */
    String queue();

    /** Throws an exception whose message names the field and the problem (the API answers 400) when the payload would be refused. */
    void check(String payload);
}
