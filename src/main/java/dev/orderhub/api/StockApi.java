package dev.orderhub.api;

import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.channel.Channel;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.inventory.StockLedger;
import dev.orderhub.inventory.StockLevel;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Stock: read per sku, absolute counts per location, deltas with a reason. */
@RestController
@RequestMapping(path = "/api/stock", produces = MediaType.APPLICATION_JSON_VALUE)
public class StockApi {

    private static final long MAX_ON_HAND = 1_000_000_000L;
    private static final int ATTEMPTS = 3;

    private final StockLedger ledger;
    private final ChannelRegistry registry;
    private final JsonBodies bodies;

    public StockApi(StockLedger ledger, ChannelRegistry registry, JsonBodies bodies) {
        this.ledger = ledger;
        this.registry = registry;
        this.bodies = bodies;
    }

    public record LocationStock(String location, long onHand, long reserved, long available) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ChannelStock(String channel, long availableToSell, Long lastPushed, Instant lastPushedAt) {
    }

    public record SkuStock(String sku, long onHand, long reserved, long available, List<LocationStock> locations,
                           List<ChannelStock> channels) {
    }

    @GetMapping("/{sku}")
    public SkuStock stock(@PathVariable String sku) {
        List<StockLevel> levels = ledger.levels(sku);
        if (levels.isEmpty()) {
            throw ApiException.notFound("sku \"" + sku + "\" is not known to the hub (no stock was ever set for it)");
        }
        long onHand = levels.stream().mapToLong(StockLevel::onHand).sum();
        long reserved = levels.stream().mapToLong(StockLevel::reserved).sum();
        List<ChannelStock> channels = registry.channels().stream()
                .map(channel -> new ChannelStock(channel.id(), availableTo(channel, levels), null, null))
                .toList();
        return new SkuStock(sku, onHand, reserved, onHand - reserved,
                levels.stream().map(l -> new LocationStock(l.location(), l.onHand(), l.reserved(), l.available())).toList(),
                channels);
    }

    /** Available at the locations that serve the channel (buffers and caps come with the stock-sync flow). */
    private static long availableTo(Channel channel, List<StockLevel> levels) {
        return Math.max(0, levels.stream().filter(l -> channel.locations().contains(l.location()))
                .mapToLong(StockLevel::available).sum());
    }

    /** Absolute count (cycle count, ERP feed). */
    @PutMapping(path = "/{sku}/locations/{location}", consumes = MediaType.APPLICATION_JSON_VALUE)
    public SkuStock count(@PathVariable String sku, @PathVariable String location, HttpServletRequest request) {
        checkSku("sku", sku);
        checkLocation(location);
        JsonNode body = bodies.read(request);
        long onHand = wholeNumber(body, "onHand", 0, MAX_ON_HAND);
        retrying(() -> ledger.setOnHand(sku, location, onHand, text(body, "reason", false)));
        return stock(sku);
    }

    /** A delta with a reason (receipt, damage, correction, ...). */
    @PostMapping(path = "/adjustments", consumes = MediaType.APPLICATION_JSON_VALUE)
    public SkuStock adjust(HttpServletRequest request) {
        JsonNode body = bodies.read(request);
        String sku = text(body, "sku", true);
        checkSku("sku", sku);
        String location = text(body, "location", true);
        checkLocation(location);
        long delta = wholeNumber(body, "delta", -MAX_ON_HAND, MAX_ON_HAND);
        if (delta == 0) {
            throw ApiException.invalid("delta: must not be 0");
        }
        String reason = text(body, "reason", true);
        retrying(() -> ledger.adjust(sku, location, delta, reason));
        return stock(sku);
    }

    /** A count can meet a concurrent reservation in the opposite lock order; the database picks a loser, we retry it. */
    private static <T> T retrying(Supplier<T> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                return change.get();
            } catch (PessimisticLockingFailureException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private void checkLocation(String location) {
        registry.location(location).orElseThrow(() -> ApiException.notFound("location \"" + location + "\" is not configured"));
    }

    private static void checkSku(String field, String sku) {
        if (sku.isBlank() || sku.length() > 100 || sku.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.invalid(field + ": \"" + sku + "\" must be 1 to 100 printable characters");
        }
    }

    private static long wholeNumber(JsonNode body, String field, long min, long max) {
        JsonNode node = object(body).get(field);
        if (node == null || node.isNull()) {
            throw ApiException.invalid(field + ": is required");
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw ApiException.invalid(field + ": must be a whole number, was " + node);
        }
        long value = node.longValue();
        if (value < min || value > max) {
            throw ApiException.invalid(field + ": must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    private static String text(JsonNode body, String field, boolean required) {
        JsonNode node = object(body).get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw ApiException.invalid(field + ": is required");
            }
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw ApiException.invalid(field + ": must be a non-blank string, was " + node);
        }
        if (node.asText().length() > 200) {
            throw ApiException.invalid(field + ": at most 200 characters");
        }
        return node.asText();
    }

    private static JsonNode object(JsonNode body) {
        if (!body.isObject()) {
            throw ApiException.invalid("body: must be a JSON object");
        }
        return body;
    }
}
