package dev.orderhub.web;

import java.util.Arrays;

import dev.orderhub.api.Cursors;
import dev.orderhub.api.JsonBodies;
import dev.orderhub.api.OrderApi;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.channel.Connectors;
import dev.orderhub.connector.FulfilmentService;
import dev.orderhub.fulfilment.Fulfilments;
import dev.orderhub.operations.Operations;
import dev.orderhub.order.Order;
import dev.orderhub.order.OrderNotFoundException;
import dev.orderhub.order.OrderQuery;
import dev.orderhub.order.OrderService;
import dev.orderhub.order.OrderStatus;
import dev.orderhub.order.ShipmentConfirmations;
import dev.orderhub.security.RequiresRole;
import dev.orderhub.security.Role;
import dev.orderhub.carrier.Labels;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;

/** The console's overview and orders pages: search, the whole timeline, and the operator's actions. */
@Controller
@RequiresRole(Role.VIEWER)
public class ConsoleOrders {

    private final Operations operations;
    private final OrderService orders;
    private final OrderApi api;
    private final ShipmentConfirmations confirmations;
    private final Fulfilments fulfilments;
    private final Connectors connectors;
    private final ChannelRegistry channels;
    private final JsonBodies bodies;
    private final Labels labels;

    public ConsoleOrders(Operations operations, OrderService orders, OrderApi api, ShipmentConfirmations confirmations,
                         Fulfilments fulfilments, Connectors connectors, ChannelRegistry channels, JsonBodies bodies,
                         Labels labels) {
        this.labels = labels;
        this.operations = operations;
        this.orders = orders;
        this.api = api;
        this.confirmations = confirmations;
        this.fulfilments = fulfilments;
        this.connectors = connectors;
        this.channels = channels;
        this.bodies = bodies;
    }

    @GetMapping("/")
    public String overview(Model model) {
        Operations.Overview overview = operations.overview();
        model.addAttribute("overview", overview);
        model.addAttribute("alerts", overview.alerts());
        model.addAttribute("page", "overview");
        return "console/overview";
    }

    @GetMapping("/console/orders")
    public String list(@RequestParam(required = false) String channel, @RequestParam(required = false) String status,
                       @RequestParam(required = false) String sku, @RequestParam(required = false) String placedFrom,
                       @RequestParam(required = false) String placedBefore, @RequestParam(required = false) Boolean atRisk,
                       @RequestParam(required = false) String cursor,
                       @RequestHeader(name = "HX-Request", required = false) String htmx, Model model) {
        OrderQuery query = api.query(channel, status, sku, placedFrom, placedBefore, atRisk, "newest");
        OrderService.OrderPage page = orders.search(query, Cursors.decode(Cursors.List.ORDERS_NEWEST, cursor), 50);
        model.addAttribute("orders", page.items());
        model.addAttribute("next", Cursors.encode(Cursors.List.ORDERS_NEWEST, page.next()));
        model.addAttribute("filter", new Filter(channel, status, sku, placedFrom, placedBefore, Boolean.TRUE.equals(atRisk)));
        model.addAttribute("channels", channels.channels().stream().map(c -> c.id()).toList());
        model.addAttribute("statuses", Arrays.stream(OrderStatus.values()).map(Enum::name).toList());
        model.addAttribute("atRiskLead", operations.atRiskLead());
        model.addAttribute("page", "orders");
        return htmx != null ? "console/orders :: results" : "console/orders";
    }

    /** The filter as given, to show it again in the form. */
    public record Filter(String channel, String status, String sku, String placedFrom, String placedBefore, boolean atRisk) {
    }

    @GetMapping("/console/orders/{hubOrderId}")
    public String detail(@PathVariable String hubOrderId, Model model) {
        return detail(hubOrderId, model, null);
    }

    private String detail(String hubOrderId, Model model, String flash) {
        Order order = orders.find(hubOrderId).orElse(null);
        if (order == null) {
            model.addAttribute("status", 404);
            model.addAttribute("detail", "order " + hubOrderId + " does not exist");
            return "console/error";
        }
        model.addAttribute("order", order);
        model.addAttribute("timeline", operations.timeline(hubOrderId));
        model.addAttribute("labels", labels.of(hubOrderId));
        model.addAttribute("targets", connectors.fulfilmentTargets().stream().map(FulfilmentService::target).sorted().toList());
        model.addAttribute("flash", flash);
        model.addAttribute("page", "orders");
        return "console/order";
    }

    @RequiresRole(Role.OPERATOR)
    @PostMapping("/console/orders/{hubOrderId}/cancel")
    public String cancel(@PathVariable String hubOrderId, HttpServletRequest request, Model model) {
        Form form = Form.read(request, bodies);
        String reason = form.text("reason", true, 500);
        orders.cancel(hubOrderId, reason);
        return detail(hubOrderId, model, "Order cancelled: " + reason);
    }

    @RequiresRole(Role.OPERATOR)
    @PostMapping("/console/orders/{hubOrderId}/release-hold")
    public String releaseHold(@PathVariable String hubOrderId, HttpServletRequest request, Model model) {
        String note = Form.read(request, bodies).text("note", false, 500);
        Order released = orders.releaseHold(hubOrderId, note);
        return detail(hubOrderId, model, "Hold released: the order is " + released.status());
    }

    @RequiresRole(Role.OPERATOR)
    @PostMapping("/console/orders/{hubOrderId}/route")
    public String route(@PathVariable String hubOrderId, HttpServletRequest request, Model model) {
        String target = Form.read(request, bodies).text("target", true, 64);
        orders.find(hubOrderId).orElseThrow(() -> new OrderNotFoundException(hubOrderId));
        Fulfilments.Fulfilment routed = fulfilments.route(hubOrderId, target);
        return detail(hubOrderId, model, "Routed to " + routed.target() + ": " + routed.status());
    }

    @RequiresRole(Role.OPERATOR)
    /** A shipping label's PDF, for the link on the order page. */
    @GetMapping("/console/orders/{hubOrderId}/labels/{labelId}.pdf")
    public org.springframework.http.ResponseEntity<byte[]> labelPdf(@PathVariable String hubOrderId, @PathVariable String labelId) {
        return labels.pdf(hubOrderId, labelId)
                .map(pdf -> org.springframework.http.ResponseEntity.ok().contentType(org.springframework.http.MediaType.APPLICATION_PDF)
                        .header("Content-Disposition", "attachment; filename=\"" + labelId.replaceAll("[^A-Za-z0-9-]", "") + ".pdf\"")
                        .body(pdf))
                .orElseGet(() -> org.springframework.http.ResponseEntity.notFound().build());
    }

    @PostMapping("/console/orders/{hubOrderId}/shipments/{shipmentId}/retry")
    public String retryConfirmation(@PathVariable String hubOrderId, @PathVariable String shipmentId, Model model) {
        ShipmentConfirmations.Confirmation again = confirmations.retry(hubOrderId, shipmentId);
        return detail(hubOrderId, model, "Confirmation of " + shipmentId + " to " + again.channel() + " is sent again now");
    }
}
