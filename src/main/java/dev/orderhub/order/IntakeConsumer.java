package dev.orderhub.order;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.orderhub.messaging.JmsBodies;
import dev.orderhub.messaging.StoredPayload;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
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
    private final int maxMessageBytes;
    private final int maxParkChars;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    public IntakeConsumer(ConnectionFactory connections, CamelContext camel, ProducerTemplate producer,
                          @Value("${orderhub.queues.order-intake}") String queue,
                          @Value("${orderhub.intake.consumers}") int workers,
                          @Value("${orderhub.intake.batch-size:100}") int batchSize,
                          @Value("${orderhub.intake.max-message-bytes:1048576}") int maxMessageBytes,
                          @Value("${orderhub.exceptions.max-payload-chars:262144}") int maxParkChars) {
        // A long-lived consumer holds its own connection; the caching factory is for short sends.
        this.connections = connections instanceof CachingConnectionFactory caching
                && caching.getTargetConnectionFactory() != null ? caching.getTargetConnectionFactory() : connections;
        this.camel = camel;
        this.producer = producer;
        this.queue = queue;
        this.workers = workers;
        this.batchSize = Math.max(1, batchSize);
        this.maxMessageBytes = Math.max(1, maxMessageBytes);
        this.maxParkChars = Math.max(1, maxParkChars);
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
     * One message's text, or what makes it unreadable and what of it to park (then the
     * importer parks it with that reason). Read by {@link JmsBodies}: text or bytes within the
     * intake bound, never deserialised, never read whole when it is larger.
     */
    public record Incoming(String text, String unreadable, Instant acceptedAt, StoredPayload parked) {

        static Incoming of(Message message, int maxBytes, int maxParkChars) throws JMSException {
            Instant accepted = message.getJMSTimestamp() > 0 ? Instant.ofEpochMilli(message.getJMSTimestamp()) : null;
            JmsBodies.Body body = JmsBodies.read(message, maxBytes, maxParkChars);
            return new Incoming(body.text() == null ? "" : body.text(), body.unreadable(), accepted, body.parked());
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
            // Each body is read as it is received: receiving the next message discards the
            // stream of a large message received before it.
            List<Incoming> batch = new ArrayList<>();
            batch.add(incoming(first));
            Incoming redelivery = null;
            if (!redelivered(first)) {
                while (batch.size() < batchSize) {
                    Message next = consumer.receiveNoWait();
                    if (next == null) {
                        break;
                    }
                    if (redelivered(next)) {
                        redelivery = incoming(next);
                        break;
                    }
                    batch.add(incoming(next));
                }
            }
            try {
                producer.sendBody(ENDPOINT, new Batch(batch));
                if (redelivery != null) {
                    // Already received in this session: imported on its own, after the batch.
                    producer.sendBody(ENDPOINT, new Batch(List.of(redelivery)));
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

    private Incoming incoming(Message message) throws JMSException {
        return Incoming.of(message, maxMessageBytes, maxParkChars);
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
