package dev.orderhub.api;

import dev.orderhub.security.NoKeyNeeded;
import dev.orderhub.security.Callers;
import dev.orderhub.security.RequiresRole;
import dev.orderhub.security.Role;
import java.time.Clock;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.channel.Channel;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.channel.WebhookSignature;
import dev.orderhub.order.Order;
import dev.orderhub.order.OrderIngress;
import dev.orderhub.order.OrderNotFoundException;
import dev.orderhub.order.OrderService;
import dev.orderhub.order.OrderStatus;
import dev.orderhub.order.OrderValidator;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import dev.orderhub.operations.Operations;
import dev.orderhub.order.OrderQuery;
import dev.orderhub.order.ShipmentConfirmations;

/** Orders: the hub-native channel's intake and the order read API. */
@RestController
@RequestMapping(path = "/api", produces = MediaType.APPLICATION_JSON_VALUE)
public class OrderApi {

    private final ChannelRegistry channels;
    private final OrderIngress ingress;
    private final OrderService orders;
    private static final Logger LOG = LoggerFactory.getLogger(OrderApi.class);

    private final JsonBodies bodies;
    private final MeterRegistry meters;
    private final Clock clock;

    private final Operations operations;
    private final ShipmentConfirmations confirmations;

    public OrderApi(ChannelRegistry channels, OrderIngress ingress, OrderService orders, JsonBodies bodies,
                    MeterRegistry meters, Clock clock, Operations operations, ShipmentConfirmations confirmations) {
        this.operations = operations;
        this.confirmations = confirmations;
        this.channels = channels;
        this.ingress = ingress;
        this.orders = orders;
        this.bodies = bodies;
        this.meters = meters;
        this.clock = clock;
    }

    public record Accepted(String hubOrderId, OrderStatus status) {
    }

