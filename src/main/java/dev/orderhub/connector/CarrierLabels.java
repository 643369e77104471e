package dev.orderhub.connector;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * Capability {@code carrier-labels}: buys a shipping label for a parcel the merchant ships
 * itself, and reads the carrier's tracking updates pushed to the hub. The core owns the rest:
 * it keeps the label, records the parcel as a shipment (which the channel is then told about)
 * and applies each tracking update once.
 *
 * <p>A carrier account is not a channel: {@link #serves(String)} answers false for every
 * channel, and the core finds a carrier by {@link #connector()}.
 */
public interface CarrierLabels extends ConnectorCapability {

    /** Whether the carrier account is configured (credentials and the address parcels leave from). */
    boolean enabled();

    @Override
    default boolean serves(String channel) {
        return false;
    }

    /**
     * Buys the label. Calling it again with the same {@link LabelRequest#requestId} (after a
     * lost answer, a {@link RetryLater}) must answer the label already bought, never buy a second.
     *
     * @throws Refused    the carrier refused the request as it stands (its reason, naming the field)
     * @throws RetryLater the carrier could not be reached or is busy; the label may or may not exist yet
     */
    Label createLabel(LabelRequest request);

    /**
     * Reads one webhook delivery of the carrier's tracking. {@code token} is the secret the
     * delivery's URL carried: a connector compares it in constant time with its configured one.
     *
     * @throws Refused the token is wrong or none is configured (nothing may be applied)
     * @throws InvalidInput the body is not a delivery the connector can read
     */
    TrackingPush readTracking(String token, byte[] body);

    /**
     * A label wanted: {@code requestId} is the hub's id for this label, stable across retries;
     * {@code parcel} null takes the connector's default parcel; {@code serviceLevel} null the
     * cheapest rate.
     */
    record LabelRequest(String requestId, String hubOrderId, String channelOrderId, Address shipTo, Parcel parcel,
                        String serviceLevel) {
    }

    /** A postal address; country ISO 3166-1 alpha-2. {@code toString} shows no personal field. */
    record Address(String name, String line1, String line2, String city, String region, String postalCode, String country,
                   String phone, String email) {
        @Override
        public String toString() {
            return "Address[country=" + country + ", ***]";
        }
    }

    /** Dimensions and weight with their units as the carrier spells them (cm, in; g, kg, lb, oz). */
    record Parcel(BigDecimal length, BigDecimal width, BigDecimal height, String distanceUnit, BigDecimal weight,
                  String massUnit) {
    }

    /**
     * A bought label: the carrier and service to record the shipment with, the tracking number,
     * where the label is and (when the connector fetched it) the PDF itself, and the carrier's id
     * of the purchase.
     */
    record Label(String carrier, String service, String trackingNumber, String labelUrl, byte[] pdf, String transactionId) {
        @Override
        public String toString() {
            return "Label[" + carrier + " " + service + " " + trackingNumber + ", transaction " + transactionId + ", "
                    + (pdf == null ? "no pdf" : pdf.length + " bytes") + "]";
        }
    }

    /** The carrier's status of a parcel. */
    enum TrackingStatus { PRE_TRANSIT, TRANSIT, DELIVERED, RETURNED, FAILURE, UNKNOWN }

    /** What a tracking delivery said: nothing the hub follows ({@code update} null) or one parcel's status. */
    record TrackingPush(String event, TrackingUpdate update) {
    }

    /**
     * One parcel's status as the carrier reported it: found by {@code transactionId} (the label's
     * purchase) or else by carrier and tracking number; {@code at} when the carrier scanned it.
     */
    record TrackingUpdate(String transactionId, String carrier, String trackingNumber, TrackingStatus status, Instant at,
                          String detail) {
    }

    /** The carrier refused: its reason, fit to show to the person who asked (no secret, no address). */
    class Refused extends RuntimeException {
        public Refused(String reason) {
            super(reason);
        }
    }
}
