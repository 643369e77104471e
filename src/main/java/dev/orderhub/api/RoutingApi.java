package dev.orderhub.api;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.order.FulfilmentMode;
import dev.orderhub.order.OrderNotFoundException;
import dev.orderhub.order.OrderService;
import dev.orderhub.routing.Decision;
import dev.orderhub.routing.Routing;
import dev.orderhub.routing.RoutingOrder;
import dev.orderhub.routing.RoutingRules;
import dev.orderhub.routing.RuleSet;
import dev.orderhub.routing.RuleSetParser;
import dev.orderhub.routing.WhatIf;
import dev.orderhub.security.RequiresRole;
import dev.orderhub.security.Role;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Fulfilment routing by rules (docs/routing.md): the rules in force, checking a draft, dry runs, what-if, queues, decisions. */
@RestController
@RequestMapping(path = "/api", produces = MediaType.APPLICATION_JSON_VALUE)
public class RoutingApi {

    static final int MAX_RULES_CHARS = 200_000;

    private final RoutingRules rules;
    private final Routing routing;
    private final WhatIf whatIf;
    private final OrderService orders;
    private final JsonBodies bodies;

    public RoutingApi(RoutingRules rules, Routing routing, WhatIf whatIf, OrderService orders, JsonBodies bodies) {
        this.rules = rules;
        this.routing = routing;
        this.whatIf = whatIf;
        this.orders = orders;
        this.bodies = bodies;
    }

    /** The rules in force (version, hash, when loaded, how many), the file's text, and a newer file's problems. */
    @RequiresRole(Role.VIEWER)
    @GetMapping("/routing/rules")
    public RoutingRules.State state() {
        return rules.state();
    }

    public record Checked(boolean valid, Integer version, String hash, int rules, List<String> problems) {
    }

