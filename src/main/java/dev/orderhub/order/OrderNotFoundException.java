package dev.orderhub.order;

/** No order with that hub order id. */
public class OrderNotFoundException extends RuntimeException {

    public OrderNotFoundException(String hubOrderId) {
        super("order " + hubOrderId + " does not exist");
    }

    /** Something of an existing order that is not there (a shipment, a confirmation), said in full. */
    public OrderNotFoundException(String hubOrderId, String message) {
        super(message);
    }
}
