package dev.orderhub.order;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import dev.orderhub.channel.Connectors;
import dev.orderhub.connector.ChannelIntake;
import dev.orderhub.connector.ChannelOrder;
import dev.orderhub.connector.InvalidInput;
import dev.orderhub.connector.OrdersPushed;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Orders a channel pushes (capability {@code orders-pushed}): a delivery its connector verified
 * is stored once per delivery id and queued durably before the remote is answered; the orders
 * it carries are read and taken from the queue afterwards (route webhooks-in), so the answer
 * is fast and a crash after it loses nothing.
 */
@Service
public class PushedOrders {

    static final String INGRESS = "direct:webhook-ingress";
    /** Longest delivery id and topic kept: remotes use UUIDs and short topic names. */
    static final int MAX_ID = 128;
    static final int MAX_TOPIC = 64;
    private static final Logger LOG = LoggerFactory.getLogger(PushedOrders.class);

    private final Connectors connectors;
    private final ChannelIntake intake;
    private final ProducerTemplate producer;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final MeterRegistry meters;
    private final Clock clock;

    public PushedOrders(Connectors connectors, ChannelIntake intake, ProducerTemplate producer, JdbcTemplate jdbc,
                        TransactionTemplate transactions, MeterRegistry meters, Clock clock) {
        this.connectors = connectors;
        this.intake = intake;
        this.producer = producer;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.meters = meters;
        this.clock = clock;
    }

    /** ACCEPTED: stored and queued now; REPEAT: this delivery id was taken before, nothing done. */
    public enum Status { ACCEPTED, REPEAT }

    public record Receipt(String delivery, String topic, Status status) {
    }

    /** The connector taking the channel's pushed orders, if the channel is one of that connector's. */
    public Optional<OrdersPushed> receiver(String channel, String connector) {
        return connectors.all(OrdersPushed.class).stream()
                .filter(r -> r.connector().equals(connector) && r.serves(channel)).findFirst();
    }

    /**
     * Verifies the delivery with the channel's connector, then stores and queues it once.
     *
     * @throws OrdersPushed.Refused the delivery is not the channel's: nothing stored
     * @throws InvalidInput         the verified delivery's id or topic is unusable (too long, control characters)
     */
    public Receipt accept(String channel, OrdersPushed receiver, Function<String, String> headers, byte[] body)
            throws OrdersPushed.Refused {
        OrdersPushed.Delivery delivery = receiver.verify(channel, headers, body);
        String id = bounded("delivery id", delivery.id(), MAX_ID);
        String topic = bounded("topic", delivery.topic(), MAX_TOPIC);
        String text = delivery.body() != null ? delivery.body() : new String(body, StandardCharsets.UTF_8);
        try {
            Status status = transactions.execute(tx -> {
                if (id != null) {
                    Integer seen = jdbc.queryForObject("SELECT COUNT(*) FROM webhook_deliveries WHERE channel = ? AND delivery_id = ?",
                            Integer.class, channel, id);
                    if (seen != null && seen > 0) {
                        return Status.REPEAT;
                    }
                    jdbc.update("INSERT INTO webhook_deliveries (channel, delivery_id, topic, received_at) VALUES (?, ?, ?, ?)",
                            channel, id, topic, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
                }
                // Persistent and acknowledged before the row commits: once the remote hears 200 the
                // delivery is in the broker's journal (a crash between the two only queues it twice,
                // and the intake imports an order once).
                producer.sendBodyAndHeaders(INGRESS, text, Map.of("orderhubChannel", channel,
                        "orderhubConnector", receiver.connector(), "orderhubTopic", topic == null ? "" : topic,
                        "orderhubDelivery", id == null ? "" : id));
                return Status.ACCEPTED;
            });
            meters.counter("orderhub.webhooks.received", "channel", channel, "status", status.name()).increment();
            return new Receipt(id, topic, status);
        } catch (DuplicateKeyException concurrent) {
            // The same delivery arrived twice at once: the other request stored and queued it.
            meters.counter("orderhub.webhooks.received", "channel", channel, "status", Status.REPEAT.name()).increment();
            return new Receipt(id, topic, Status.REPEAT);
        }
    }

    /** From the queue (route webhooks-in): the delivery's orders, each handed to the intake. */
    public void deliver(@Header("orderhubChannel") String channel, @Header("orderhubConnector") String connector,
                        @Header("orderhubTopic") String topic, @Header("orderhubDelivery") String delivery, @Body String body) {
        OrdersPushed receiver = receiver(channel, connector).orElseThrow(() -> new InvalidInput("delivery " + delivery
                + " for channel " + channel + ": connector " + connector + " no longer takes this channel's pushed orders"));
        List<ChannelOrder> orders = receiver.read(channel,
                new OrdersPushed.Delivery(delivery == null || delivery.isEmpty() ? null : delivery,
                        topic == null || topic.isEmpty() ? null : topic, body));
        for (ChannelOrder order : orders) {
            ChannelIntake.Outcome outcome = intake.take(channel, order);
            LOG.debug("pushed order {} of channel {} ({}): {}", order.channelOrderId(), channel, topic, outcome);
        }
    }

    /** Deletes the deliveries received before the instant (retention); answers how many. */
    public int deleteReceivedBefore(Instant before) {
        return jdbc.update("DELETE FROM webhook_deliveries WHERE received_at < ?", OffsetDateTime.ofInstant(before, ZoneOffset.UTC));
    }

    private static String bounded(String what, String value, int max) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.length() > max || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new InvalidInput("the delivery's " + what + " must be at most " + max + " printable characters");
        }
        return value;
    }
}
