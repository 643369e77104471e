package dev.orderhub.connectors.ebay;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orderhub.connector.RetryLater;
import dev.orderhub.connector.ShipmentConfirmation;
import dev.orderhub.connector.http.HttpAnswer;
import dev.orderhub.connector.http.HttpCall;
import org.springframework.stereotype.Component;

/**
 * Tracking back to eBay ({@code shipment-confirm}): one {@code createShippingFulfillment} per
 * parcel (its line items and quantities, shipped date, carrier code, tracking number), answered
 * 201 with the new fulfillment's URI in {@code Location}.
 *
 * <p>The call is a POST without an idempotency key: eBay would create a second fulfillment for
 * the same parcel if it were sent twice. So before sending, the order's fulfillments are read
 * ({@code getShippingFulfillments}); one with the same tracking number and the same line items
 * is this parcel, created by an earlier attempt whose answer was lost: confirmed, not sent
 * again. A send that fails without a final answer (5xx, timeout) is never repeated within the
 * call: the hub retries later, and that retry looks first.
 */
@Component("ebayShipments")
public class EbayShipments implements ShipmentConfirmation {

    static final String OPERATION = "createShippingFulfillment";
    static final String PATH = EbayAccounts.FULFILLMENT + "/order/{orderId}/shipping_fulfillment";

    /** eBay's shippingCarrierCode for common carrier names as sellers type them; others are sent as typed. */
    static final Map<String, String> CARRIERS = Map.ofEntries(Map.entry("dhl", "DHL"), Map.entry("dhlexpress", "DHL"),
            Map.entry("ups", "UPS"), Map.entry("usps", "USPS"), Map.entry("fedex", "FedEx"), Map.entry("dpd", "DPD"),
            Map.entry("gls", "GLS"), Map.entry("hermes", "Hermes"), Map.entry("evri", "Hermes"),
            Map.entry("royalmail", "RoyalMail"), Map.entry("deutschepost", "DeutschePost"), Map.entry("postnl", "PostNL"),
            Map.entry("colissimo", "Colissimo"), Map.entry("canadapost", "CanadaPost"), Map.entry("australiapost", "AustraliaPost"));

    private final EbayAccounts accounts;
    private final ObjectMapper json;

    public EbayShipments(EbayAccounts accounts, ObjectMapper json) {
        this.accounts = accounts;
        this.json = json;
    }

    @Override
    public String connector() {
        return EbayAccounts.CONNECTOR;
    }

    @Override
    public boolean serves(String channel) {
        return accounts.serves(channel);
    }

    @Override
    public Result confirm(String channel, Shipment shipment) {
        EbayAccounts.Account account = accounts.get(channel);
        String orderId = shipment.channelOrderId();
        ObjectNode body = body(shipment);
        HttpAnswer existing = accounts.send(account, "getShippingFulfillments", HttpCall.get(PATH, orderId));
        if (existing.refused()) {
            return Result.refused("eBay does not take shipments for order " + orderId + ": " + EbayAccounts.error(existing), body.toString());
        }
        if (!existing.ok()) {
            throw new RetryLater(Duration.ZERO, "getShippingFulfillments " + orderId + ": " + EbayAccounts.error(existing));
        }
        if (alreadyThere(existing.json(), shipment)) {
            return Result.CONFIRMED;
        }
        HttpAnswer answer = accounts.send(account, OPERATION, HttpCall.post(PATH, orderId).json(body.toString()));
        if (answer.ok()) {
            return Result.CONFIRMED;
        }
        if (answer.refused()) {
            return Result.refused("eBay refused the shipping fulfillment of order " + orderId + " (tracking "
                    + shipment.trackingNumber() + "): " + EbayAccounts.error(answer), body.toString());
        }
        throw new RetryLater(Duration.ZERO, "createShippingFulfillment " + orderId + ": " + EbayAccounts.error(answer));
    }

    /** A fulfillment of the order with this parcel's tracking number and exactly its line items and quantities. */
    static boolean alreadyThere(JsonNode fulfillments, Shipment shipment) {
        Map<String, Integer> mine = new HashMap<>();
        shipment.lines().forEach(line -> mine.merge(line.lineId(), line.qty(), Integer::sum));
        for (JsonNode fulfillment : fulfillments.path("fulfillments")) {
            if (!shipment.trackingNumber().equalsIgnoreCase(fulfillment.path("shipmentTrackingNumber").asText(""))) {
                continue;
            }
            Map<String, Integer> theirs = new HashMap<>();
            fulfillment.path("lineItems").forEach(item -> theirs.merge(item.path("lineItemId").asText(),
                    item.path("quantity").asInt(1), Integer::sum));
            if (theirs.equals(mine)) {
                return true;
            }
        }
        return false;
    }

    ObjectNode body(Shipment shipment) {
        ObjectNode body = json.createObjectNode();
        shipment.lines().forEach(line -> body.withArray("lineItems").addObject().put("lineItemId", line.lineId()).put("quantity", line.qty()));
        if (shipment.shippedAt() != null) { // else eBay takes the current time
            body.put("shippedDate", EbayOrders.format(shipment.shippedAt()));
        }
        body.put("shippingCarrierCode", carrierCode(shipment.carrier()));
        body.put("trackingNumber", shipment.trackingNumber());
        return body;
    }

    static String carrierCode(String carrier) {
        String key = carrier == null ? "" : carrier.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        return CARRIERS.getOrDefault(key, carrier == null ? "Other" : carrier.trim());
    }
}
