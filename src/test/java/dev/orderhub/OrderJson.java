package dev.orderhub;

import java.util.ArrayList;
import java.util.List;

/** Builds canonical order JSON for tests, valid unless a test changes it. */
public final class OrderJson {

    private final String channelOrderId;
    private final List<String> lines = new ArrayList<>();
    private String shipBy = "2026-11-28T17:00:00Z";
    private String fulfilmentMode = null;

    private OrderJson(String channelOrderId) {
        this.channelOrderId = channelOrderId;
    }

    public static OrderJson order(String channelOrderId) {
        return new OrderJson(channelOrderId);
    }

    /** The simplest valid order: one line of qty units of sku. */
    public static String of(String channelOrderId, String sku, int qty) {
        return order(channelOrderId).line(sku, qty).json();
    }

    public OrderJson line(String sku, int qty) {
        lines.add("{\"lineId\":\"" + (lines.size() + 1) + "\",\"sku\":\"" + sku + "\",\"qty\":" + qty
                + ",\"unitPrice\":19.95,\"tax\":3.46}");
        return this;
    }

    public OrderJson shipBy(String shipBy) {
        this.shipBy = shipBy;
        return this;
    }

    public OrderJson fulfilmentMode(String mode) {
        this.fulfilmentMode = mode;
        return this;
    }

    public String json() {
        return "{\"channelOrderId\":\"" + channelOrderId + "\",\"placedAt\":\"2026-11-26T09:30:00Z\","
                + "\"shipBy\":\"" + shipBy + "\",\"currency\":\"EUR\","
                + (fulfilmentMode == null ? "" : "\"fulfilmentMode\":\"" + fulfilmentMode + "\",")
                + "\"buyer\":{\"name\":\"Ada Lovelace\",\"email\":\"ada@example.com\"},"
                + "\"shipTo\":{\"name\":\"Ada Lovelace\",\"line1\":\"Keizersgracht 1\",\"city\":\"Amsterdam\","
                + "\"postalCode\":\"1015 CJ\",\"country\":\"NL\"},"
                + "\"lines\":[" + String.join(",", lines) + "]}";
    }
}
