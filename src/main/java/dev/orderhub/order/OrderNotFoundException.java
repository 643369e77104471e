package dev.orderhub.order;

/** No order with that hub order id. */
public class OrderNotFoundException extends RuntimeException {

    public OrderNotFoundException(String hubOrderId) {
        super("order " + hubOrderId + " does not exist");
    }
}
