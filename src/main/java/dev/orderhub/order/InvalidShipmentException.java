package dev.orderhub.order;

/** A shipment that cannot be recorded as given (unknown line, more than ordered, channel-fulfilled order). */
public class InvalidShipmentException extends RuntimeException {

    public InvalidShipmentException(String message) {
        super(message);
    }
}
