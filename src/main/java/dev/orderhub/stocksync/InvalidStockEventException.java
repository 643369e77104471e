package dev.orderhub.stocksync;

/** A stock.changed message the hub cannot read; parked, never retried. */
public class InvalidStockEventException extends RuntimeException {

    public InvalidStockEventException(String message) {
        super(message);
    }
}
