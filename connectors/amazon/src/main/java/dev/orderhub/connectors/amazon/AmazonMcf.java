package dev.orderhub.connectors.amazon;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orderhub.connector.FulfilmentService;
import dev.orderhub.connector.RetryLater;
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

    private final AmazonProperties properties;
    private final SpApiClient api;
    private final ObjectMapper json;

    public AmazonMcf(AmazonProperties properties, SpApiClient api, ObjectMapper json) {
        if (properties.mcfAccount() != null) {
            AmazonProperties.Account account = properties.accounts().get(properties.mcfAccount());
            if (account == null || account.fbaLocation() == null) {
                throw new IllegalStateException("orderhub.connectors.amazon.mcf-account: " + properties.mcfAccount()
                        + " must be an Amazon account with an fba-location");
            }
        }
        this.properties = properties;
        this.api = api;
        this.json = json;
    }

    @Override
    public String connector() {
        return AmazonProperties.CONNECTOR;
    }

    @Override
    public boolean serves(String channel) {
        return channel.equals(properties.mcfAccount());
    }

    @Override
    public String target() {
        return TARGET;
    }

    @Override
    public String location() {
        return properties.mcfAccount() == null ? null : properties.accounts().get(properties.mcfAccount()).fbaLocation();
    }

    @Override
    public String send(Request request) {
        String channel = properties.mcfAccount();
        AmazonProperties.Account account = properties.accounts().get(channel);
        if (request.retry()) {
            SpApiClient.Answer existing = call(channel, account, "getFulfillmentOrder", "GET",
                    BASE + "/fulfillmentOrders/" + request.hubOrderId(), null);
            if (existing.ok()) {
                LOG.info("MCF order {} already exists at Amazon: an earlier attempt got through", request.hubOrderId());
                return null;
            }
            if (existing.status() != 404) {
                throw new RetryLater(Duration.ZERO, "getFulfillmentOrder: HTTP " + existing.status() + " "
                        + existing.error());
            }
        }
        SpApiClient.Answer answer = call(channel, account, "createFulfillmentOrder", "POST", BASE + "/fulfillmentOrders",
                createRequest(account, request));
        if (answer.ok()) {
            return null;
        }
        if (answer.status() >= 400 && answer.status() < 500 && answer.status() != 429) {
            return "HTTP " + answer.status() + " " + answer.error();
        }
        throw new RetryLater(Duration.ZERO, "createFulfillmentOrder: HTTP " + answer.status() + " " + answer.error());
    }

    @Override
    public Progress follow(String hubOrderId) {
        String channel = properties.mcfAccount();
        AmazonProperties.Account account = properties.accounts().get(channel);
        JsonNode payload;
        try {
            payload = api.get(channel, account, "getFulfillmentOrder", BASE + "/fulfillmentOrders/" + hubOrderId, Map.of())
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
                parcels.add(parcel(channel, account, shipment, parcel));
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

    private Parcel parcel(String channel, AmazonProperties.Account account, JsonNode shipment, JsonNode parcel) {
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
            JsonNode details = api.get(channel, account, "getPackageTrackingDetails", BASE + "/tracking",
                    Map.of("packageNumber", packageNumber)).path("payload");
            carrier = details.path("carrierCode").asText(carrier);
            tracking = details.path("trackingNumber").asText(tracking);
            Instant shipDate = instant(details.path("shipDate").asText(null));
            shippedAt = shipDate == null ? shippedAt : shipDate;
        } catch (SpApiClient.SpApiException e) {
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
        String channel = properties.mcfAccount();
        AmazonProperties.Account account = properties.accounts().get(channel);
        SpApiClient.Answer answer = call(channel, account, "cancelFulfillmentOrder", "PUT",
                BASE + "/fulfillmentOrders/" + hubOrderId + "/cancel", null);
        if (answer.ok()) {
            return null;
        }
        if (answer.status() >= 400 && answer.status() < 500 && answer.status() != 429) {
            return "HTTP " + answer.status() + " " + answer.error();
        }
        throw new RetryLater(Duration.ZERO, "cancelFulfillmentOrder: HTTP " + answer.status() + " " + answer.error());
    }

    private SpApiClient.Answer call(String channel, AmazonProperties.Account account, String operation, String method,
                                    String path, String body) {
        try {
            return api.call(channel, account, operation, method, path, Map.of(), body);
        } catch (SpApiClient.SpApiException e) {
            throw new RetryLater(Duration.ZERO, e.getMessage());
        }
    }

    /** CreateFulfillmentOrderRequest: the hub order id as sellerFulfillmentOrderId, its lines as items. */
    private String createRequest(AmazonProperties.Account account, Request order) {
        ObjectNode request = json.createObjectNode();
        request.put("marketplaceId", account.marketplaceIds().get(0));
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
