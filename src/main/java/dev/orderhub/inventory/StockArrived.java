package dev.orderhub.inventory;

import java.util.Set;

/**
 * Published in-process, inside the transaction, when available stock of these skus went up
 * (a receipt, a count, a released order). The order feature reserves waiting backorders
 * first, before the new available-to-sell reaches any channel.
 */
public record StockArrived(Set<String> skus) {
}
