package dev.orderhub.api;

import dev.orderhub.security.RequiresRole;
import dev.orderhub.security.Role;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.input.InputRules;
import dev.orderhub.order.OrderStatus;
import dev.orderhub.order.Shipments;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Shipments of an order: recorded by sellers who ship themselves (and by fulfilment flows). */
@RestController
@RequestMapping(path = "/api/orders/{hubOrderId}/shipments", produces = MediaType.APPLICATION_JSON_VALUE)
public class ShipmentApi {

    private final Shipments shipments;
    private final JsonBodies bodies;

    public ShipmentApi(Shipments shipments, JsonBodies bodies) {
        this.shipments = shipments;
        this.bodies = bodies;
    }

    public record Recorded(Shipments.Shipment shipment, OrderStatus orderStatus) {
    }

    /**
     * A parcel delivered: {@code {"deliveredAt"}} (ISO-8601 with offset). 200 with the order's
     * status after it (DELIVERED once every parcel is); the same time again changes nothing; 409
     * for another time; 400 before the parcel shipped. The On-Time Delivery Rate counts these.
     */
    @RequiresRole({Role.OPERATOR, Role.INTEGRATION})
    @PostMapping(path = "/{shipmentId}/delivery", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Shipments.Delivered delivered(@PathVariable String hubOrderId, @PathVariable String shipmentId,
                                         HttpServletRequest request) {
        JsonNode body = Fields.object(bodies.read(request));
        String text = Fields.text(body, "deliveredAt", true, 40);
        Instant deliveredAt;
        try {
            deliveredAt = InputRules.instant(text);
        } catch (InputRules.Refused refused) {
            throw ApiException.invalid("deliveredAt: \"" + Fields.quoted(text) + "\" " + refused.getMessage());
        }
        return shipments.delivered(hubOrderId, shipmentId, deliveredAt);
    }

    /**
     * {@code {"carrier", "service"?, "trackingNumber", "shippedAt"?, "lines"?: [{"lineId", "qty"}]}}:
     * 201 with the shipment and the order's new status; 200 for the same parcel again (same
     * carrier and tracking number), 409 when that parcel was recorded with other lines; no
     * lines means everything not yet shipped (an empty list is refused).
     */
    @RequiresRole(Role.OPERATOR)
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Recorded> record(@PathVariable String hubOrderId, HttpServletRequest request) {
        JsonNode body = Fields.object(bodies.read(request));
        String carrier = Fields.text(body, "carrier", true, 100);
        String service = Fields.text(body, "service", false, 100);
        String tracking = Fields.text(body, "trackingNumber", true, 100);
        String shippedText = Fields.text(body, "shippedAt", false, 40);
        Instant shippedAt = null;
        if (shippedText != null) {
            try {
                shippedAt = InputRules.instant(shippedText);
            } catch (InputRules.Refused refused) {
                throw ApiException.invalid("shippedAt: \"" + shippedText + "\" " + refused.getMessage());
            }
        }
        List<Shipments.Line> lines = lines(body.get("lines"));
        Shipments.Recorded recorded = shipments.record(hubOrderId,
                new Shipments.Request(carrier, service, tracking, shippedAt, lines));
        return ResponseEntity.status(recorded.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .body(new Recorded(recorded.shipment(), recorded.orderStatus()));
    }

    /** The {@code lines} field: null or absent for none (everything not yet shipped), else 1 to 1000 {lineId, qty}. */
    static List<Shipments.Line> lines(JsonNode given) {
        List<Shipments.Line> lines = new ArrayList<>();
        if (given != null && !given.isNull()) {
            if (!given.isArray() || given.size() > 1000) {
                throw ApiException.invalid("lines: must be an array of at most 1000 {lineId, qty}");
            }
            if (given.isEmpty()) {
                // An empty list is more likely a bug in the caller than "ship everything".
                throw ApiException.invalid("lines: is empty; leave it out to ship everything not yet shipped");
            }
            for (int i = 0; i < given.size(); i++) {
                JsonNode line = given.get(i);
                if (!line.isObject()) {
                    throw ApiException.invalid("lines[" + i + "]: must be an object {lineId, qty}");
                }
                String lineId;
                try {
                    lineId = Fields.text(line, "lineId", true, 100);
                } catch (ApiException e) {
                    throw ApiException.invalid("lines[" + i + "]." + e.getMessage());
                }
                JsonNode qty = line.get("qty");
                if (qty == null || !qty.isIntegralNumber() || qty.asLong() < 1 || qty.asLong() > 10_000) {
                    throw ApiException.invalid("lines[" + i + "].qty: must be a whole number between 1 and 10000, was " + qty);
                }
                lines.add(new Shipments.Line(lineId, qty.asInt()));
            }
        }
        return lines;
    }

    @RequiresRole(Role.VIEWER)
    @GetMapping
    public List<Shipments.Shipment> list(@PathVariable String hubOrderId) {
        return shipments.of(hubOrderId);
    }
}
