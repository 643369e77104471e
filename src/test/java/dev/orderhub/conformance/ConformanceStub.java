package dev.orderhub.conformance;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * What the conformance suite ({@link ConnectorConformance}) needs of a connector's stub: a
 * running stand-in of the remote, the channel properties that point the connector at it, ways
 * to seed it and to script its faults, and what it saw. A connector implements the parts its
 * manifest's capabilities need; the rest keep their defaults, which the suite never calls.
 */
public interface ConformanceStub {

    /** The hub's flows the suite drives, to say which calls a scripted fault or a count is about. */
    enum Flow { ORDERS, STOCK, SHIPMENTS, CANCELS }

    /** Its recorded exchanges and scripted faults. */
    StubTap tap();

    /**
     * The properties of a channel that uses the connector against this stub
     * ({@code orderhub.channels.<channel>.connector.name} and {@code .properties.*}).
     *
     * @param good false: credentials the stub refuses
     */
    void configure(DynamicPropertyRegistry registry, String channel, boolean good);

    /** The secret values given to the good and bad channels: no error message may show them. */
    List<String> secrets();

    /** The calls of a flow made for the good channel (faults are scripted, requests counted, by it). */
    Predicate<StubTap.Call> calls(Flow flow);

    /** Normal service: no scripted faults, nothing slowed. Called before each test. */
    default void reset() {
        tap().clearFaults();
    }

    // ---- orders-in, cancel-in ----------------------------------------------------------------

    /** The page size configured by {@link #configure}: a poll of more orders reads several pages. */
    default int pageSize() {
        throw new UnsupportedOperationException("orders-in");
    }

    /** A channel order id from the suite's prefix and a number, spelt as the remote spells them. */
    default String orderId(String prefix, int n) {
        return prefix + "-" + n;
    }

    /** An open, merchant-fulfilled order of one line ({@code qty} of {@code sku}), last changed at {@code updated}. */
    default void putOrder(String orderId, String sku, int qty, Instant updated) {
        throw new UnsupportedOperationException("orders-in");
    }

    /** An order the connector cannot turn into a valid canonical order (e.g. without lines). */
    default void putMalformedOrder(String orderId, String sku, Instant updated) {
        throw new UnsupportedOperationException("orders-in");
    }

    /** The channel (buyer or marketplace) cancels the order; it last changed at {@code updated}. */
    default void cancelOnChannel(String orderId, Instant updated) {
        throw new UnsupportedOperationException("cancel-in");
    }

    /** A cursor past every order the stub holds: a poll from it reads nothing. */
    default String futureCursor() {
        throw new UnsupportedOperationException("orders-in");
    }

    // ---- orders-pushed ------------------------------------------------------------------------

    /** One delivery as the remote pushes it: its headers and its exact body bytes. */
    record Push(Map<String, String> headers, byte[] body) {
    }

    /**
     * Makes an open, merchant-fulfilled order of one line (as {@link #putOrder}) and answers the
     * remote's signed webhook delivery of it (the topic of a new order), with a fresh delivery id.
     */
    default Push pushOrder(String orderId, String sku, int qty, Instant updated) {
        throw new UnsupportedOperationException("orders-pushed");
    }

    /** The channel cancels the order; answers the signed delivery that says so (a fresh delivery id). */
    default Push pushCancel(String orderId, Instant updated) {
        throw new UnsupportedOperationException("orders-pushed");
    }

    /** A signed delivery of an order the connector cannot map into a valid canonical order. */
    default Push pushMalformed(String orderId, Instant updated) {
        throw new UnsupportedOperationException("orders-pushed");
    }

    /** The delivery with its body changed after signing (the signature no longer matches). */
    default Push tampered(Push push) {
        throw new UnsupportedOperationException("orders-pushed");
    }

    /** The delivery without its signature. */
    default Push unsigned(Push push) {
        throw new UnsupportedOperationException("orders-pushed");
    }

    // ---- stock-out ---------------------------------------------------------------------------

    /** Makes the sku a merchant-fulfilled listing of the channel, for a connector that reads listings. */
    default void list(String sku) {
    }

    /** The quantity the channel shows for the listing now; null: never pushed. */
    default Long shown(String sku) {
        throw new UnsupportedOperationException("stock-out");
    }

    /** How many listing quantities a stock call carried. */
    default int items(StubTap.Exchange stockCall) {
        throw new UnsupportedOperationException("stock-out");
    }

    /** The manifest's operation (its {@code operations:} key) an exchange is a call of; empty when none. */
    default Optional<String> operation(StubTap.Exchange exchange) {
        return Optional.empty();
    }

    // ---- shipment-confirm, cancel-out --------------------------------------------------------

    /** A shipment the channel accepted: its tracking number and quantity per channel line id. */
    record Shipped(String orderId, String trackingNumber, Map<String, Integer> lines) {
    }

    default List<Shipped> shipments(String orderId) {
        throw new UnsupportedOperationException("shipment-confirm");
    }

    /** The order ids the seller cancelled on the channel. */
    default List<String> sellerCancelled() {
        throw new UnsupportedOperationException("cancel-out");
    }

    // ---- allowed hosts and the spec ----------------------------------------------------------

    /**
     * Makes the stub hand out links (next pages, documents) under {@code base} instead of its own
     * address, so the suite can check the connector does not follow one off its allowed hosts;
     * null puts them back. Empty when the remote's API hands out no URLs (page tokens only),
     * the reason given.
     */
    default Optional<String> cannotLinkElsewhere() {
        return Optional.of("this stub's API hands out no URLs to follow (page tokens only)");
    }

    default void linkTo(URI base) {
        throw new UnsupportedOperationException("links");
    }

    /** The published spec's checks, for a connector whose manifest names a {@code spec}. */
    default Optional<SpecCheck> spec() {
        return Optional.empty();
    }

    /** Validates what went over the wire against the published spec: both directions. */
    interface SpecCheck {

        /** What is wrong with the request against the spec's operation (empty: it conforms). */
        List<String> request(StubTap.Exchange exchange);

        /** What is wrong with the stub's answer against the operation's response for its status. */
        List<String> answer(StubTap.Exchange exchange);
    }
}
