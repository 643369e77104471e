package dev.orderhub.order;

import java.math.BigDecimal;

/** One line of an order: qty units of sku at unitPrice (tax is the line's total tax). */
public record OrderLine(String lineId, String sku, int qty, BigDecimal unitPrice, BigDecimal tax) {
}
