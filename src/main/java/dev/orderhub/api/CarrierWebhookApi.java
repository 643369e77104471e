package dev.orderhub.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.orderhub.carrier.TrackingUpdates;
import dev.orderhub.channel.Connectors;
import dev.orderhub.connector.CarrierLabels;
import dev.orderhub.connector.InvalidInput;
import dev.orderhub.security.NoKeyNeeded;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A carrier's tracking webhook: {@code POST /api/carriers/{connector}/webhooks/{token}}. The
 * carrier signs nothing (Shippo does not by default), so the secret is the token in the URL,
 * which the carrier connector compares in constant time with its configured one; a wrong token,
 * an unknown connector or one without a token configured all answer the same 404 and change
 * nothing. A genuine event is applied once ({@link TrackingUpdates}); the same event again
 * answers REPEAT.
 */
@RestController
@RequestMapping(path = "/api/carriers", produces = MediaType.APPLICATION_JSON_VALUE)
public class CarrierWebhookApi {

    private static final Logger LOG = LoggerFactory.getLogger(CarrierWebhookApi.class);

    private final Connectors connectors;
    private final TrackingUpdates updates;
    private final JsonBodies bodies;
    private final MeterRegistry meters;

    public CarrierWebhookApi(Connectors connectors, TrackingUpdates updates, JsonBodies bodies, MeterRegistry meters) {
        this.connectors = connectors;
        this.updates = updates;
        this.bodies = bodies;
        this.meters = meters;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Received(String event, TrackingUpdates.Outcome status, String hubOrderId, String shipmentId,
                           CarrierLabels.TrackingStatus tracking) {
    }

    @NoKeyNeeded("the carrier's webhook carries a secret token in its path, compared in constant time by the carrier connector")
    @PostMapping(path = "/{connector}/webhooks/{token}")
    public Received tracking(@PathVariable String connector, @PathVariable String token, HttpServletRequest request) {
        CarrierLabels carrier = connectors.carrier(connector).orElseThrow(CarrierWebhookApi::unknown);
        byte[] body = bodies.bytes(request);
        CarrierLabels.TrackingPush push;
        try {
            push = carrier.readTracking(token, body);
        } catch (CarrierLabels.Refused refused) {
            meters.counter("orderhub.webhooks.refused", "channel", "carrier:" + connector, "reason", "token").increment();
            LOG.warn("tracking webhook of {} from {} refused: wrong or unconfigured token", connector, request.getRemoteAddr());
            throw unknown();
        } catch (InvalidInput invalid) {
            throw ApiException.invalid(invalid.getMessage());
        }
        if (push.update() == null) {
            return new Received(push.event(), TrackingUpdates.Outcome.IGNORED, null, null, null);
        }
        TrackingUpdates.Applied applied = updates.apply(connector, push.update());
        return new Received(push.event(), applied.status(), applied.hubOrderId(), applied.shipmentId(), applied.tracking());
    }

    /** The same answer for an unknown carrier and a wrong token: a caller learns nothing from it. */
    private static ApiException unknown() {
        return ApiException.notFound("no such webhook");
    }
}
