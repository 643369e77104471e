package dev.orderhub.connectors.amazon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.orderhub.connector.RetryLater;
import dev.orderhub.connector.ShipmentConfirmation;
import dev.orderhub.connector.http.HttpAnswer;
import dev.orderhub.connector.http.HttpCall;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Tracking back to Amazon ({@code shipment-confirm}): a shipment of an Amazon order is
 * confirmed with Orders v0 {@code confirmShipment} (carrier code, tracking number, ship date,
 * the order items and quantities of that parcel). The carrier as the seller typed it is sent
 * as Amazon's carrier code (connectors/amazon/mappings/carrier-codes.yaml), or as "Other" with
 * the name. 2xx: confirmed; 4xx: refused with Amazon's error; throttling, 5xx and network
 * failures: {@link RetryLater}, the hub tries again with backoff.
 */
@Component("amazonShipmentConfirmations")
public class AmazonShipmentConfirmations implements ShipmentConfirmation {

    static final String OPERATION = "confirmShipment";

    private final AmazonAccounts accounts;
    private final SpApiClient api;
    private final ObjectMapper json;
    private final Path carrierCodesFile;
    private volatile Map<String, String> carrierCodes;

    public AmazonShipmentConfirmations(AmazonAccounts accounts, SpApiClient api, ObjectMapper json,
                                       @Value("${orderhub.connectors-dir:connectors}") Path connectors) {
        this.accounts = accounts;
        this.api = api;
        this.json = json;
        this.carrierCodesFile = connectors.resolve("amazon/mappings/carrier-codes.yaml");
    }

    /** Read at the first confirmation: a hub without an Amazon channel never needs the file. */
    private Map<String, String> carrierCodes() {
        if (carrierCodes == null) {
            try {
                carrierCodes = new ObjectMapper(new YAMLFactory()).readValue(carrierCodesFile.toFile(), new TypeReference<>() { });
            } catch (IOException e) {
                throw new UncheckedIOException(carrierCodesFile + " is unreadable", e);
            }
        }
        return carrierCodes;
    }

    @Override
    public String connector() {
        return AmazonAccounts.CONNECTOR;
    }

    @Override
    public boolean serves(String channel) {
        return accounts.serves(channel);
    }

    @Override
    public Result confirm(String channel, Shipment shipment) {
        AmazonAccounts.Account account = accounts.get(channel);
        String body = body(account, shipment);
        HttpAnswer answer = api.call(account, OPERATION,
                HttpCall.post("/orders/v0/orders/{orderId}/shipmentConfirmation", shipment.channelOrderId()).json(body));
        if (answer.ok()) {
            return Result.CONFIRMED;
        }
        if (answer.refused()) {
            return Result.refused("Amazon refused the shipment confirmation of order " + shipment.channelOrderId()
                    + " (tracking " + shipment.trackingNumber() + "): HTTP " + answer.status() + " " + SpApiClient.error(answer), body);
        }
        throw new RetryLater(Duration.ZERO, "HTTP " + answer.status() + " " + SpApiClient.error(answer));
    }

    /** Amazon's carrier code for a carrier name, or "Other". */
    String carrierCode(String carrier) {
        String key = carrier == null ? "" : carrier.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        return carrierCodes().getOrDefault(key, "Other");
    }

    /** ConfirmShipmentRequest: the parcel's number within the order as packageReferenceId, its items and quantities. */
    private String body(AmazonAccounts.Account account, Shipment shipment) {
        ObjectNode request = json.createObjectNode();
        request.put("marketplaceId", account.marketplaceId());
        ObjectNode detail = request.putObject("packageDetail");
        detail.put("packageReferenceId", Integer.toString(shipment.parcel()));
        String code = carrierCode(shipment.carrier());
        detail.put("carrierCode", code);
        if ("Other".equals(code)) {
            detail.put("carrierName", shipment.carrier());
        }
        if (shipment.service() != null) {
            detail.put("shippingMethod", shipment.service());
        }
        detail.put("trackingNumber", shipment.trackingNumber());
        detail.put("shipDate", shipment.shippedAt().toString());
        ArrayNode items = detail.putArray("orderItems");
        shipment.lines().forEach(line -> items.addObject().put("orderItemId", line.lineId()).put("quantity", line.qty()));
        return request.toString();
    }
}
