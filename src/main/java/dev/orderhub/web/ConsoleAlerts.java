package dev.orderhub.web;

import dev.orderhub.alert.Alert;
import dev.orderhub.alert.Alerts;
import dev.orderhub.api.JsonBodies;
import dev.orderhub.security.Caller;
import dev.orderhub.security.Callers;
import dev.orderhub.security.RequiresRole;
import dev.orderhub.security.Role;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;

/**
 * The console's alerts: those open (the most severe first) with what crossed which threshold and
 * since when, acknowledged by whom; those cleared lately. An operator acknowledges one with a
 * note; the alert stays open until its condition ends.
 */
@Controller
@RequiresRole(Role.VIEWER)
public class ConsoleAlerts {

    private final Alerts alerts;
    private final JsonBodies bodies;
    private final long evaluateEveryMs;

    public ConsoleAlerts(Alerts alerts, JsonBodies bodies, @Value("${orderhub.alerts.evaluate-every-ms:30000}") long evaluateEveryMs) {
        this.alerts = alerts;
        this.bodies = bodies;
        this.evaluateEveryMs = evaluateEveryMs;
    }

    @GetMapping("/console/alerts")
    public String alerts(Model model) {
        return page(model, null);
    }

    private String page(Model model, String flash) {
        model.addAttribute("open", alerts.open());
        model.addAttribute("cleared", alerts.recentlyCleared(50));
        model.addAttribute("evaluateEvery", evaluateEveryMs >= 1000 ? evaluateEveryMs / 1000 + " s" : evaluateEveryMs + " ms");
        model.addAttribute("flash", flash);
        model.addAttribute("page", "alerts");
        return "console/alerts";
    }

    @RequiresRole(Role.OPERATOR)
    @PostMapping("/console/alerts/{id}/acknowledge")
    public String acknowledge(@PathVariable long id, HttpServletRequest request, Model model) {
        String note = Form.read(request, bodies).text("note", false, 500);
        String by = Callers.current().map(Caller::name).orElse("unknown");
        return page(model, alerts.acknowledge(id, by, note == null || note.isBlank() ? null : note)
                .map((Alert a) -> "Acknowledged: " + a.title()).orElse("No alert " + id));
    }
}
