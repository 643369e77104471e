package dev.orderhub.api;

import java.util.List;

import dev.orderhub.channel.Connectors;
import dev.orderhub.connector.FulfilmentService;
import dev.orderhub.connector.InvalidInput;
import dev.orderhub.fulfilment.FulfilmentDispatch;
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
 * A fulfilment target's webhook (a 3PL telling the hub an order shipped):
 * {@code POST /api/fulfilment/{target}/webhooks}. The target's connector checks the delivery's
 * signature over the exact body bytes (401 {@code invalid_signature}, nothing recorded, when it
 * is not genuine) and records what it says once per delivery; the hub then follows the orders it
 * names at once, so their parcels become shipments (and reach the order's channel) without
 * waiting for the next dispatch round. A delivery sent again answers 200 with {@code REPEAT}.
 */
@RestController
@RequestMapping(path = "/api/fulfilment", produces = MediaType.APPLICATION_JSON_VALUE)
public class FulfilmentWebhookApi {

    private static final Logger LOG = LoggerFactory.getLogger(FulfilmentWebhookApi.class);

    private final Connectors connectors;
    private final FulfilmentDispatch dispatch;
    private final JsonBodies bodies;
    private final MeterRegistry meters;

    public FulfilmentWebhookApi(Connectors connectors, FulfilmentDispatch dispatch, JsonBodies bodies, MeterRegistry meters) {
        this.connectors = connectors;
        this.dispatch = dispatch;
        this.bodies = bodies;
        this.meters = meters;
    }

    /** ACCEPTED: recorded now; REPEAT: this delivery was taken before, nothing changed. */
    public enum Status { ACCEPTED, REPEAT }

    /** The answer: the remote's delivery id and topic, and the hub orders it concerned (followed at once). */
    public record Received(String delivery, String topic, Status status, List<String> hubOrderIds) {
    }

    @NoKeyNeeded("the fulfilment target's connector checks the delivery's own signature before anything is recorded")
    @PostMapping(path = "/{target}/webhooks")
    public Received push(@PathVariable String target, HttpServletRequest request) {
        FulfilmentService service = connectors.fulfilmentTarget(target).filter(FulfilmentService::takesWebhooks)
                .orElseThrow(() -> ApiException.notFound("no fulfilment target \"" + bounded(target) + "\" takes webhooks here"));
        byte[] body = bodies.bytes(request);
        FulfilmentService.Pushed pushed;
        try {
            pushed = service.pushed(request::getHeader, body);
        } catch (FulfilmentService.Refused refused) {
            meters.counter("orderhub.webhooks.refused", "channel", "fulfilment:" + target, "reason", "signature").increment();
            LOG.warn("webhook of fulfilment target {} from {} refused: {}", target, request.getRemoteAddr(), refused.getMessage());
            throw new ApiException(HttpStatus.UNAUTHORIZED, "invalid_signature", refused.getMessage());
        } catch (InvalidInput invalid) {
            throw ApiException.invalid(invalid.getMessage());
        }
        for (String hubOrderId : pushed.hubOrderIds()) {
            dispatch.followNow(service, hubOrderId); // failures are kept on the fulfilment and tried again by the rounds
        }
        return new Received(pushed.delivery(), pushed.topic(), pushed.repeat() ? Status.REPEAT : Status.ACCEPTED,
                pushed.hubOrderIds());
    }

    private static String bounded(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
