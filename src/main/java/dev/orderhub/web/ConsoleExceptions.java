package dev.orderhub.web;

import java.util.List;

import dev.orderhub.api.Cursors;
import dev.orderhub.api.ExceptionApi;
import dev.orderhub.api.JsonBodies;
import dev.orderhub.messaging.ExceptionStore;
import dev.orderhub.messaging.ParkedException;
import dev.orderhub.order.OrderQuery;
import dev.orderhub.order.OrderService;
import dev.orderhub.order.OrderStatus;
import dev.orderhub.security.RequiresRole;
import dev.orderhub.security.Role;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The console's exceptions page: orders on hold and parked messages with their reason and
 * original payload; fix (edit the payload, checked before it is sent) and replay, or discard with
 * a note, one at a time or in bulk.
 */
@Controller
@RequiresRole(Role.VIEWER)
public class ConsoleExceptions {

    private final ExceptionStore store;
    private final ExceptionApi api;
    private final OrderService orders;
    private final JsonBodies bodies;

    public ConsoleExceptions(ExceptionStore store, ExceptionApi api, OrderService orders, JsonBodies bodies) {
        this.store = store;
        this.api = api;
        this.orders = orders;
        this.bodies = bodies;
    }

    @GetMapping("/console/exceptions")
    public String list(@RequestParam(required = false) String source, @RequestParam(required = false) String cursor, Model model) {
        return list(source, cursor, model, null);
    }

    private String list(String source, String cursor, Model model, String flash) {
        List<ParkedException> page = store.newestOpen(source == null || source.isEmpty() ? null : source,
                Cursors.decode(Cursors.List.EXCEPTIONS_NEWEST, cursor), 51);
        boolean more = page.size() > 50;
        List<ParkedException> shown = more ? page.subList(0, 50) : page;
        model.addAttribute("exceptions", shown);
        model.addAttribute("next", more ? Cursors.encode(Cursors.List.EXCEPTIONS_NEWEST, shown.get(shown.size() - 1).id()) : null);
        model.addAttribute("sources", store.openBySource());
        model.addAttribute("source", source);
        model.addAttribute("onHold", orders.search(new OrderQuery(null, OrderStatus.ON_HOLD, null, null, null, null, true), 0, 50)
                .items());
        model.addAttribute("flash", flash);
        model.addAttribute("page", "exceptions");
        return "console/exceptions";
    }

    @GetMapping("/console/exceptions/{id}")
    public String detail(@PathVariable long id, Model model) {
        return detail(id, model, null);
    }

    private String detail(long id, Model model, String flash) {
        ParkedException parked = store.find(id).orElse(null);
        if (parked == null) {
            model.addAttribute("status", 404);
            model.addAttribute("detail", "exception " + id + " does not exist");
            return "console/error";
        }
        model.addAttribute("exception", parked);
        model.addAttribute("flash", flash);
        model.addAttribute("page", "exceptions");
        return "console/exception";
    }

    /** Replays the original payload, or the edited one when the form carries it (checked first: 400 with the reason). */
    @RequiresRole(Role.OPERATOR)
    @PostMapping("/console/exceptions/{id}/replay")
    public String replay(@PathVariable long id, HttpServletRequest request, Model model) {
        Form form = Form.read(request, bodies);
        String payload = form.block("payload", false, store.maxPayloadChars());
        String note = form.text("note", false, 500);
        ParkedException original = store.find(id).orElseThrow(() -> new ExceptionStore.ExceptionNotFoundException(id));
        ParkedException done = payload == null || payload.equals(original.payload()) ? store.replay(id)
                : store.replayFixed(id, payload, note);
        return detail(id, model, payload == null || payload.equals(original.payload())
                ? "Replayed: the original payload went back to its queue (" + done.status() + ")"
                : "Replayed the edited payload (" + done.status() + ")");
    }

    @RequiresRole(Role.OPERATOR)
    @PostMapping("/console/exceptions/{id}/discard")
    public String discard(@PathVariable long id, HttpServletRequest request, Model model) {
        String note = Form.read(request, bodies).text("note", true, 1000);
        store.discard(id, note);
        return detail(id, model, "Discarded: " + note);
    }

    @RequiresRole(Role.OPERATOR)
    @PostMapping("/console/exceptions/bulk")
    public String bulk(HttpServletRequest request, Model model) {
        Form form = Form.read(request, bodies);
        String action = form.text("action", true, 10);
        if (!action.equals("replay") && !action.equals("discard")) {
            throw dev.orderhub.api.ApiException.invalid("action: must be replay or discard, was \"" + action + "\"");
        }
        String note = form.text("note", action.equals("discard"), 1000);
        List<ExceptionApi.BulkResult> results = api.bulk(action, form.ids("ids"), note);
        long done = results.stream().filter(r -> r.error() == null).count();
        String refused = results.stream().filter(r -> r.error() != null).map(r -> "#" + r.id() + ": " + r.error())
                .reduce((a, b) -> a + "; " + b).orElse("");
        return list(null, null, model, (action.equals("replay") ? "Replayed " : "Discarded ") + done + " of " + results.size()
                + (refused.isEmpty() ? "" : ". Not done: " + refused));
    }
}
