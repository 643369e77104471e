package dev.orderhub.connectors.amazon;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orderhub.channel.Backoff;
import dev.orderhub.channel.ShipmentConfirmer;
import dev.orderhub.messaging.ClusterLeases;
import dev.orderhub.messaging.ExceptionStore;
import dev.orderhub.order.OrderService;
import dev.orderhub.order.Shipments;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Tracking back to Amazon (route amazon-shipment-confirm): every shipment of an Amazon order is
 * confirmed with Orders v0 {@code confirmShipment} (carrier, tracking number, ship date, the
 * order items and quantities of that parcel). A 204 marks it CONFIRMED. Throttling, 5xx and
 * network failures are retried with backoff for as long as it takes. A refusal (4xx) marks it
 * REJECTED and raises an exception carrying Amazon's error message.
 */
@Component("amazonShipmentConfirmations")
public class AmazonShipmentConfirmations implements ShipmentConfirmer {

    static final String OPERATION = "confirmShipment";
    private static final Logger LOG = LoggerFactory.getLogger(AmazonShipmentConfirmations.class);

    private final AmazonProperties properties;
    private final SpApiClient api;
    private final Shipments shipments;
    private final OrderService orders;
    private final ExceptionStore exceptions;
    private final ClusterLeases leases;
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final Clock clock;
    private final long backoffMs;

    public AmazonShipmentConfirmations(AmazonProperties properties, SpApiClient api, Shipments shipments, OrderService orders,
                                       ExceptionStore exceptions, ClusterLeases leases, JdbcClient jdbc, ObjectMapper json,
                                       Clock clock, @Value("${orderhub.connectors.amazon.confirm-backoff-ms:5000}") long backoffMs) {
        this.properties = properties;
        this.api = api;
        this.shipments = shipments;
        this.orders = orders;
        this.exceptions = exceptions;
        this.leases = leases;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.backoffMs = backoffMs;
    }

    @Override
    public boolean confirms(String channel) {
        return properties.accounts().containsKey(channel);
    }

    /** What one round did. */
    public record Round(int confirmed, int retrying, int rejected) {
    }

    /** Sends every confirmation that is due, on the instance holding the lease. */
    public Round confirmDue() {
        int confirmed = 0;
        int retrying = 0;
        int rejected = 0;
        if (properties.accounts().isEmpty() || !leases.holds("amazon-shipment-confirm")) {
            return new Round(0, 0, 0);
        }
        List<Map<String, Object>> due = jdbc.sql("SELECT shipment_id, channel, attempts FROM channel_confirmations "
                        + "WHERE status = 'PENDING' AND next_attempt_at <= :now AND channel IN (:channels) "
                        + "ORDER BY next_attempt_at LIMIT 50")
                .param("now", OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
                .param("channels", List.copyOf(properties.accounts().keySet()))
                .query().listOfRows();
        for (Map<String, Object> row : due) {
            String outcome = confirm((String) row.get("shipment_id"), (String) row.get("channel"),
                    ((Number) row.get("attempts")).intValue());
            switch (outcome) {
                case "CONFIRMED" -> confirmed++;
                case "REJECTED" -> rejected++;
                default -> retrying++;
            }
        }
        return new Round(confirmed, retrying, rejected);
    }

    private String confirm(String shipmentId, String channel, int attempts) {
        AmazonProperties.Account account = properties.accounts().get(channel);
        Shipments.Shipment shipment = shipments.find(shipmentId).orElseThrow();
        String amazonOrderId = orders.find(shipment.hubOrderId()).orElseThrow().channelOrderId();
        String body = body(account, shipment);
        try {
            SpApiClient.Answer answer = api.call(channel, account, OPERATION, "POST",
                    "/orders/v0/orders/" + amazonOrderId + "/shipmentConfirmation", Map.of(), body);
            if (answer.ok()) {
                mark(shipmentId, "CONFIRMED", attempts + 1, null, clock.instant());
                return "CONFIRMED";
            }
            if (answer.status() >= 400 && answer.status() < 500) {
                mark(shipmentId, "REJECTED", attempts + 1, answer.error(), null);
                exceptions.park("amazon:" + channel + ":shipment-confirm", "Amazon refused the shipment confirmation of order "
                        + amazonOrderId + " (tracking " + shipment.trackingNumber() + "): HTTP " + answer.status() + " "
                        + answer.error(), body);
                return "REJECTED";
            }
            retryLater(shipmentId, attempts, "HTTP " + answer.status() + " " + answer.error());
        } catch (SpApiClient.SpApiException e) {
            retryLater(shipmentId, attempts, e.getMessage());
        }
        return "RETRYING";
    }

    private void retryLater(String shipmentId, int attempts, String error) {
        long wait = Backoff.millis(backoffMs, attempts, 600_000);
        LOG.info("confirmShipment for shipment {} not accepted ({}); next try in {} ms", shipmentId, error, wait);
        jdbc.sql("UPDATE channel_confirmations SET attempts = :attempts, last_error = :error, next_attempt_at = :next "
                        + "WHERE shipment_id = :id")
                .param("attempts", attempts + 1).param("error", truncate(error))
                .param("next", clock.instant().plusMillis(wait).atOffset(ZoneOffset.UTC)).param("id", shipmentId).update();
    }

    private void mark(String shipmentId, String status, int attempts, String error, Instant confirmedAt) {
        jdbc.sql("UPDATE channel_confirmations SET status = :status, attempts = :attempts, last_error = :error, "
                        + "confirmed_at = :at WHERE shipment_id = :id")
                .param("status", status).param("attempts", attempts).param("error", truncate(error))
                .param("at", confirmedAt == null ? null : confirmedAt.atOffset(ZoneOffset.UTC)).param("id", shipmentId)
                .update();
    }

    /** ConfirmShipmentRequest: the parcel's number within the order as packageReferenceId, its items and quantities. */
    private String body(AmazonProperties.Account account, Shipments.Shipment shipment) {
        long parcel = jdbc.sql("SELECT COUNT(*) FROM shipments WHERE hub_order_id = :order AND seq <= "
                        + "(SELECT seq FROM shipments WHERE shipment_id = :id)")
                .param("order", shipment.hubOrderId()).param("id", shipment.shipmentId()).query(Long.class).single();
        ObjectNode request = json.createObjectNode();
        request.put("marketplaceId", account.marketplaceIds().get(0));
        ObjectNode detail = request.putObject("packageDetail");
        detail.put("packageReferenceId", Long.toString(parcel));
        detail.put("carrierCode", shipment.carrier());
        detail.put("carrierName", shipment.carrier());
        if (shipment.service() != null) {
            detail.put("shippingMethod", shipment.service());
        }
        detail.put("trackingNumber", shipment.trackingNumber());
        detail.put("shipDate", shipment.shippedAt().toString());
        ArrayNode items = detail.putArray("orderItems");
        shipment.lines().forEach(line -> items.addObject().put("orderItemId", line.lineId()).put("quantity", line.qty()));
        return request.toString();
    }

    private static String truncate(String text) {
        return text == null || text.length() <= 2000 ? text : text.substring(0, 2000);
    }
}
