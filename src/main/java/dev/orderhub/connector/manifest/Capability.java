package dev.orderhub.connector.manifest;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What a connector can do for a channel; every manifest names each one, as done or lacking with a reason. */
public enum Capability {
    ORDERS_IN("orders-in", "reads the channel's orders into the hub"),
    ORDERS_PUSHED("orders-pushed", "takes the orders the channel pushes to the hub (webhooks)"),
    LISTINGS_IN("listings-in", "reads the channel's listings (its skus and offers)"),
    STOCK_OUT("stock-out", "pushes available-to-sell to the channel"),
    SHIPMENT_CONFIRM("shipment-confirm", "confirms shipments with carrier and tracking to the channel"),
    CANCEL_IN("cancel-in", "cancels in the hub what the channel cancelled"),
    CANCEL_OUT("cancel-out", "cancels on the channel what the hub cancelled"),
    FULFILMENT_TARGET("fulfilment-target", "ships the hub's orders (a 3PL or a channel's fulfilment, e.g. MCF)"),
    RETURNS("returns", "reads returns into the hub"),
    REFUNDS("refunds", "issues or reads refunds"),
    FBA_INVENTORY("fba-inventory", "reads channel-owned stock (e.g. FBA) into its location"),
    CARRIER_LABELS("carrier-labels", "buys shipping labels for parcels the merchant ships and reads their tracking");

    private final String id;
    private final String meaning;

    Capability(String id, String meaning) {
        this.id = id;
        this.meaning = meaning;
    }

    /** The name written in connector.yaml, e.g. {@code orders-in}. */
    public String id() {
        return id;
    }

    public String meaning() {
        return meaning;
    }

    public static Optional<Capability> byId(String id) {
        return Arrays.stream(values()).filter(c -> c.id.equals(id)).findFirst();
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(Capability::id).toList();
    }

    @Override
    public String toString() {
        return id;
    }
}
