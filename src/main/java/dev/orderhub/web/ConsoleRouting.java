package dev.orderhub.web;

import java.nio.charset.StandardCharsets;

import dev.orderhub.api.ApiException;
import dev.orderhub.api.JsonBodies;
import dev.orderhub.routing.Decision;
import dev.orderhub.routing.Routing;
import dev.orderhub.routing.RoutingRules;
import dev.orderhub.routing.RuleSet;
import dev.orderhub.routing.RuleSetParser;
import dev.orderhub.routing.WhatIf;
import dev.orderhub.security.RequiresRole;
import dev.orderhub.security.Role;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;

/**
 * The console's routing page: the rules in force (version, hash, the file) and a newer file's
 * problems, the orders waiting in queues, a dry run of an order (the decision it gets now,
 * every rule and candidate explained, nothing reserved), and what-if: how a draft of the rules
 * would have decided the last days' orders.
 */
@Controller
@RequiresRole(Role.VIEWER)
public class ConsoleRouting {

    private final RoutingRules rules;
    private final Routing routing;
    private final WhatIf whatIf;
    private final JsonBodies bodies;

    public ConsoleRouting(RoutingRules rules, Routing routing, WhatIf whatIf, JsonBodies bodies) {
        this.rules = rules;
        this.routing = routing;
        this.whatIf = whatIf;
        this.bodies = bodies;
    }

    @GetMapping("/console/routing")
    public String page(Model model) {
        return page(model, null);
    }

    private String page(Model model, String flash) {
        RoutingRules.State state = rules.state();
        model.addAttribute("state", state);
        model.addAttribute("queued", routing.queued(null, 100));
        if (!model.containsAttribute("draft")) {
            model.addAttribute("draft", state.file() == null ? "" : state.file());
        }
        model.addAttribute("flash", flash);
        model.addAttribute("page", "routing");
        return "console/routing";
    }

    /** The decision an order of the hub would get now, reserving nothing. */
    @PostMapping("/console/routing/dry-run")
    public String dryRun(HttpServletRequest request, Model model) {
        String id = Form.read(request, bodies).text("hubOrderId", true, 64);
        model.addAttribute("dryRunOrder", id);
        try {
            Decision decision = routing.dryRun(id);
            model.addAttribute("decision", decision);
            return page(model, null);
        } catch (Routing.NoRules e) {
            return page(model, e.getMessage());
        } catch (java.util.NoSuchElementException | dev.orderhub.order.OrderNotFoundException e) {
            return page(model, "No order " + id);
        }
    }

    /** How a draft of the rules would have decided the last days' orders (checked first; nothing is put in force). */
    @RequiresRole(Role.OPERATOR)
    @PostMapping("/console/routing/what-if")
    public String whatIf(HttpServletRequest request, Model model) {
        Form form = Form.read(request, bodies);
        String draft = form.block("rules", true, 200_000);
        int days = (int) form.whole("days", 1, 90);
        model.addAttribute("draft", draft);
        RuleSet checked;
        try {
            checked = rules.check(draft.getBytes(StandardCharsets.UTF_8));
        } catch (RuleSetParser.Invalid e) {
            model.addAttribute("draftProblems", e.problems());
            return page(model, "The draft is not valid: " + e.problems().get(0));
        }
        model.addAttribute("whatIf", whatIf.compare(checked, days));
        return page(model, null);
    }
}
