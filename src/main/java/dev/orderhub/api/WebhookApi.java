package dev.orderhub.api;

import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.connector.InvalidInput;
import dev.orderhub.connector.OrdersPushed;
import dev.orderhub.order.PushedOrders;
import dev.orderhub.security.NoKeyNeeded;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Webhooks a channel's connector takes (capability {@code orders-pushed}), e.g. Shopify's
 * {@code orders/create}: {@code POST /api/channels/{channel}/webhooks/{connector}}. The
 * connector verifies the delivery's signature over the exact body bytes (401
 * {@code invalid_signature} and nothing stored otherwise); a verified delivery is stored once
 * per delivery id and queued durably, then answered 200 — its orders are read after the answer.
 */
@RestController
@RequestMapping(path = "/api", produces = MediaType.APPLICATION_JSON_VALUE)
public class WebhookApi {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookApi.class);

    private final ChannelRegistry channels;
    private final PushedOrders pushed;
    private final JsonBodies bodies;
    private final MeterRegistry meters;

    public WebhookApi(ChannelRegistry channels, PushedOrders pushed, JsonBodies bodies, MeterRegistry meters) {
        this.channels = channels;
        this.pushed = pushed;
        this.bodies = bodies;
        this.meters = meters;
    }

    /** The answer: the remote's delivery id (null when it sends none) and ACCEPTED or REPEAT. */
    public record Received(String delivery, String topic, PushedOrders.Status status) {
    }

    @NoKeyNeeded("the channel's connector checks the delivery's own signature (e.g. X-Shopify-Hmac-Sha256) before anything is stored")
    @PostMapping(path = "/channels/{channel}/webhooks/{connector}")
    public Received push(@PathVariable String channel, @PathVariable String connector, HttpServletRequest request) {
        if (channels.channel(channel).isEmpty()) {
            throw ApiException.notFound("channel \"" + channel + "\" is not configured");
        }
        OrdersPushed receiver = pushed.receiver(channel, connector).orElseThrow(() -> ApiException.notFound("channel \""
                + channel + "\" takes no webhooks of \"" + connector + "\" (its connector does not take pushed orders)"));
        byte[] body = bodies.bytes(request);
        try {
            PushedOrders.Receipt receipt = pushed.accept(channel, receiver, request::getHeader, body);
            return new Received(receipt.delivery(), receipt.topic(), receipt.status());
        } catch (OrdersPushed.Refused refused) {
            meters.counter("orderhub.webhooks.refused", "channel", channel, "reason", "signature").increment();
            LOG.warn("webhook of {} for channel {} from {} refused: {}", connector, channel, request.getRemoteAddr(),
                    refused.getMessage());
            throw new ApiException(HttpStatus.UNAUTHORIZED, "invalid_signature", refused.getMessage());
        } catch (InvalidInput invalid) {
            throw ApiException.invalid(invalid.getMessage());
        }
    }
}
