package dev.orderhub.connector;

import java.time.Duration;
import java.util.List;

/**
 * Capability {@code stock-out}: a batch of listing quantities to the channel (at most the
 * manifest's batch size, within its rate). The answer is one {@link ItemResult} per item; a
 * missing item counts as accepted only if the call returned normally. {@link RetryLater}
 * thrown: nothing of the batch was taken, the core pushes it again.
 */
public interface StockOut extends ConnectorCapability {

    /**
     * @param idempotencyKey the same for every attempt at the same values, for a remote that keeps keys
     */
    Pushed push(String channel, List<ListingQuantity> batch, String idempotencyKey);

    /**
     * The channel's answer: one result per item, and how long to wait before the next push to
     * this channel when the remote said its rate window is spent (zero: no need).
     */
    record Pushed(List<ItemResult> items, Duration pause) {

        public Pushed {
            items = List.copyOf(items);
            pause = pause == null || pause.isNegative() ? Duration.ZERO : pause;
        }

        public static Pushed of(List<ItemResult> items) {
            return new Pushed(items, Duration.ZERO);
        }
    }

    /** A listing's quantity to show; {@code version} grows with every value the hub computes for it. */
    record ListingQuantity(String listingSku, long quantity, long version) {
    }

    /** What the channel did with one item. */
    record ItemResult(String listingSku, Outcome outcome, String reason, Duration retryAfter) {

        public enum Outcome { ACCEPTED, REJECTED, RETRY }

        public static ItemResult accepted(String listingSku) {
            return new ItemResult(listingSku, Outcome.ACCEPTED, null, Duration.ZERO);
        }

        /** The channel refused the value (unknown listing, invalid): a retry would be refused again. */
        public static ItemResult rejected(String listingSku, String reason) {
            return new ItemResult(listingSku, Outcome.REJECTED, reason, Duration.ZERO);
        }

        /** This item was not taken now; try it again after {@code after}. */
        public static ItemResult retry(String listingSku, Duration after, String reason) {
            return new ItemResult(listingSku, Outcome.RETRY, reason, after);
        }
    }
}
