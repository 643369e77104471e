package dev.orderhub.inventory;

/** Stock of one sku at one location. available = onHand - reserved, never negative. */
public record StockLevel(String sku, String location, long onHand, long reserved) {

    public long available() {
        return onHand - reserved;
    }
}
