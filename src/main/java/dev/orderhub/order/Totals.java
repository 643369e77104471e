package dev.orderhub.order;

import java.math.BigDecimal;

/** Sum of the lines: subtotal (qty x unit price), tax, total. */
public record Totals(BigDecimal subtotal, BigDecimal tax, BigDecimal total, String currency) {
}
