package dev.orderhub.api;

import dev.orderhub.security.RequiresRole;
import dev.orderhub.security.Role;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.fulfilment.Fulfilments;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Where an order is shipped from: {@code {"target": "amazon-mcf"}} until automation rules exist. */
@RestController
@RequestMapping(path = "/api/orders/{hubOrderId}/fulfilment", produces = MediaType.APPLICATION_JSON_VALUE)
public class FulfilmentApi {

    private final Fulfilments fulfilments;
    private final JsonBodies bodies;

    public FulfilmentApi(Fulfilments fulfilments, JsonBodies bodies) {
        this.fulfilments = fulfilments;
        this.bodies = bodies;
    }

    /** 202: the order is ROUTED and its reservations moved to the target's stock; the target's connector sends it. */
    @RequiresRole(Role.OPERATOR)
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Fulfilments.Fulfilment> route(@PathVariable String hubOrderId, HttpServletRequest request) {
        JsonNode body = bodies.read(request);
        String target = Fields.text(body, "target", true, 100);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(fulfilments.route(hubOrderId, target));
    }

    @RequiresRole(Role.VIEWER)
    @GetMapping
    public Fulfilments.Fulfilment get(@PathVariable String hubOrderId) {
        return fulfilments.find(hubOrderId).orElseThrow(() ->
                ApiException.notFound("order " + hubOrderId + " has not been sent to a fulfilment target (or does not exist)"));
    }
}
