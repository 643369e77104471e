package dev.orderhub.messaging;

import dev.orderhub.connector.ChannelProblems;
import org.springframework.stereotype.Component;

/** A connector's problems for a person: parked in the exception store as connector:channel:subject. */
@Component
public class ParkedProblems implements ChannelProblems {

    private final ExceptionStore exceptions;

    public ParkedProblems(ExceptionStore exceptions) {
        this.exceptions = exceptions;
    }

    @Override
    public void raise(String connector, String channel, String subject, String reason, String payload) {
        exceptions.park(connector + ":" + channel + ":" + subject, reason, payload == null ? "" : payload);
    }
}
