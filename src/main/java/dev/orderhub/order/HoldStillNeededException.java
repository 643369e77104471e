package dev.orderhub.order;

/** An order's hold cannot be released yet: what it waits for is still missing (409). */
public class HoldStillNeededException extends RuntimeException {

    private final String hubOrderId;

    public HoldStillNeededException(String hubOrderId, String message) {
        super(message);
        this.hubOrderId = hubOrderId;
    }

    public String hubOrderId() {
        return hubOrderId;
    }
}
