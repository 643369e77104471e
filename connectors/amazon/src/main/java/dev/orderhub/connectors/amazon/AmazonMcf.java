package dev.orderhub.connectors.amazon;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orderhub.connector.FulfilmentService;
import dev.orderhub.connector.RetryLater;
import dev.orderhub.connector.http.HttpAnswer;
import dev.orderhub.connector.http.HttpCall;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Amazon Multi-Channel Fulfilment as a fulfilment target ({@code fulfilment-target}
 * {@value #TARGET}): an order is sent with {@code createFulfillmentOrder}, its
 * {@code sellerFulfillmentOrderId} the hub order id, so a retry never creates a second one (a
 * retry first asks getFulfillmentOrder whether the first attempt got through); it is followed
 * with getFulfillmentOrder, whose {@code fulfillmentOrderStatus} (the model's spelling:
 * Complete, Cancelled, Unfulfillable, Invalid, …) says where it is, and each shipped package
 * becomes a parcel with the carrier and tracking number of getPackageTrackingDetails, or, when
 * that call fails, those the fulfilment order's package already carries. Cancelled in the hub:
 * cancelFulfillmentOrder.
 */
@Component("amazonMcf")
public class AmazonMcf implements FulfilmentService {

    static final String TARGET = "amazon-mcf";
    static final String BASE = "/fba/outbound/2020-07-01";
    private static final Logger LOG = LoggerFactory.getLogger(AmazonMcf.class);

    private final AmazonAccounts accounts;
    private final SpApiClient api;
    private final ObjectMapper json;

    public AmazonMcf(AmazonAccounts accounts, SpApiClient api, ObjectMapper json) {
        this.accounts = accounts;
        this.api = api;
        this.json = json;
    }

    @Override
    public String connector() {
        return AmazonAccounts.CONNECTOR;
    }

    @Override
    public boolean serves(String channel) {
        return accounts.mcf().map(a -> a.channel().equals(channel)).orElse(false);
    }

    @Override
    public String target() {
        return TARGET;
    }

    @Override
    public String location() {
        return accounts.mcf().map(AmazonAccounts.Account::fbaLocation).orElse(null);
    }

    @Override
    public String send(Request request) {
        AmazonAccounts.Account account = account();
        if (request.retry()) {
            HttpAnswer existing = api.call(account, "getFulfillmentOrder",
                    HttpCall.get(BASE + "/fulfillmentOrders/{id}", request.hubOrderId()));
            if (existing.ok()) {
                LOG.info("MCF order {} already exists at Amazon: an earlier attempt got through", request.hubOrderId());
                return null;
            }
            if (existing.status() != 404) {
                throw new RetryLater(Duration.ZERO, "getFulfillmentOrder: HTTP " + existing.status() + " "
                        + SpApiClient.error(existing));
            }
        }
        HttpAnswer answer = api.call(account, "createFulfillmentOrder",
                HttpCall.post(BASE + "/fulfillmentOrders").json(createRequest(account, request)));
        if (answer.ok()) {
            return null;
        }
        if (answer.refused()) {
            return "HTTP " + answer.status() + " " + SpApiClient.error(answer);
        }
        throw new RetryLater(Duration.ZERO, "createFulfillmentOrder: HTTP " + answer.status() + " " + SpApiClient.error(answer));
    }

    @Override
    public Progress follow(String hubOrderId) {
        AmazonAccounts.Account account = account();
        JsonNode payload;
        try {
            payload = api.get(account, "getFulfillmentOrder", HttpCall.get(BASE + "/fulfillmentOrders/{id}", hubOrderId))
                    .path("payload");
        } catch (SpApiClient.SpApiException e) {
            throw new RetryLater(Duration.ZERO, e.getMessage());
        }
        String status = payload.path("fulfillmentOrder").path("fulfillmentOrderStatus").asText();
        List<Parcel> parcels = new ArrayList<>();
        for (JsonNode shipment : payload.path("fulfillmentShipments")) {
            if (!"SHIPPED".equals(shipment.path("fulfillmentShipmentStatus").asText())) {
                continue;
            }
            for (JsonNode parcel : shipment.path("fulfillmentShipmentPackage")) {
                parcels.add(parcel(account, shipment, parcel));
            }
        }
        State state = switch (status) {
            case "Complete" -> State.SHIPPED;
            case "Cancelled" -> State.CANCELLED;
            case "Unfulfillable", "Invalid" -> State.UNFULFILLABLE;
            default -> State.OPEN; // New, Received, Planning, Processing, CompletePartialled (more may ship)
        };
        return new Progress(state, parcels, "Amazon fulfillmentOrderStatus " + status);
    }

    private Parcel parcel(AmazonAccounts.Account account, JsonNode shipment, JsonNode parcel) {
        int packageNumber = parcel.path("packageNumber").asInt();
        List<Line> lines = new ArrayList<>();
        for (JsonNode item : shipment.path("fulfillmentShipmentItem")) {
            if (!item.has("packageNumber") || item.path("packageNumber").asInt() == packageNumber) {
                lines.add(new Line(item.path("sellerFulfillmentOrderItemId").asText(), item.path("quantity").asInt()));
            }
        }
        String carrier = parcel.path("carrierCode").asText("Amazon");
        String tracking = parcel.path("trackingNumber").asText(null);
        Instant shippedAt = instant(shipment.path("shippingDate").asText(null));
        try {
            JsonNode details = api.get(account, "getPackageTrackingDetails", HttpCall.get(BASE + "/tracking")
                    .query("packageNumber", packageNumber)).path("payload");
            carrier = details.path("carrierCode").asText(carrier);
            tracking = details.path("trackingNumber").asText(tracking);
            Instant shipDate = instant(details.path("shipDate").asText(null));
            shippedAt = shipDate == null ? shippedAt : shipDate;
        } catch (SpApiClient.SpApiException | RetryLater e) {
            // The fulfilment order already carries the carrier and tracking number: the shipment is recorded from it.
            LOG.info("MCF package {}: tracking details not read ({}); recorded from the fulfilment order", packageNumber,
                    e.getMessage());
        }
        if (tracking == null || tracking.isBlank()) {
            tracking = parcel.path("amazonFulfillmentTrackingNumber").asText("MCF-" + packageNumber);
        }
        return new Parcel(carrier, "Amazon MCF", tracking, shippedAt, lines);
    }

    @Override
    public String cancel(String hubOrderId) {
        HttpAnswer answer = api.call(account(), "cancelFulfillmentOrder",
                HttpCall.put(BASE + "/fulfillmentOrders/{id}/cancel", hubOrderId));
        if (answer.ok()) {
            return null;
        }
        if (answer.refused()) {
            return "HTTP " + answer.status() + " " + SpApiClient.error(answer);
        }
        throw new RetryLater(Duration.ZERO, "cancelFulfillmentOrder: HTTP " + answer.status() + " " + SpApiClient.error(answer));
    }

    private AmazonAccounts.Account account() {
        return accounts.mcf().orElseThrow(() -> new IllegalStateException("no Amazon account ships MCF orders "
                + "(connector.properties.mcf: true on one Amazon channel)"));
    }

    /** CreateFulfillmentOrderRequest: the hub order id as sellerFulfillmentOrderId, its lines as items. */
    private String createRequest(AmazonAccounts.Account account, Request order) {
        ObjectNode request = json.createObjectNode();
        request.put("marketplaceId", account.marketplaceId());
        request.put("sellerFulfillmentOrderId", order.hubOrderId());
        String display = order.channelOrderId().length() <= 40 ? order.channelOrderId() : order.hubOrderId();
        request.put("displayableOrderId", display);
        request.put("displayableOrderDate", order.placedAt().toString());
        request.put("displayableOrderComment", "Thank you for your order " + display);
        request.put("shippingSpeedCategory", "Standard");
        ObjectNode address = request.putObject("destinationAddress");
        Destination to = order.destination();
        address.put("name", to.name());
        address.put("addressLine1", to.line1());
        if (to.line2() != null) {
            address.put("addressLine2", to.line2());
        }
        address.put("city", to.city());
        if (to.region() != null) {
            address.put("stateOrRegion", to.region());
        }
        address.put("postalCode", to.postalCode());
        address.put("countryCode", to.country());
        ArrayNode items = request.putArray("items");
        order.items().forEach(line -> items.addObject().put("sellerSku", line.sku())
                .put("sellerFulfillmentOrderItemId", line.lineId()).put("quantity", line.qty()));
        return request.toString();
    }

    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
