package dev.orderhub.order;

import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Service;

/**
 * Hands validated channel orders to the intake queue (route order-ingress). Answers what the
 * caller may tell its client: the fixed hub order id and either the stored order's status
 * (a repeat) or RECEIVED once the broker has acknowledged the persistent send.
 */
@Service
public class OrderIngress {

    static final String INGRESS = "direct:order-ingress";

    private final ProducerTemplate producer;
    private final OrderService orders;
    private final ObjectMapper json;

    public OrderIngress(ProducerTemplate producer, OrderService orders, ObjectMapper json) {
        this.producer = producer;
        this.orders = orders;
        this.json = json;
    }

    /** The answer to a submission: {@code accepted} is false when the order was already imported. */
    public record Receipt(String hubOrderId, OrderStatus status, boolean accepted) {
    }

    public Receipt submit(OrderSubmission submission) {
        String id = submission.hubOrderId();
        Optional<OrderStatus> stored = orders.status(id);
        if (stored.isPresent()) {
            return new Receipt(id, stored.get(), false);
        }
        try {
            producer.sendBody(INGRESS, json.writeValueAsString(submission));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("order " + id + " cannot be written as JSON", e);
        }
        return new Receipt(id, OrderStatus.RECEIVED, true);
    }
}
