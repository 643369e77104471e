package dev.orderhub.connectors.bol;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.orderhub.connector.ShipmentConfirmation;
import dev.orderhub.connector.http.HttpCall;
import org.springframework.stereotype.Component;

/**
 * Shipments ({@code shipment-confirm}): {@code POST /retailer/shipments} with the order items and
 * quantities, the hub's shipment id as {@code shipmentReference}, and {@code transport}
 * (transporter code from {@link Transporters}, track-and-trace). bol answers 202 with a process
 * status, followed by {@link BolProcesses}: SUCCESS confirms, FAILURE or TIMEOUT refuses with
 * bol's message, PENDING is retried later without sending the shipment again.
 */
@Component
public class BolShipments implements ShipmentConfirmation {

    static final String OPERATION = "create-shipment";

    private final BolAccounts accounts;
    private final BolProcesses processes;

    public BolShipments(BolAccounts accounts, BolProcesses processes) {
        this.accounts = accounts;
        this.processes = processes;
    }

    @Override
    public String connector() {
        return BolAccounts.CONNECTOR;
    }

    @Override
    public boolean serves(String channel) {
        return accounts.serves(channel);
    }

    @Override
    public Result confirm(String channel, Shipment shipment) {
        BolAccounts.Account account = accounts.get(channel);
        if (shipment.lines().isEmpty()) {
            return Result.refused("bol needs the order items of a shipment; shipment " + shipment.shipmentId() + " names none", "");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("orderItems", shipment.lines().stream().map(l -> Map.of("orderItemId", l.lineId(), "quantity", l.qty())).toList());
        body.put("shipmentReference", shipment.shipmentId().length() > 90 ? shipment.shipmentId().substring(0, 90) : shipment.shipmentId());
        Map<String, Object> transport = new LinkedHashMap<>();
        transport.put("transporterCode", Transporters.code(shipment.carrier()));
        if (shipment.trackingNumber() != null && !shipment.trackingNumber().isBlank()) {
            transport.put("trackAndTrace", shipment.trackingNumber());
        }
        body.put("transport", transport);
        String request = BolAccounts.JSON.valueToTree(body).toString();
        BolProcesses.Outcome outcome = processes.run(account, "shipment", shipment.shipmentId(), shipment.lines().get(0).lineId(),
                "CREATE_SHIPMENT", () -> accounts.send(account, OPERATION, HttpCall.post("/retailer/shipments").body(request, BolAccounts.MEDIA)));
        if (outcome.success()) {
            return Result.CONFIRMED;
        }
        return Result.refused("bol " + outcome.status() + ": " + (outcome.error() == null ? "no message" : outcome.error()), request);
    }
}
