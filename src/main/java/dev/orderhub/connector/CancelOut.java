package dev.orderhub.connector;

/**
 * Capability {@code cancel-out}: tells the channel the seller cancelled an order (all of it)
 * in the hub. Retried on {@link RetryLater}; a refusal is raised for a person.
 */
public interface CancelOut extends ConnectorCapability {

    /** @return null when the channel accepted, else its reason for refusing */
    String cancel(String channel, String channelOrderId, String reason);
}