    /** Checks a draft rules text {@code {"rules": "<yaml>"}} against this hub's locations and channels; puts nothing in force. */
    @RequiresRole(Role.OPERATOR)
    @PostMapping(path = "/routing/rules/check", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Checked check(HttpServletRequest request) {
        String text = rulesText(Fields.object(bodies.read(request)), true);
        try {
            RuleSet checked = rules.check(text.getBytes(StandardCharsets.UTF_8));
            return new Checked(true, checked.version(), checked.hash(), checked.rules().size(), List.of());
        } catch (RuleSetParser.Invalid e) {
            return new Checked(false, null, null, 0, e.problems());
        }
    }

    /**
     * The decision the rules would make, reserving nothing: for an order of the hub
     * {@code {"hubOrderId"}} (its stock and reservations now), or for one that is not
     * {@code {"order": {"channel", "fulfilmentMode"?, "shipTo": {"country", "region"?, "postalCode"?},
     * "shipBy"?, "lines": [{"lineId"?, "sku", "qty", "unitPrice"?}]}}}; with {@code "rules"} a draft
     * rules text is used instead of the rules in force.
     */
    @RequiresRole(Role.VIEWER)
    @PostMapping(path = "/routing/dry-run", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Decision dryRun(HttpServletRequest request) {
        JsonNode body = Fields.object(bodies.read(request));
        RuleSet draft = draft(body);
        String id = Fields.text(body, "hubOrderId", false, 64);
        try {
            if (id != null) {
                if (body.has("order")) {
                    throw ApiException.invalid("hubOrderId, order: give one of them, not both");
                }
                if (draft != null) {
                    return routing.dryRun(id, draft);
                }
                return routing.dryRun(id);
            }
            if (!body.has("order")) {
                throw ApiException.invalid("hubOrderId or order: one of them is required");
            }
            return routing.dryRun(order(body.get("order")), draft);
        } catch (Routing.NoRules e) {
            throw new ApiException(org.springframework.http.HttpStatus.CONFLICT, "no_rules", e.getMessage());
        } catch (java.util.NoSuchElementException | OrderNotFoundException e) {
            throw ApiException.notFound("no order \"" + Fields.quoted(id) + "\"");
        }
    }

    /**
     * How a draft rules text {@code {"rules": "<yaml>", "days"?: 7}} would have decided the orders
     * routed over the last {@code days} days (1–90; at most 5,000 orders), against the stock now:
     * how many keep their outcome, how many move and where, and a sample of those that move.
     */
    @RequiresRole(Role.OPERATOR)
    @PostMapping(path = "/routing/what-if", consumes = MediaType.APPLICATION_JSON_VALUE)
    public WhatIf.Result whatIf(HttpServletRequest request) {
        JsonNode body = Fields.object(bodies.read(request));
        RuleSet draft = draft(body);
        if (draft == null) {
            throw ApiException.invalid("rules: the draft rules text to compare with is required");
        }
        int days = body.has("days") ? (int) Fields.wholeNumber(body, "days", 1, 90) : 7;
        return whatIf.compare(draft, days);
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record QueueList(List<Routing.Queued> items, String next) {
    }

    /** Orders waiting in a routing queue (one queue when given), by order id. */
    @RequiresRole(Role.VIEWER)
    @GetMapping("/routing/queues")
    public QueueList queues(@RequestParam(required = false) String queue, @RequestParam(required = false) Integer limit,
                            @RequestParam(required = false) String cursor) {
        if (queue != null) {
            Fields.text("queue", queue, 64);
        }
        int size = Cursors.limit(limit);
        String after = Cursors.decodeText(Cursors.List.ROUTING_QUEUE, cursor, 64);
        List<Routing.Queued> page = routing.queuedAfter(queue, after, size + 1);
        boolean more = page.size() > size;
        List<Routing.Queued> items = more ? page.subList(0, size) : page;
        return new QueueList(items, more ? Cursors.encodeText(Cursors.List.ROUTING_QUEUE, items.get(items.size() - 1).hubOrderId()) : null);
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record OrderRouting(String hubOrderId, List<Decision> decisions, Routing.Queued queued) {
    }

    /** Every routing decision made for the order, oldest first, and the queue it waits in (if any). */
    @RequiresRole(Role.VIEWER)
    @GetMapping("/orders/{hubOrderId}/routing")
    public OrderRouting ofOrder(@PathVariable String hubOrderId) {
        if (orders.find(hubOrderId).isEmpty()) {
            throw new OrderNotFoundException(hubOrderId);
        }
        return new OrderRouting(hubOrderId, routing.decisions(hubOrderId), routing.queuedOrder(hubOrderId).orElse(null));
    }

    /** A rules text: YAML, so line breaks and tabs are allowed; any other control character is not. */
    private static String rulesText(JsonNode body, boolean required) {
        JsonNode node = body.get("rules");
        if (node == null || node.isNull()) {
            if (required) {
                throw ApiException.invalid("rules: the rules text (YAML, as config/rules.yaml) is required");
            }
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw ApiException.invalid("rules: must be the rules text as a string");
        }
        String text = node.asText();
        String problem = dev.orderhub.input.InputRules.blockProblem(text, MAX_RULES_CHARS);
        if (problem != null) {
            throw ApiException.invalid("rules: " + problem);
        }
        return text;
    }

    private RuleSet draft(JsonNode body) {
        String text = rulesText(body, false);
        if (text == null) {
            return null;
        }
        try {
            return rules.check(text.getBytes(StandardCharsets.UTF_8));
        } catch (RuleSetParser.Invalid e) {
            throw ApiException.invalid("rules: " + e.problems().get(0)
                    + (e.problems().size() > 1 ? " (and " + (e.problems().size() - 1) + " more: " + String.join("; ",
                    e.problems().subList(1, Math.min(e.problems().size(), 6))) + ")" : ""));
        }
    }

    private static RoutingOrder order(JsonNode node) {
        if (!node.isObject()) {
            throw ApiException.invalid("order: an object with channel, shipTo and lines");
        }
        String channel = Fields.text(node, "channel", true, 64);
        String mode = Fields.text(node, "fulfilmentMode", false, 16);
        FulfilmentMode fulfilmentMode;
        try {
            fulfilmentMode = mode == null ? FulfilmentMode.MERCHANT : FulfilmentMode.valueOf(mode);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("order.fulfilmentMode: one of " + List.of(FulfilmentMode.values()) + ", was \""
                    + Fields.quoted(mode) + "\"");
        }
        JsonNode shipTo = node.path("shipTo");
        String country = shipTo.isObject() ? Fields.text(shipTo, "country", true, 2) : null;
        if (country == null) {
            throw ApiException.invalid("order.shipTo.country: a two-letter country code is required");
        }
        String region = shipTo.isObject() ? Fields.text(shipTo, "region", false, 64) : null;
        String postal = shipTo.isObject() ? Fields.text(shipTo, "postalCode", false, 16) : null;
        Instant shipBy = null;
        String shipByText = Fields.text(node, "shipBy", false, 40);
        if (shipByText != null) {
            try {
                shipBy = Instant.parse(shipByText);
            } catch (java.time.format.DateTimeParseException e) {
                throw ApiException.invalid("order.shipBy: an ISO-8601 time such as 2026-12-03T15:00:00Z, was \""
                        + Fields.quoted(shipByText) + "\"");
            }
        }
        JsonNode lineNodes = node.path("lines");
        if (!lineNodes.isArray() || lineNodes.isEmpty() || lineNodes.size() > 500) {
            throw ApiException.invalid("order.lines: 1 to 500 lines");
        }
        List<RoutingOrder.Line> lines = new ArrayList<>();
        int n = 0;
        for (JsonNode line : lineNodes) {
            n++;
            if (!line.isObject()) {
                throw ApiException.invalid("order.lines[" + (n - 1) + "]: an object with sku and qty");
            }
            String sku = Fields.sku(line, "sku");
            int qty = (int) Fields.wholeNumber(line, "qty", 1, 100_000);
            BigDecimal price = line.has("unitPrice") && line.get("unitPrice").isNumber() ? line.get("unitPrice").decimalValue()
                    : BigDecimal.ZERO;
            String lineId = Fields.text(line, "lineId", false, 64);
            lines.add(new RoutingOrder.Line(lineId == null ? String.valueOf(n) : lineId, sku, qty, price));
        }
        return new RoutingOrder("dry-run", channel, fulfilmentMode, country.toUpperCase(java.util.Locale.ROOT), region, postal,
                shipBy, lines);
    }
}
