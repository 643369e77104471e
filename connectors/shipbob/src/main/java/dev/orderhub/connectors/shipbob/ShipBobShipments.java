package dev.orderhub.connectors.shipbob;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.connector.ChannelProblems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What ShipBob says of an order (an OrderViewModel, from a poll or an {@code order.shipped}
 * webhook) or of one of its shipments (a ShipmentViewModel, from an {@code order.shipment.*}
 * webhook), applied to the records. The caller holds the order's lock. A shipment ShipBob
 * completed (or named shipped) with a tracking number becomes a parcel once: its lines are the
 * hub order lines of its products' skus, matched in order against what other parcels took
 * already; its lines never change afterwards, its status may.
 */
@Component
public class ShipBobShipments {

    /** Shipment statuses (Orders.OrderStatusEnum) after which a shipment with tracking has left the warehouse. */
    static final Set<String> SHIPPED = Set.of("Completed");
    static final Set<String> ORDER_STATUSES = Set.of("Processing", "Exception", "PartiallyFulfilled", "Fulfilled", "Cancelled",
            "ImportReview");
    static final Set<String> SHIPMENT_STATUSES = Set.of("None", "Processing", "Completed", "Exception", "OnHold", "Cancelled",
            "CleanSweeped", "LabeledCreated", "ImportReview");
    private static final Logger LOG = LoggerFactory.getLogger(ShipBobShipments.class);

    private final ShipBobRecords records;
    private final ChannelProblems problems;

    public ShipBobShipments(ShipBobRecords records, ChannelProblems problems) {
        this.records = records;
        this.problems = problems;
    }

    /** An OrderViewModel: its status and every shipment in it. */
    void order(String channel, String hubOrderId, JsonNode order, boolean shippedTopic) {
        String status = text(order.path("status"), 40);
        if (status != null && ORDER_STATUSES.contains(status)) {
            records.remote(hubOrderId, status, detail(order.path("shipments")));
        }
        for (JsonNode shipment : order.path("shipments")) {
            shipment(channel, hubOrderId, shipment, shippedTopic, false);
        }
    }

    /**
     * One ShipmentViewModel of the order; {@code deliveredTopic}: it came as
     * {@code order.shipment.delivered}, so it was delivered (at its delivery_date, or now).
     */
    void shipment(String channel, String hubOrderId, JsonNode shipment, boolean shippedTopic, boolean deliveredTopic) {
        if (!shipment.path("id").canConvertToLong()) {
            problems.raise(ShipBobAccounts.CONNECTOR, channel, "shipments", "ShipBob sent a shipment of order " + hubOrderId
                    + " without its id: not taken", hubOrderId);
            return;
        }
        long id = shipment.path("id").asLong();
        String status = text(shipment.path("status"), 40);
        if (status == null || !SHIPMENT_STATUSES.contains(status)) {
            status = "None";
        }
        JsonNode tracking = shipment.path("tracking");
        String trackingNumber = text(tracking.path("tracking_number"), 100);
        String carrier = text(tracking.path("carrier"), 100);
        String service = text(tracking.path("carrier_service"), 100);
        Instant shippedAt = instant(shipment.path("actual_fulfillment_date"));
        if (shippedAt == null) {
            shippedAt = instant(tracking.path("shipping_date"));
        }
        Instant deliveredAt = instant(shipment.path("delivery_date"));
        if (deliveredAt == null && deliveredTopic) {
            deliveredAt = Instant.now();
        }
        ShipBobRecords.Shipment known = records.shipment(id).orElse(null);
        if (known != null && !known.hubOrderId().equals(hubOrderId)) {
            problems.raise(ShipBobAccounts.CONNECTOR, channel, "shipments", "ShipBob shipment " + id + " was recorded for order "
                    + known.hubOrderId() + " and is now said to be of " + hubOrderId + ": not taken", hubOrderId);
            return;
        }
        boolean parcelBefore = known != null && known.trackingNumber() != null && !records.parcelLinesOf(id).isEmpty();
        boolean parcelNow = trackingNumber != null && (SHIPPED.contains(status) || shippedTopic && !"Cancelled".equals(status));
        Instant delivered = known != null && known.deliveredAt() != null ? known.deliveredAt() : deliveredAt;
        if (parcelBefore) {
            // A parcel's tracking and lines are fixed: only its status and its delivery follow ShipBob.
            records.saveShipment(new ShipBobRecords.Shipment(id, hubOrderId, status, known.carrier(), known.service(),
                    known.trackingNumber(), known.shippedAt(), delivered), false);
            return;
        }
        records.saveShipment(new ShipBobRecords.Shipment(id, hubOrderId, status, carrier, service, trackingNumber,
                parcelNow ? (shippedAt == null ? Instant.now() : shippedAt) : shippedAt, delivered), known == null);
        if (parcelNow) {
            Map<String, Integer> lines = lines(channel, hubOrderId, id, shipment.path("products"));
            lines.forEach((line, qty) -> records.parcelLine(id, line, qty));
            LOG.info("ShipBob shipment {} of order {} shipped: {} units", id, hubOrderId,
                    lines.values().stream().mapToInt(Integer::intValue).sum());
        }
    }

