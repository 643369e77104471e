package dev.orderhub.order;

import java.util.List;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.orderhub.channel.ChannelHealth;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.channel.Channel;
import dev.orderhub.channel.Connectors;
import dev.orderhub.channel.SyncCursors;
import dev.orderhub.connector.ChannelIntake;
import dev.orderhub.connector.ChannelOrder;
import dev.orderhub.connector.OrdersIn;
import dev.orderhub.connector.RetryLater;
import dev.orderhub.privacy.Redaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Orders in by polling (route orders-in-poll): each channel whose connector reads orders is
 * read page by page from its stored cursor, every order handed to the intake, and the cursor
 * moved only once the last page was taken. A failure leaves the cursor where it was: the next
 * poll reads the same orders again, and the intake imports each once.
 */
@Component("orderPolling")
public class OrderPolling {

    static final String CURSOR = "orders-in";
    static final String FLOW = "orders-in";
    /** A runaway paginator (a remote that always answers with a next page) stops here; the cursor stays. */
    static final int MAX_PAGES = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(OrderPolling.class);

    private final ChannelRegistry channels;
    private final Connectors connectors;
    private final SyncCursors cursors;
    private final ChannelIntake intake;
    private final ChannelHealth health;
    private final int downAfter;
    private final Map<String, Integer> failuresInARow = new ConcurrentHashMap<>();

    /** @param downAfter polls failed in a row after which the channel counts as down (its health, the connector-down alert) */
    public OrderPolling(ChannelRegistry channels, Connectors connectors, SyncCursors cursors, ChannelIntake intake,
                        ChannelHealth health, @Value("${orderhub.alerts.poll-failures-down:3}") int downAfter) {
        this.channels = channels;
        this.connectors = connectors;
        this.cursors = cursors;
        this.intake = intake;
        this.health = health;
        this.downAfter = Math.max(1, downAfter);
    }

    /** What one poll of one channel did. */
    public record PollResult(String channel, int read, int imported, int repeats, int cancelled, int parked, String cursor) {
    }

    /** The channels whose orders are polled. */
    public List<String> polledChannels() {
        return channels.channels().stream().map(Channel::id).filter(id -> connectors.ordersIn(id).isPresent()).toList();
    }

    /**
     * Polls one channel; a failure is logged and leaves its cursor, so the others still run.
     * {@code orderhub.alerts.poll-failures-down} failures in a row mark the channel down (flow
     * orders-in) until a poll works again; a rate limit's wait is not a failure.
     */
    public PollResult pollQuietly(String channel) {
        try {
            PollResult result = poll(channel);
            failuresInARow.remove(channel);
            health.up(channel, FLOW);
            return result;
        } catch (RetryLater e) {
            LOG.info("orders of {}: {}; the next poll continues from the same cursor", channel, e.getMessage());
        } catch (RuntimeException e) {
            String reason = Redaction.describe(e);
            LOG.warn("orders of {}: poll failed ({}); the next poll continues from the same cursor", channel, reason);
            if (failuresInARow.merge(channel, 1, Integer::sum) >= downAfter) {
                health.down(channel, FLOW, "the last " + failuresInARow.get(channel) + " order polls failed: " + reason);
            }
        }
        return null;
    }

    public PollResult poll(String channel) {
        OrdersIn source = connectors.ordersIn(channel)
                .orElseThrow(() -> new IllegalArgumentException("channel " + channel + " has no connector reading its orders"));
        String cursor = cursors.get(channel, CURSOR).orElse(null);
        String next = cursor;
        int read = 0;
        int imported = 0;
        int repeats = 0;
        int cancelled = 0;
        int parked = 0;
        String page = null;
        int pages = 0;
        do {
            if (++pages > MAX_PAGES) {
                throw new IllegalStateException(source.connector() + " answered more than " + MAX_PAGES + " pages for "
                        + channel + "; the cursor stays at " + cursor);
            }
            OrdersIn.OrdersPage answer = source.read(channel, cursor, page);
            for (ChannelOrder order : answer.orders()) {
                read++;
                switch (intake.take(channel, order)) {
                    case IMPORTED -> imported++;
                    case REPEAT -> repeats++;
                    case CANCELLED -> cancelled++;
                    case PARKED -> parked++;
                    default -> { }
                }
            }
            if (answer.cursor() != null) {
                next = answer.cursor();
            }
            page = answer.nextPage() == null || answer.nextPage().isBlank() ? null : answer.nextPage();
        } while (page != null);
        if (next != null && !next.equals(cursor)) {
            cursors.set(channel, CURSOR, next);
        }
        PollResult result = new PollResult(channel, read, imported, repeats, cancelled, parked, next);
        if (read > 0) {
            LOG.info("orders of {}: {}", channel, result);
        }
        return result;
    }
}
