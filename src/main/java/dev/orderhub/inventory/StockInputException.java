package dev.orderhub.inventory;

/** A stock change that cannot apply (for example a delta that would take on hand below zero). */
public class StockInputException extends RuntimeException {

    public StockInputException(String message) {
        super(message);
    }
}
