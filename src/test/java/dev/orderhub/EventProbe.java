package dev.orderhub;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.springframework.jms.connection.SingleConnectionFactory;

/** A subscriber to the hub's event topics, as an ERP would be; collects every envelope it receives. */
public final class EventProbe implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Connection connection;
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();

    private EventProbe(ConnectionFactory factory, String... topics) throws JMSException {
        // A connection of its own, not the hub's cached one, so closing the probe closes its consumers.
        ConnectionFactory raw = factory instanceof SingleConnectionFactory shared && shared.getTargetConnectionFactory() != null
                ? shared.getTargetConnectionFactory() : factory;
        connection = raw.createConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        for (String topic : topics) {
            MessageConsumer consumer = session.createConsumer(session.createTopic(topic));
            consumer.setMessageListener(message -> {
                try {
                    received.add(JSON.readTree(((TextMessage) message).getText()));
                } catch (Exception e) {
                    throw new IllegalStateException("event on " + topic + " is not a JSON envelope", e);
                }
            });
        }
        connection.start();
    }

    /** Subscribes before the test acts, so no event is missed. Uses its own connection. */
    public static EventProbe subscribe(ConnectionFactory factory, String... topics) {
        try {
            return new EventProbe(factory, topics);
        } catch (JMSException e) {
            throw new IllegalStateException("cannot subscribe to " + String.join(", ", topics), e);
        }
    }

    /** Every envelope received so far, in arrival order. */
    public List<JsonNode> all() {
        return List.copyOf(received);
    }

    /** Envelopes of this type whose payload field equals the value. */
    public List<JsonNode> events(String type, String payloadField, String value) {
        return received.stream()
                .filter(e -> type.equals(e.path("type").asText()))
                .filter(e -> value.equals(e.path("payload").path(payloadField).asText()))
                .toList();
    }

    @Override
    public void close() throws JMSException {
        connection.close();
    }
}
