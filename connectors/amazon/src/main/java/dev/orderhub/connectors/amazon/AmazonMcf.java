package dev.orderhub.connectors.amazon;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orderhub.channel.Backoff;
import dev.orderhub.channel.Channel;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.fulfilment.FulfilmentTarget;
import dev.orderhub.fulfilment.Fulfilments;
import dev.orderhub.messaging.ClusterLeases;
import dev.orderhub.messaging.ExceptionStore;
import dev.orderhub.order.IllegalTransitionException;
import dev.orderhub.order.InvalidShipmentException;
import dev.orderhub.order.Order;
import dev.orderhub.order.OrderService;
import dev.orderhub.order.Shipments;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Amazon Multi-Channel Fulfilment as a fulfilment target (route amazon-mcf): an order from any
 * channel routed to {@value #TARGET} is sent with {@code createFulfillmentOrder}, its
 * {@code sellerFulfillmentOrderId} the hub order id, so a retry never creates a second one (a
 * retry first asks getFulfillmentOrder whether the first attempt got through). It is then
 * followed with getFulfillmentOrder; each shipped package becomes a hub shipment with the
 * carrier and tracking number of getPackageTrackingDetails, until the order is SHIPPED. An
 * order cancelled in the hub is cancelled with cancelFulfillmentOrder. Amazon's refusals are
 * exceptions with its message; throttling and failures are retried with backoff.
 */
@Component("amazonMcf")
public class AmazonMcf implements FulfilmentTarget {

    static final String TARGET = "amazon-mcf";
    static final String BASE = "/fba/outbound/2020-07-01";
    private static final Logger LOG = LoggerFactory.getLogger(AmazonMcf.class);

    private final AmazonProperties properties;
    private final ChannelRegistry channels;
    private final SpApiClient api;
    private final Fulfilments fulfilments;
    private final OrderService orders;
    private final Shipments shipments;
    private final ExceptionStore exceptions;
    private final ClusterLeases leases;
    private final ObjectMapper json;
    private final long backoffMs;

    public AmazonMcf(AmazonProperties properties, ChannelRegistry channels, SpApiClient api,
                     @org.springframework.context.annotation.Lazy Fulfilments fulfilments, OrderService orders,
                     Shipments shipments, ExceptionStore exceptions, ClusterLeases leases, ObjectMapper json,
                     @Value("${orderhub.connectors.amazon.confirm-backoff-ms:5000}") long backoffMs) {
        if (properties.mcfAccount() != null) {
            AmazonProperties.Account account = properties.accounts().get(properties.mcfAccount());
            if (account == null || account.fbaLocation() == null) {
                throw new IllegalStateException("orderhub.connectors.amazon.mcf-account: " + properties.mcfAccount()
                        + " must be an Amazon account with an fba-location");
            }
        }
        this.properties = properties;
        this.channels = channels;
        this.api = api;
        this.fulfilments = fulfilments;
        this.orders = orders;
        this.shipments = shipments;
        this.exceptions = exceptions;
        this.leases = leases;
        this.json = json;
        this.backoffMs = backoffMs;
    }

    @Override
    public String id() {
        return TARGET;
    }

    @Override
    public String location() {
        return properties.mcfAccount() == null ? null : properties.accounts().get(properties.mcfAccount()).fbaLocation();
    }

    /** One round: send what is pending, follow what was sent, cancel what was cancelled. */
    public void work() {
        if (properties.mcfAccount() == null || !leases.holds("amazon-mcf")) {
            return;
        }
        fulfilments.due(TARGET, Fulfilments.PENDING, 20).forEach(id -> guarded(id, () -> send(id)));
        fulfilments.due(TARGET, Fulfilments.SENT, 20).forEach(id -> guarded(id, () -> follow(id)));
        fulfilments.due(TARGET, Fulfilments.CANCEL_REQUESTED, 20).forEach(id -> guarded(id, () -> cancel(id)));
    }

    private void guarded(String hubOrderId, Runnable step) {
        try {
            step.run();
        } catch (SpApiClient.SpApiException e) {
            int attempts = fulfilments.find(hubOrderId).map(Fulfilments.Fulfilment::attempts).orElse(0);
            fulfilments.later(hubOrderId, e.getMessage(), Backoff.millis(backoffMs, attempts, 600_000));
        }
    }

    void send(String hubOrderId) {
        String channel = properties.mcfAccount();
        AmazonProperties.Account account = properties.accounts().get(channel);
        Fulfilments.Fulfilment fulfilment = fulfilments.find(hubOrderId).orElseThrow();
        if (fulfilment.attempts() > 0) {
            SpApiClient.Answer existing = api.call(channel, account, "getFulfillmentOrder", "GET",
                    BASE + "/fulfillmentOrders/" + hubOrderId, Map.of(), null);
            if (existing.ok()) {
                LOG.info("MCF order {} already exists at Amazon: an earlier attempt got through", hubOrderId);
                fulfilments.sent(hubOrderId);
                return;
            }
            if (existing.status() != 404) {
                throw new SpApiClient.SpApiException(existing.status(), "getFulfillmentOrder: " + existing.error());
            }
        }
        Order order = orders.find(hubOrderId).orElseThrow();
        String body = createRequest(account, order);
        SpApiClient.Answer answer = api.call(channel, account, "createFulfillmentOrder", "POST", BASE + "/fulfillmentOrders",
                Map.of(), body);
        if (answer.ok()) {
            fulfilments.sent(hubOrderId);
        } else if (answer.status() >= 400 && answer.status() < 500) {
            fulfilments.set(hubOrderId, Fulfilments.FAILED, answer.error());
            exceptions.park("amazon:" + channel + ":mcf", "Amazon refused MCF order " + hubOrderId + ": HTTP "
                    + answer.status() + " " + answer.error(), body);
        } else {
            throw new SpApiClient.SpApiException(answer.status(), "createFulfillmentOrder: " + answer.error());
        }
    }

    void follow(String hubOrderId) {
        String channel = properties.mcfAccount();
        AmazonProperties.Account account = properties.accounts().get(channel);
        JsonNode payload = api.get(channel, account, "getFulfillmentOrder", BASE + "/fulfillmentOrders/" + hubOrderId, Map.of())
                .path("payload");
        String status = payload.path("fulfillmentOrder").path("fulfillmentOrderStatus").asText();
        Channel mcf = channels.channel(channel).orElseThrow();
        for (JsonNode shipment : payload.path("fulfillmentShipments")) {
            if (!"SHIPPED".equals(shipment.path("fulfillmentShipmentStatus").asText())) {
                continue;
            }
            for (JsonNode parcel : shipment.path("fulfillmentShipmentPackage")) {
                int packageNumber = parcel.path("packageNumber").asInt();
                List<Shipments.Line> lines = new ArrayList<>();
                Map<String, Integer> byLine = new LinkedHashMap<>();
                for (JsonNode item : shipment.path("fulfillmentShipmentItem")) {
                    if (!item.has("packageNumber") || item.path("packageNumber").asInt() == packageNumber) {
                        byLine.merge(item.path("sellerFulfillmentOrderItemId").asText(), item.path("quantity").asInt(), Integer::sum);
                    }
                }
                byLine.forEach((line, qty) -> lines.add(new Shipments.Line(line, qty)));
                JsonNode tracking = api.get(channel, account, "getPackageTrackingDetails", BASE + "/tracking",
                        Map.of("packageNumber", packageNumber)).path("payload");
                String carrier = tracking.path("carrierCode").asText(parcel.path("carrierCode").asText("Amazon"));
                String trackingNumber = tracking.path("trackingNumber").asText(parcel.path("trackingNumber").asText("MCF-" + packageNumber));
                Instant shippedAt = tracking.hasNonNull("shipDate") ? Instant.parse(tracking.path("shipDate").asText())
                        : shipment.hasNonNull("shippingDate") ? Instant.parse(shipment.path("shippingDate").asText()) : null;
                try {
                    shipments.record(hubOrderId, new Shipments.Request(carrier, "Amazon MCF", trackingNumber, shippedAt, lines));
                } catch (InvalidShipmentException | IllegalTransitionException e) {
                    LOG.warn("MCF package {} of {} not recorded: {}", packageNumber, hubOrderId, e.getMessage());
                }
            }
        }
        var current = orders.status(hubOrderId).orElseThrow();
        if (current == dev.orderhub.order.OrderStatus.SHIPPED) {
            fulfilments.set(hubOrderId, Fulfilments.SHIPPED, null);
        } else if (List.of("CANCELLED", "UNFULFILLABLE", "INVALID").contains(status)) {
            fulfilments.set(hubOrderId, Fulfilments.FAILED, "Amazon: fulfillment order " + status);
            exceptions.park("amazon:" + channel + ":mcf", "MCF order " + hubOrderId + " ended " + status + " at Amazon "
                    + "(not cancelled in the hub): a person must decide how it ships", payload.toString());
        } else {
            fulfilments.later(hubOrderId, null, backoffMs * 6);
        }
        LOG.debug("MCF order {}: Amazon status {}, hub {} (mcf channel {})", hubOrderId, status, current, mcf.id());
    }

    void cancel(String hubOrderId) {
        String channel = properties.mcfAccount();
        AmazonProperties.Account account = properties.accounts().get(channel);
        SpApiClient.Answer answer = api.call(channel, account, "cancelFulfillmentOrder", "PUT",
                BASE + "/fulfillmentOrders/" + hubOrderId + "/cancel", Map.of(), null);
        if (answer.ok()) {
            fulfilments.set(hubOrderId, Fulfilments.CANCELLED, null);
        } else if (answer.status() >= 400 && answer.status() < 500) {
            fulfilments.set(hubOrderId, Fulfilments.FAILED, answer.error());
            exceptions.park("amazon:" + channel + ":mcf", "Amazon refused to cancel MCF order " + hubOrderId
                    + " (it may already be shipping): HTTP " + answer.status() + " " + answer.error(), hubOrderId);
        } else {
            throw new SpApiClient.SpApiException(answer.status(), "cancelFulfillmentOrder: " + answer.error());
        }
    }

    /** CreateFulfillmentOrderRequest for the order: the hub order id as sellerFulfillmentOrderId, its lines as items. */
    private String createRequest(AmazonProperties.Account account, Order order) {
        Channel mcf = channels.channel(properties.mcfAccount()).orElseThrow();
        ObjectNode request = json.createObjectNode();
        request.put("marketplaceId", account.marketplaceIds().get(0));
        request.put("sellerFulfillmentOrderId", order.hubOrderId());
        String display = order.channelOrderId().length() <= 40 ? order.channelOrderId() : order.hubOrderId();
        request.put("displayableOrderId", display);
        request.put("displayableOrderDate", order.placedAt().toString());
        request.put("displayableOrderComment", "Thank you for your order " + display);
        request.put("shippingSpeedCategory", "Standard");
        ObjectNode address = request.putObject("destinationAddress");
        address.put("name", order.shipTo().name());
        address.put("addressLine1", order.shipTo().line1());
        if (order.shipTo().line2() != null) {
            address.put("addressLine2", order.shipTo().line2());
        }
        address.put("city", order.shipTo().city());
        if (order.shipTo().region() != null) {
            address.put("stateOrRegion", order.shipTo().region());
        }
        address.put("postalCode", order.shipTo().postalCode());
        address.put("countryCode", order.shipTo().country());
        ArrayNode items = request.putArray("items");
        order.lines().forEach(line -> items.addObject().put("sellerSku", mcf.listingSku(line.sku()))
                .put("sellerFulfillmentOrderItemId", line.lineId()).put("quantity", line.qty()));
        return request.toString();
    }
}
