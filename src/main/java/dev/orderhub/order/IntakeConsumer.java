package dev.orderhub.order;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import dev.orderhub.privacy.Redaction;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ServiceStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import jakarta.annotation.PreDestroy;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * Takes orders off the intake queue in batches and hands each batch to the {@code order-intake}
 * route: one JMS session transaction and one database transaction per batch instead of one of
 * each per order. Camel 4.17's JMS consumer commits per message (a batching sjms consumer is
 * still being designed upstream), so this is the consumer half of that route.
 *
 * <p>A batch is what is already buffered for the consumer, up to {@code batch-size}: under load
 * that is many orders, at a trickle it is one, so batching adds no waiting. The session is
 * committed only after the route has committed the database transaction; if the route fails
 * the session rolls back and the broker redelivers with its backoff. A redelivered message is
 * always processed alone, so one message that keeps failing is dead-lettered by itself and
 * never takes the rest of its batch with it.
 *
 * <p>Each worker pauses while the route is stopped and reconnects with backoff when the
 * broker connection fails.
 */
@Component
public class IntakeConsumer {

    static final String ROUTE = "order-intake";
    static final String ENDPOINT = "direct:order-intake";
    /** JMS property the broker sets on every delivery (JMS 2.0). */
    private static final String DELIVERY_COUNT = "JMSXDeliveryCount";
    private static final Logger LOG = LoggerFactory.getLogger(IntakeConsumer.class);

    private final ConnectionFactory connections;
    private final CamelContext camel;
    private final ProducerTemplate producer;
    private final String queue;
    private final int workers;
    private final int batchSize;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    public IntakeConsumer(ConnectionFactory connections, CamelContext camel, ProducerTemplate producer,
                          @Value("${orderhub.queues.order-intake}") String queue,
                          @Value("${orderhub.intake.consumers}") int workers,
                          @Value("${orderhub.intake.batch-size:100}") int batchSize) {
        // A long-lived consumer holds its own connection; the caching factory is for short sends.
        this.connections = connections instanceof CachingConnectionFactory caching
                && caching.getTargetConnectionFactory() != null ? caching.getTargetConnectionFactory() : connections;
        this.camel = camel;
        this.producer = producer;
        this.queue = queue;
        this.workers = workers;
        this.batchSize = Math.max(1, batchSize);
        // Started by the Camel context, not as a Spring lifecycle bean: a lifecycle bean that
        // depends on the context would start it before Camel Spring Boot has added the routes.
        try {
            camel.addStartupListener((context, alreadyStarted) -> start());
        } catch (Exception e) {
            throw new IllegalStateException("intake consumer cannot listen for the Camel context's start", e);
        }
    }

    /** One batch as the route sees it: the messages, in queue order. */
    public record Batch(List<Incoming> messages) {
    }

    /**
     * One message's text, and what makes it unreadable when it is (then {@code text} is the
     * best rendering of it for the exception store, and the importer parks it).
     */
    public record Incoming(String text, String unreadable, Instant acceptedAt) {

        static Incoming of(Message message) throws JMSException {
            Instant accepted = message.getJMSTimestamp() > 0 ? Instant.ofEpochMilli(message.getJMSTimestamp()) : null;
            if (message instanceof TextMessage text) {
                return new Incoming(text.getText() == null ? "" : text.getText(), null, accepted);
            }
            if (message instanceof BytesMessage bytes) {
                byte[] raw = new byte[(int) bytes.getBodyLength()];
                bytes.readBytes(raw);
                try {
                    return new Incoming(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString(), null, accepted);
                } catch (CharacterCodingException e) {
                    return new Incoming(new String(raw, StandardCharsets.UTF_8), "body: not valid UTF-8", accepted);
                }
            }
            return new Incoming("", "body: a " + message.getClass().getSimpleName()
                    + " has no text; send a text or bytes message holding the order JSON", accepted);
        }
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        for (int i = 0; i < workers; i++) {
            Thread worker = new Thread(this::work, "intake-" + i);
            worker.setDaemon(true);
            threads.add(worker);
            worker.start();
        }
    }

    /** Stops taking new batches and waits for the ones in flight, before Camel stops its routes. */
    @EventListener(ContextClosedEvent.class)
    @Order(Ordered.HIGHEST_PRECEDENCE)
    @PreDestroy
    public synchronized void stop() {
        running = false;
        for (Thread worker : threads) {
            try {
                worker.join(TimeUnit.SECONDS.toMillis(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        threads.clear();
    }

    private void work() {
        long backoff = 250;
        while (running) {
            try (Connection connection = connections.createConnection()) {
                connection.start();
                try (Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                     MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
                    backoff = 250;
                    consume(session, consumer);
                }
            } catch (JMSException | RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("intake consumer: broker connection failed ({}); reconnecting in {} ms", Redaction.describe(e), backoff);
                sleep(backoff);
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    private void consume(Session session, MessageConsumer consumer) throws JMSException {
        while (running) {
            if (!routeStarted()) {
                sleep(100);
                continue;
            }
            Message first = consumer.receive(500);
            if (first == null) {
                continue;
            }
            List<Message> batch = new ArrayList<>();
            batch.add(first);
            Message redelivery = null;
            if (!redelivered(first)) {
                while (batch.size() < batchSize) {
                    Message next = consumer.receiveNoWait();
                    if (next == null) {
                        break;
                    }
                    if (redelivered(next)) {
                        redelivery = next;
                        break;
                    }
                    batch.add(next);
                }
            }
            try {
                producer.sendBody(ENDPOINT, new Batch(incoming(batch)));
                if (redelivery != null) {
                    // Already received in this session: imported on its own, after the batch.
                    producer.sendBody(ENDPOINT, new Batch(incoming(List.of(redelivery))));
                }
            } catch (RuntimeException e) {
                // Not the message: a database error quotes the refused row (names, addresses).
                LOG.warn("intake batch of {} failed, the broker redelivers it: {}",
                        batch.size() + (redelivery == null ? 0 : 1), Redaction.describe(e));
                session.rollback();
                continue;
            }
            session.commit();
        }
    }

    private static List<Incoming> incoming(List<Message> messages) throws JMSException {
        List<Incoming> items = new ArrayList<>(messages.size());
        for (Message message : messages) {
            items.add(Incoming.of(message));
        }
        return items;
    }

    private static boolean redelivered(Message message) throws JMSException {
        return message.getJMSRedelivered() || (message.propertyExists(DELIVERY_COUNT) && message.getIntProperty(DELIVERY_COUNT) > 1);
    }

    private boolean routeStarted() {
        ServiceStatus status = camel.getRouteController().getRouteStatus(ROUTE);
        return camel.isStarted() && status != null && status.isStarted();
    }


    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
