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

    public OrderApi(ChannelRegistry channels, OrderIngress ingress, OrderService orders, JsonBodies bodies,
                    MeterRegistry meters, Clock clock) {
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

    @RequiresRole(Role.VIEWER)
    @GetMapping("/orders")
    public OrderList list(@RequestParam(required = false) String channel, @RequestParam(required = false) String status,
                          @RequestParam(required = false) String sku, @RequestParam(required = false) Integer limit,
                          @RequestParam(required = false) String cursor) {
        OrderStatus wanted = null;
        if (status != null) {
            try {
                wanted = OrderStatus.valueOf(status);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("status: \"" + status + "\" is not an order status");
            }
        }
        OrderService.OrderPage page = orders.list(channel, wanted, sku, Cursors.decode(Cursors.List.ORDERS, cursor), Cursors.limit(limit));
        return new OrderList(page.items(), Cursors.encode(Cursors.List.ORDERS, page.next()));
    }

    /** Cancels the order and releases its stock; 409 when its status does not allow it. */
    @RequiresRole(Role.OPERATOR)
    @PostMapping(path = "/orders/{hubOrderId}/cancel")
    public Order cancel(@PathVariable String hubOrderId, HttpServletRequest request) {
        String reason = "cancelled through the API";
        if (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null) {
            if (!isJson(request.getContentType())) {
                throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                        "Content-Type " + request.getContentType() + " is not accepted; send application/json");
            }
            String given = Fields.text(Fields.object(bodies.read(request)), "reason", false, 500);
            if (given != null) {
                reason = given;
            }
        }
        return orders.cancel(hubOrderId, reason);
    }

    private static boolean isJson(String contentType) {
        try {
            return contentType != null && MediaType.APPLICATION_JSON.isCompatibleWith(MediaType.parseMediaType(contentType));
        } catch (org.springframework.http.InvalidMediaTypeException e) {
            return false;
        }
    }
}