    /** 202 once the order is durably queued; 200 with the current status for a repeat. */
    @RequiresRole(Role.INTEGRATION)
    @PostMapping(path = "/channels/{channel}/orders", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Accepted> submit(@PathVariable String channel, HttpServletRequest request) {
        Channel target = channels.channel(channel)
                .orElseThrow(() -> ApiException.notFound("channel \"" + channel + "\" is not configured"));
        if (target.signsWebhooks() && !(target.webhook().acceptsKeyedOrders() && Callers.current()
                .filter(c -> c.identified() && c.channels().contains(channel) && c.mayAct(Role.INTEGRATION)).isPresent())) {
            throw new ApiException(HttpStatus.FORBIDDEN, "signed_only", "channel " + channel + " takes its orders signed: "
                    + "POST /api/channels/" + channel + "/webhooks/orders"
                    + (target.webhook().acceptsKeyedOrders() ? " (or with an integration key for " + channel + ")" : ""));
        }
        JsonNode body = bodies.read(request);
        OrderIngress.Receipt receipt = ingress.submit(OrderValidator.validate(channel, body));
        return ResponseEntity.status(receipt.accepted() ? HttpStatus.ACCEPTED : HttpStatus.OK)
                .body(new Accepted(receipt.hubOrderId(), receipt.status()));
    }

    /**
     * A channel's signed order webhook: the same order body and answers as the endpoint above,
     * accepted only with a valid signature of the channel's secret over the timestamp and the
     * exact body bytes (401 otherwise, and nothing is queued). 404 for a channel without a secret.
     */
    @NoKeyNeeded("the channel signs each webhook with its secret (X-Orderhub-Signature), checked here")
    @PostMapping(path = "/channels/{channel}/webhooks/orders", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Accepted> webhook(@PathVariable String channel, HttpServletRequest request) {
        Channel target = channels.channel(channel).orElseThrow(() -> ApiException.notFound("channel \"" + channel + "\" is not configured"));
        if (!target.signsWebhooks()) {
            throw ApiException.notFound("channel \"" + channel + "\" takes no signed webhooks (no webhook.secret configured)");
        }
        byte[] body = bodies.bytes(request);
        try {
            WebhookSignature.verify(target.webhook(), request.getHeader(WebhookSignature.TIMESTAMP_HEADER),
                    request.getHeader(WebhookSignature.SIGNATURE_HEADER), body, clock.instant());
        } catch (WebhookSignature.Refused refused) {
            meters.counter("orderhub.webhooks.refused", "channel", channel, "reason", refused.reason()).increment();
            LOG.warn("webhook for channel {} from {} refused: {}", channel, request.getRemoteAddr(), refused.getMessage());
            throw new ApiException(HttpStatus.UNAUTHORIZED, "invalid_signature", refused.getMessage());
        }
        OrderIngress.Receipt receipt = ingress.submit(OrderValidator.validate(channel, bodies.parse(body)));
        return ResponseEntity.status(receipt.accepted() ? HttpStatus.ACCEPTED : HttpStatus.OK)
                .body(new Accepted(receipt.hubOrderId(), receipt.status()));
    }

    @RequiresRole(Role.VIEWER)
    @GetMapping("/orders/{hubOrderId}")
    public Order order(@PathVariable String hubOrderId) {
        return orders.find(hubOrderId).orElseThrow(() -> new OrderNotFoundException(hubOrderId));
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record OrderList(List<Order> items, String next) {
    }

    /**
     * Orders filtered by channel, status, sku, placing time ({@code placedFrom} inclusive,
     * {@code placedBefore} exclusive, ISO-8601) and {@code atRisk=true} (not yet shipped, ship-by
     * within the configured lead time or past); {@code sort=newest} pages from the newest order.
     */
    @RequiresRole(Role.VIEWER)
    @GetMapping("/orders")
    public OrderList list(@RequestParam(required = false) String channel, @RequestParam(required = false) String status,
                          @RequestParam(required = false) String sku,
                          @RequestParam(required = false) String placedFrom, @RequestParam(required = false) String placedBefore,
                          @RequestParam(required = false) Boolean atRisk, @RequestParam(required = false) String sort,
                          @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        OrderQuery query = query(channel, status, sku, placedFrom, placedBefore, atRisk, sort);
        Cursors.List list = query.newestFirst() ? Cursors.List.ORDERS_NEWEST : Cursors.List.ORDERS;
        OrderService.OrderPage page = orders.search(query, Cursors.decode(list, cursor), Cursors.limit(limit));
        return new OrderList(page.items(), Cursors.encode(list, page.next()));
    }

    /** The query of the order list's parameters, each checked (400 naming the parameter). */
    public OrderQuery query(String channel, String status, String sku, String placedFrom, String placedBefore, Boolean atRisk,
                            String sort) {
        OrderStatus wanted = null;
        if (status != null && !status.isEmpty()) {
            try {
                wanted = OrderStatus.valueOf(status);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("status: \"" + Fields.quoted(status) + "\" is not an order status; one of "
                        + java.util.Arrays.toString(OrderStatus.values()));
            }
        }
        if (sort != null && !sort.isEmpty() && !sort.equals("newest") && !sort.equals("oldest")) {
            throw ApiException.invalid("sort: must be newest or oldest, was \"" + Fields.quoted(sort) + "\"");
        }
        return new OrderQuery(blankToNull(channel, "channel", 64), wanted, blankToNull(sku, "sku", 100),
                instant("placedFrom", placedFrom), instant("placedBefore", placedBefore),
                Boolean.TRUE.equals(atRisk) ? clock.instant().plus(operations.atRiskLead()) : null, "newest".equals(sort));
    }

    private static String blankToNull(String value, String name, int max) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        String problem = dev.orderhub.input.InputRules.textProblem(value, max);
        if (problem != null) {
            throw ApiException.invalid(name + ": " + problem);
        }
        return value;
    }

    private static java.time.Instant instant(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(value).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            try {
                return java.time.LocalDate.parse(value).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
            } catch (java.time.format.DateTimeParseException again) {
                throw ApiException.invalid(name + ": must be an ISO-8601 date (2026-12-01) or time with offset "
                        + "(2026-12-01T10:00:00Z), was \"" + Fields.quoted(value) + "\"");
            }
        }
    }

    /** The order's whole history: transitions, reservations, routing, parcels, confirmations, messages sent. */
    @RequiresRole(Role.VIEWER)
    @GetMapping("/orders/{hubOrderId}/timeline")
    public Operations.Timeline timeline(@PathVariable String hubOrderId) {
        return operations.timeline(hubOrderId);
    }

    /**
     * Releases an order held for a person (ON_HOLD): it is reserved at once, or backordered
     * when short; 409 when it is not on hold or a sku is still unknown.
     */
    @RequiresRole(Role.OPERATOR)
    @PostMapping(path = "/orders/{hubOrderId}/release-hold")
    public Order releaseHold(@PathVariable String hubOrderId, HttpServletRequest request) {
        return orders.releaseHold(hubOrderId, optionalText(request, "note", 500));
    }

    /** Sends a shipment's confirmation to the channel again now (after a refusal was fixed); 409 when already confirmed. */
    @RequiresRole(Role.OPERATOR)
    @PostMapping(path = "/orders/{hubOrderId}/shipments/{shipmentId}/confirmation/retry")
    public ShipmentConfirmations.Confirmation retryConfirmation(@PathVariable String hubOrderId, @PathVariable String shipmentId) {
        return confirmations.retry(hubOrderId, shipmentId);
    }

    /** A text field of an optional JSON body (no body, or an empty one, is allowed). */
    private String optionalText(HttpServletRequest request, String field, int max) {
        if (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null) {
            if (!isJson(request.getContentType())) {
                throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                        "Content-Type " + request.getContentType() + " is not accepted; send application/json");
            }
            return Fields.text(Fields.object(bodies.read(request)), field, false, max);
        }
        return null;
    }

    /** Cancels the order and releases its stock; 409 when its status does not allow it. */
    @RequiresRole(Role.OPERATOR)
    @PostMapping(path = "/orders/{hubOrderId}/cancel")
    public Order cancel(@PathVariable String hubOrderId, HttpServletRequest request) {
        String reason = "cancelled through the API";
        dev.orderhub.order.CancelledBy by = dev.orderhub.order.CancelledBy.SELLER;
        if (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null) {
            if (!isJson(request.getContentType())) {
                throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                        "Content-Type " + request.getContentType() + " is not accepted; send application/json");
            }
            JsonNode body = Fields.object(bodies.read(request));
            String given = Fields.text(body, "reason", false, 500);
            if (given != null) {
                reason = given;
            }
            by = requestedBy(Fields.text(body, "requestedBy", false, 10));
        }
        return orders.cancel(hubOrderId, reason, by);
    }

    /** Who asked for a cancellation: the seller (default) or the buyer; the channel's own come in from its connector. */
    public static dev.orderhub.order.CancelledBy requestedBy(String given) {
        if (given == null || given.equals("seller")) {
            return dev.orderhub.order.CancelledBy.SELLER;
        }
        if (given.equals("buyer")) {
            return dev.orderhub.order.CancelledBy.BUYER;
        }
        throw ApiException.invalid("requestedBy: must be seller or buyer, was \"" + Fields.quoted(given) + "\"");
    }

    private static boolean isJson(String contentType) {
        try {
            return contentType != null && MediaType.APPLICATION_JSON.isCompatibleWith(MediaType.parseMediaType(contentType));
        } catch (org.springframework.http.InvalidMediaTypeException e) {
            return false;
        }
    }
}
