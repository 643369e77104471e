package dev.orderhub.inventory;

import java.util.List;

/**
 * Published (in-process, inside the transaction) when a stock count fell below what was
 * reserved and the ledger released whole orders to restore available >= 0. The order
 * feature moves those orders to BACKORDERED.
 */
public record ReservationsReleased(List<String> hubOrderIds, String reason) {
}
