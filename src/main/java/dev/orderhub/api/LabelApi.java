package dev.orderhub.api;

import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.carrier.Labels;
import dev.orderhub.connector.CarrierLabels;
import dev.orderhub.security.RequiresRole;
import dev.orderhub.security.Role;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Shipping labels bought from a carrier connector for a merchant-shipped order: buying one
 * records its parcel as a shipment (so the channel is told the tracking number), and the label
 * PDF is downloaded from here.
 */
@RestController
@RequestMapping(path = "/api/orders/{hubOrderId}/labels")
public class LabelApi {

    private static final Pattern LABEL_ID = Pattern.compile("lbl-[0-9a-f]{24}");
    private static final Set<String> DISTANCE_UNITS = Set.of("cm", "in", "ft", "m", "mm", "yd");
    private static final Set<String> MASS_UNITS = Set.of("g", "kg", "lb", "oz");
    private static final BigDecimal MAX_MEASURE = new BigDecimal("100000");

    private final Labels labels;
    private final JsonBodies bodies;

    public LabelApi(Labels labels, JsonBodies bodies) {
        this.labels = labels;
        this.bodies = bodies;
    }

    /**
     * {@code {"carrier"?, "serviceLevel"?, "parcel"?: {length, width, height, distanceUnit, weight,
     * massUnit}, "lines"?: [{lineId, qty}]}}: 201 with the label and the order's status after its
     * shipment; 422 {@code label_refused} with the carrier's reason; 503 {@code carrier_unavailable}
     * (Retry-After) when the carrier did not answer: asking again buys no second label.
     */
    @RequiresRole(Role.OPERATOR)
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Labels.Bought> buy(@PathVariable String hubOrderId, HttpServletRequest request) {
        JsonNode body = Fields.object(bodies.read(request));
        String carrier = Fields.text(body, "carrier", false, 60);
        String serviceLevel = Fields.text(body, "serviceLevel", false, 100);
        CarrierLabels.Parcel parcel = parcel(body.get("parcel"));
        List<dev.orderhub.order.Shipments.Line> lines = ShipmentApi.lines(body.get("lines"));
        Labels.Bought bought = labels.buy(hubOrderId, new Labels.Request(carrier, serviceLevel, parcel, lines));
        return ResponseEntity.status(bought.created() ? HttpStatus.CREATED : HttpStatus.OK).body(bought);
    }

    @RequiresRole(Role.VIEWER)
    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    public List<Labels.Label> list(@PathVariable String hubOrderId) {
        return labels.of(hubOrderId);
    }

    /** The label's PDF (application/pdf); 404 for another order's label or one the hub holds only as a URL. */
    @RequiresRole(Role.VIEWER)
    @GetMapping(path = "/{labelId}.pdf")
    public ResponseEntity<byte[]> pdf(@PathVariable String hubOrderId, @PathVariable String labelId) {
        if (!LABEL_ID.matcher(labelId).matches()) {
            throw ApiException.notFound("label \"" + Fields.quoted(labelId) + "\": no such label (ids look like lbl- and 24 hex digits)");
        }
        byte[] pdf = labels.pdf(hubOrderId, labelId).orElseThrow(() -> ApiException.notFound("order " + hubOrderId
                + " has no label " + labelId + " with a PDF"));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_PDF)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + labelId + ".pdf\"").body(pdf);
    }

    private static CarrierLabels.Parcel parcel(JsonNode parcel) {
        if (parcel == null || parcel.isNull()) {
            return null;
        }
        if (!parcel.isObject()) {
            throw ApiException.invalid("parcel: must be an object {length, width, height, distanceUnit, weight, massUnit}");
        }
        String distanceUnit = unit(parcel, "distanceUnit", DISTANCE_UNITS);
        String massUnit = unit(parcel, "massUnit", MASS_UNITS);
        return new CarrierLabels.Parcel(measure(parcel, "length"), measure(parcel, "width"), measure(parcel, "height"),
                distanceUnit, measure(parcel, "weight"), massUnit);
    }

    private static String unit(JsonNode parcel, String field, Set<String> allowed) {
        String unit;
        try {
            unit = Fields.text(parcel, field, true, 4);
        } catch (ApiException e) {
            throw ApiException.invalid("parcel." + e.getMessage());
        }
        if (!allowed.contains(unit)) {
            throw ApiException.invalid("parcel." + field + ": \"" + Fields.quoted(unit) + "\" is not one of " + allowed.stream().sorted().toList());
        }
        return unit;
    }

    private static BigDecimal measure(JsonNode parcel, String field) {
        JsonNode node = parcel.get(field);
        if (node == null || !node.isNumber()) {
            throw ApiException.invalid("parcel." + field + ": must be a number above 0, was " + (node == null ? "missing" : Fields.quoted(node.toString())));
        }
        BigDecimal value = node.decimalValue();
        if (value.signum() <= 0 || value.compareTo(MAX_MEASURE) > 0 || value.scale() > 4) {
            throw ApiException.invalid("parcel." + field + ": must be above 0 and at most 100000 with at most 4 decimals, was " + value);
        }
        return value.stripTrailingZeros();
    }
}
