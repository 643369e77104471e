package dev.orderhub.inventory;

/** Units held for an order line at a location. */
public record Reservation(String hubOrderId, String lineId, String sku, String location, int qty) {
}
