package dev.orderhub.connector;

/**
 * What a connector was sent (a notification, a webhook) is not what it should be: the message
 * names the input and the problem. The route that received it parks it with that reason.
 */
public class InvalidInput extends RuntimeException {

    public InvalidInput(String message) {
        super(message);
    }
}
