package dev.orderhub.api;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.alert.Alert;
import dev.orderhub.alert.Alerts;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.security.Caller;
import dev.orderhub.security.Callers;
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

/** The hub's alerts (docs/kpis-and-alerts.md): open and cleared, one, and acknowledging one. */
@RestController
@RequestMapping(path = "/api/alerts", produces = MediaType.APPLICATION_JSON_VALUE)
public class AlertApi {

    private static final java.util.regex.Pattern KIND = java.util.regex.Pattern.compile("[a-z0-9_.-]{1,64}");

    private final Alerts alerts;
    private final ChannelRegistry channels;
    private final JsonBodies bodies;

    public AlertApi(Alerts alerts, ChannelRegistry channels, JsonBodies bodies) {
        this.alerts = alerts;
        this.channels = channels;
        this.bodies = bodies;
    }

    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS)
    public record AlertList(List<Alert> items, String next) {
    }

    /** Alerts newest first: {@code state} open (default), cleared or all; of one channel or kind when given. */
    @RequiresRole(Role.VIEWER)
    @GetMapping
    public AlertList list(@RequestParam(required = false) String state, @RequestParam(required = false) String channel,
                          @RequestParam(required = false) String kind, @RequestParam(required = false) Integer limit,
                          @RequestParam(required = false) String cursor) {
        String which = state == null ? "open" : state;
        if (!List.of("open", "cleared", "all").contains(which)) {
            throw ApiException.invalid("state: must be open, cleared or all, was \"" + Fields.quoted(state) + "\"");
        }
        if (channel != null && channels.channel(channel).isEmpty()) {
            throw ApiException.invalid("channel: no channel \"" + Fields.quoted(channel) + "\" is configured");
        }
        if (kind != null && !KIND.matcher(kind).matches()) {
            throw ApiException.invalid("kind: an alert kind such as kpi.lsr or connector.down (a-z, 0-9, _ . -, at most 64), was \""
                    + Fields.quoted(kind) + "\"");
        }
        int size = Cursors.limit(limit);
        List<Alert> page = alerts.list(which, channel, kind, Cursors.decode(Cursors.List.ALERTS, cursor), size + 1);
        boolean more = page.size() > size;
        List<Alert> items = more ? page.subList(0, size) : page;
        return new AlertList(items, more ? Cursors.encode(Cursors.List.ALERTS, items.get(items.size() - 1).id()) : null);
    }

    @RequiresRole(Role.VIEWER)
    @GetMapping("/{id}")
    public Alert one(@PathVariable long id) {
        return alerts.find(id).orElseThrow(() -> ApiException.notFound("no alert " + id));
    }

    /**
     * Marks the alert as seen by the caller, with an optional {@code {"note": "..."}} (at most
     * 500 characters). It stays open until its condition ends; acknowledging again replaces the note.
     */
    @RequiresRole(Role.OPERATOR)
    @PostMapping("/{id}/acknowledge")
    public Alert acknowledge(@PathVariable long id, HttpServletRequest request) {
        String note = null;
        if (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null) {
            JsonNode body = Fields.object(bodies.read(request));
            note = Fields.text(body, "note", false, 500);
        }
        String by = Callers.current().map(Caller::name).orElse("unknown");
        return alerts.acknowledge(id, by, note).orElseThrow(() -> ApiException.notFound("no alert " + id));
    }
}
