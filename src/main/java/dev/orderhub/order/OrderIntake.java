package dev.orderhub.order;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.input.InputRules;
import dev.orderhub.input.StrictJson;
import dev.orderhub.messaging.ExceptionStore;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The importer behind the order-intake route (routes/order-intake.camel.yaml). A message is a
 * canonical order JSON with its {@code channel}; whoever put it on the queue (the hub's own
 * API, a connector, an ERP over the broker) gets the same validation.
 *
 * <p>A batch is imported in one database transaction. Messages that can never succeed (not
 * JSON, invalid, unknown channel, unreadable) are parked with their reason in that same
 * transaction; any other failure rolls the whole batch back for the broker to redeliver.
 */
@Component("orderIntake")
public class OrderIntake {

    /** Exact decimals and the API's strictness: an order over the broker is read as one over HTTP. */
    private final StrictJson json;
    private final OrderService orders;
    private final ExceptionStore exceptions;
    private final TransactionTemplate transaction;
    private final String source;

    public OrderIntake(ObjectMapper json, OrderService orders, ExceptionStore exceptions, PlatformTransactionManager transactions,
                       @Value("${orderhub.queues.order-intake}") String queue) {
        this.json = new StrictJson(json);
        this.orders = orders;
        this.exceptions = exceptions;
        this.transaction = new TransactionTemplate(transactions);
        this.source = "queue:" + queue;
    }

    /** What one batch did: imported (new orders), repeats (already imported) and parked messages. */
    public record BatchResult(int imported, int repeats, int parked) {
    }

    public BatchResult accept(IntakeConsumer.Batch batch) {
        return transaction.execute(status -> {
            List<OrderSubmission> valid = new ArrayList<>(batch.messages().size());
            List<String> payloads = new ArrayList<>(batch.messages().size());
            List<Instant> accepted = new ArrayList<>(batch.messages().size());
            int parked = 0;
            for (IntakeConsumer.Incoming message : batch.messages()) {
                try {
                    valid.add(read(message));
                    payloads.add(message.text());
                    accepted.add(message.acceptedAt());
                } catch (InvalidOrderException e) {
                    if (message.parked() != null) {
                        exceptions.park(source, e.getMessage(), message.parked());
                    } else {
                        exceptions.park(source, e.getMessage(), message.text());
                    }
                    parked++;
                }
            }
            int imported = 0;
            int repeats = 0;
            List<OrderService.IntakeResult> results = orders.importOrders(valid, accepted);
            for (int i = 0; i < results.size(); i++) {
                OrderService.IntakeResult result = results.get(i);
                if (result.refused() != null) {
                    exceptions.park(source, result.refused(), payloads.get(i));
                    parked++;
                } else if (result.imported()) {
                    imported++;
                } else {
                    repeats++;
                }
            }
            return new BatchResult(imported, repeats, parked);
        });
    }

    private OrderSubmission read(IntakeConsumer.Incoming message) {
        if (message.unreadable() != null) {
            throw new InvalidOrderException(message.unreadable());
        }
        return read(message.text());
    }

    /** Reads an intake message's text as the importer does: the order, or InvalidOrderException saying why not. */
    OrderSubmission read(String text) {
        JsonNode body;
        try {
            body = json.read(text);
        } catch (StrictJson.Malformed e) {
            throw new InvalidOrderException(e.getMessage());
        }
        if (body == null || !body.isObject()) {
            throw new InvalidOrderException("body: must be a JSON object");
        }
        JsonNode channel = body.get("channel");
        if (channel == null || !channel.isTextual() || channel.asText().isBlank()) {
            throw new InvalidOrderException("channel: is required on an intake message");
        }
        String problem = InputRules.textProblem(channel.asText(), 100);
        if (problem != null) {
            throw new InvalidOrderException("channel: " + problem);
        }
        return OrderValidator.validate(channel.asText(), body);
    }
}
