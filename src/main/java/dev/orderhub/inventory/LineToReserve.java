package dev.orderhub.inventory;

/** One order line as the ledger sees it: what to hold, for which line. */
public record LineToReserve(String lineId, String sku, int qty) {
}
