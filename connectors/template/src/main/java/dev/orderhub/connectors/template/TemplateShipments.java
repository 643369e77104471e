package dev.orderhub.connectors.template;

import java.util.Map;

import dev.orderhub.connector.ShipmentConfirmation;
import dev.orderhub.connector.http.HttpAnswer;
import dev.orderhub.connector.http.HttpCall;
import org.springframework.stereotype.Component;

/**
 * Shipments ({@code shipment-confirm}): {@code POST /v1/orders/{id}/shipments} with the carrier,
 * tracking number and lines; the hub's shipment id is the idempotency key, so a retry after a
 * lost answer confirms once.
 */
@Component
public class TemplateShipments implements ShipmentConfirmation {

    static final String OPERATION = "confirmShipment";

    private final TemplateAccounts accounts;

    public TemplateShipments(TemplateAccounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public String connector() {
        return TemplateAccounts.CONNECTOR;
    }

    @Override
    public boolean serves(String channel) {
        return accounts.serves(channel);
    }

    @Override
    public Result confirm(String channel, Shipment shipment) {
        Map<String, Object> body = Map.of("carrier", shipment.carrier(), "service", shipment.service() == null ? "" : shipment.service(),
                "trackingNumber", shipment.trackingNumber(), "shippedAt", shipment.shippedAt().toString(),
                "lines", shipment.lines().stream().map(l -> Map.of("lineId", l.lineId(), "quantity", l.qty())).toList());
        HttpAnswer answer = accounts.send(accounts.get(channel), OPERATION, HttpCall.post("/v1/orders/{id}/shipments",
                shipment.channelOrderId()).json(body).idempotencyKey(shipment.shipmentId()));
        return answer.ok() ? Result.CONFIRMED : Result.refused(TemplateAccounts.error(answer), body.toString());
    }
}
