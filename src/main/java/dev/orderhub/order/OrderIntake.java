package dev.orderhub.order;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.stereotype.Component;

/**
 * The consumer side of the order-intake queue (routes/order-intake.camel.yaml). A message is
 * a canonical order JSON with its {@code channel}; whoever put it there (the hub's own API, a
 * connector, an ERP over the broker) gets the same validation.
 */
@Component("orderIntake")
public class OrderIntake {

    private final ObjectMapper json;
    private final OrderService orders;

    public OrderIntake(ObjectMapper json, OrderService orders) {
        this.json = json;
        this.orders = orders;
    }

    /** Imports one intake message. Invalid input throws {@link InvalidOrderException}, which the route parks. */
    public OrderService.IntakeResult accept(String message) {
        JsonNode body;
        try {
            body = json.readTree(message);
        } catch (JsonProcessingException e) {
            throw new InvalidOrderException("body: not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (body == null || !body.isObject()) {
            throw new InvalidOrderException("body: must be a JSON object");
        }
        JsonNode channel = body.get("channel");
        if (channel == null || !channel.isTextual() || channel.asText().isBlank()) {
            throw new InvalidOrderException("channel: is required on an intake message");
        }
        return orders.importOrder(OrderValidator.validate(channel.asText(), body));
    }
}
