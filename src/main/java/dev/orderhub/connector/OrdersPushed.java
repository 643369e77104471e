package dev.orderhub.connector;

import java.util.List;
import java.util.function.Function;

/**
 * Capability {@code orders-pushed}: the channel pushes its orders to the hub as webhooks, to
 * {@code POST /api/channels/{channel}/webhooks/{connector}} (no API key: the delivery's own
 * signature is the credential). The core owns the endpoint: it reads the body (bounded), asks
 * {@link #verify} whether the delivery is genuine (401 and nothing stored when it is not),
 * stores it durably once per delivery id, answers 200 at once, and only then, from its own
 * queue, asks {@link #read} for the orders and hands them to the intake. A delivery the remote
 * sends again (same id) is answered 200 and not taken twice.
 *
 * <p>Remotes that do not guarantee delivery need {@link OrdersIn} as well (a reconciliation
 * poll), so a lost webhook costs minutes, not an order.
 */
public interface OrdersPushed extends ConnectorCapability {

    /**
     * Checks the delivery before anything is stored, e.g. its HMAC over the exact body bytes in
     * constant time. Must be cheap: the remote waits for the answer.
     *
     * @param headers the request's headers by name (case-insensitive), null when absent
     * @return the delivery: its id (the remote's delivery id, for deduplication; null when the
     *         remote sends none), its topic, and its body as text
     * @throws Refused when the delivery is not the channel's (forged, tampered, unsigned, stale)
     */
    Delivery verify(String channel, Function<String, String> headers, byte[] body) throws Refused;

    /**
     * The orders a verified delivery carries, called after the remote was answered (and again
     * after a crash, so it must be a pure function of the delivery). A topic that carries no
     * order answers an empty list; a body that cannot be mapped answers
     * {@link ChannelOrder.Unreadable} (parked with the reason).
     */
    List<ChannelOrder> read(String channel, Delivery delivery);

    /** One verified delivery: the remote's id (null when none), its topic, its body. */
    record Delivery(String id, String topic, String body) {
    }

    /** The delivery is not the channel's: answered 401, nothing stored. The reason names no secret. */
    final class Refused extends Exception {

        public Refused(String reason) {
            super(reason);
        }
    }
}