    /**
     * The hub lines a parcel holds: each product's units (its inventory items' quantities) given
     * to the order's lines of that sku, in line order, up to what each line still lacks.
     */
    private Map<String, Integer> lines(String channel, String hubOrderId, long shipmentId, JsonNode products) {
        List<ShipBobRecords.OrderLine> ordered = records.lines(hubOrderId);
        Map<String, Integer> taken = new LinkedHashMap<>();
        records.parcelLines(hubOrderId).forEach(line -> taken.merge(line.lineId(), line.qty(), Integer::sum));
        Map<String, Integer> result = new LinkedHashMap<>();
        List<String> unmatched = new ArrayList<>();
        for (JsonNode product : products) {
            String sku = text(product.path("reference_id"), 100);
            if (sku == null) {
                sku = text(product.path("sku"), 100);
            }
            int units = 0;
            for (JsonNode item : product.path("inventory_items")) {
                units += Math.max(0, item.path("quantity").asInt());
            }
            for (ShipBobRecords.OrderLine line : ordered) {
                if (units == 0) {
                    break;
                }
                if (!line.sku().equals(sku)) {
                    continue;
                }
                int open = line.qty() - taken.getOrDefault(line.lineId(), 0);
                int take = Math.min(open, units);
                if (take > 0) {
                    taken.merge(line.lineId(), take, Integer::sum);
                    result.merge(line.lineId(), take, Integer::sum);
                    units -= take;
                }
            }
            if (units > 0) {
                unmatched.add(units + " of " + (sku == null ? "a product without reference_id" : sku));
            }
        }
        if (!unmatched.isEmpty()) {
            problems.raise(ShipBobAccounts.CONNECTOR, channel, "shipments", "ShipBob shipment " + shipmentId + " of order "
                    + hubOrderId + " holds units the order does not have (left out of the parcel): "
                    + String.join(", ", unmatched), hubOrderId);
        }
        return result;
    }

    /** Why ShipBob holds the order, from its shipments' status details (bounded). */
    private static String detail(JsonNode shipments) {
        List<String> details = new ArrayList<>();
        for (JsonNode shipment : shipments) {
            for (JsonNode detail : shipment.path("status_details")) {
                String text = text(detail.path("description"), 200);
                if (text == null) {
                    text = text(detail.path("name"), 200);
                }
                if (text != null && !details.contains(text)) {
                    details.add(text);
                }
            }
        }
        String joined = String.join("; ", details);
        return joined.isEmpty() ? null : joined.length() > 500 ? joined.substring(0, 500) : joined;
    }

    /** A text field, trimmed, without control characters and bounded; null when absent or blank. */
    static String text(JsonNode node, int max) {
        if (node == null || !(node.isTextual() || node.isNumber())) {
            return null;
        }
        String text = node.asText().replaceAll("\\p{Cntrl}", " ").strip();
        if (text.isEmpty()) {
            return null;
        }
        return text.length() <= max ? text : text.substring(0, max);
    }

    static Instant instant(JsonNode node) {
        String text = text(node, 60);
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return java.time.LocalDateTime.parse(text).toInstant(java.time.ZoneOffset.UTC);
            } catch (DateTimeParseException again) {
                return null;
            }
        }
    }
}
