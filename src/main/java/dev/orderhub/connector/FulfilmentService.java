package dev.orderhub.connector;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * Capability {@code fulfilment-target}: somewhere an order is sent to be shipped (a 3PL,
 * Amazon Multi-Channel Fulfilment). The core sends an order routed to {@link #target()},
 * follows it until it shipped or ended, records its parcels as shipments, and cancels it there
 * when it is cancelled in the hub. Sending twice must not ship twice: the request carries the
 * hub order id, which the remote must treat as the order's own id.
 */
public interface FulfilmentService extends ConnectorCapability {

    /** The id orders are routed with, e.g. amazon-mcf. */
    String target();

    /** The stock location the target ships from (channels.yaml); null while it is not configured. */
    String location();

    /** Whether the target is configured and can take orders. */
    default boolean enabled() {
        return location() != null;
    }

    /** @return null when accepted (or already there from an earlier attempt), else the remote's refusal */
    String send(Request request);

    Progress follow(String hubOrderId);

    /** @return null when the remote cancelled it, else its refusal (e.g. already shipping) */
    String cancel(String hubOrderId);

    /**
     * Whether the target pushes its shipment confirmations as webhooks, to
     * {@code POST /api/fulfilment/{target}/webhooks} (no API key: the delivery's own signature is
     * the credential). Default: it does not, and the endpoint answers 404.
     */
    default boolean takesWebhooks() {
        return false;
    }

    /**
     * Reads one webhook delivery. The connector checks it is genuine first (its signature over
     * the exact body bytes, its timestamp) and records nothing when it is not; then it records what
     * the delivery says (a parcel shipped, the order cancelled) durably and once per delivery, in
     * its own tables, where {@link #follow} finds it. The core then follows the named orders at
     * once (their parcels become shipments) and answers the remote. Called concurrently: the same
     * delivery sent twice at the same moment must be recorded once.
     *
     * @param headers the request's headers by name (case-insensitive), null when absent
     * @throws Refused      the delivery is not the target's (unsigned, forged, tampered, stale): answered 401
     * @throws InvalidInput the delivery is genuine but cannot be read (answered 400, naming the field)
     */
    default Pushed pushed(Function<String, String> headers, byte[] body) {
        throw new Refused(target() + " takes no webhooks");
    }

    /**
     * What a delivery did: the remote's delivery id and topic, whether it was taken before
     * ({@code repeat}: nothing changed), and the hub orders it concerns (followed at once).
     */
    record Pushed(String delivery, String topic, boolean repeat, List<String> hubOrderIds) {

        public Pushed {
            hubOrderIds = hubOrderIds == null ? List.of() : List.copyOf(hubOrderIds);
        }
    }

    /** The delivery is not the target's: answered 401, nothing recorded. The reason names no secret. */
    class Refused extends RuntimeException {

        public Refused(String reason) {
            super(reason);
        }
    }

    /**
     * The order as the target needs it: where it goes, and each line's sku as the target knows it.
     * {@code retry}: an earlier attempt may have got through (ask before creating it again).
     */
    record Request(String hubOrderId, String channelOrderId, Instant placedAt, Destination destination, List<Item> items,
                   boolean retry) {
    }

    record Destination(String name, String line1, String line2, String city, String region, String postalCode,
                       String country) {
    }

    record Item(String lineId, String sku, int qty) {
    }

    /** Where the order is at the target, and every parcel that shipped so far. */
    record Progress(State state, List<Parcel> parcels, String detail) {

        public Progress {
            parcels = parcels == null ? List.of() : List.copyOf(parcels);
        }
    }

    /**
     * OPEN: still being worked on; SHIPPED: every parcel shipped; CANCELLED / UNFULFILLABLE: it
     * ended there without shipping all of it, a person must decide (the hub releases the stock
     * it held there).
     */
    enum State { OPEN, SHIPPED, CANCELLED, UNFULFILLABLE }

    /**
     * One parcel: carrier, service, tracking number, when, which lines (line id, quantity) it
     * holds, and when it was delivered if the target knows (null: not yet, or not known).
     */
    record Parcel(String carrier, String service, String trackingNumber, Instant shippedAt, List<Line> lines,
                  Instant deliveredAt) {

        public Parcel(String carrier, String service, String trackingNumber, Instant shippedAt, List<Line> lines) {
            this(carrier, service, trackingNumber, shippedAt, lines, null);
        }
    }

    record Line(String lineId, int qty) {
    }
}
