package dev.orderhub.api;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.input.InputRules;
import dev.orderhub.kpi.Kpis;
import dev.orderhub.kpi.ReportedKpis;
import dev.orderhub.security.RequiresRole;
import dev.orderhub.security.Role;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The marketplace KPIs the hub computes per channel (docs/kpis-and-alerts.md), their history, per carrier, and the marketplaces' own figures. */
@RestController
@RequestMapping(path = "/api", produces = MediaType.APPLICATION_JSON_VALUE)
public class KpiApi {

    private final Kpis kpis;
    private final ReportedKpis reported;
    private final ChannelRegistry channels;
    private final JsonBodies bodies;

    public KpiApi(Kpis kpis, ReportedKpis reported, ChannelRegistry channels, JsonBodies bodies) {
        this.kpis = kpis;
        this.reported = reported;
        this.channels = channels;
        this.bodies = bodies;
    }

    public record KpiList(List<Kpis.ChannelKpis> items, String next) {
    }

    /** Every channel's KPIs now (or one channel's): rate, counts, window, target, what was not counted, the reported figure. */
    @RequiresRole(Role.VIEWER)
    @GetMapping("/kpis")
    public KpiList current(@RequestParam(required = false) String channel) {
        if (channel != null) {
            known(channel);
        }
        return new KpiList(kpis.current(channel), null);
    }

    /** A KPI's value per day over the last {@code days} days (1–90, default 30), each over the window ending that day. */
    @RequiresRole(Role.VIEWER)
    @GetMapping("/kpis/{channel}/history")
    public Kpis.History history(@PathVariable String channel, @RequestParam String kpi, @RequestParam(required = false) Integer days) {
        known(channel);
        Kpis.Definition definition = Kpis.definition(kpi).orElseThrow(() -> ApiException.invalid("kpi: must be one of "
                + Kpis.DEFINITIONS.stream().map(Kpis.Definition::id).toList() + ", was \"" + Fields.quoted(kpi) + "\""));
        int n = days == null ? 30 : days;
        if (n < 1 || n > 90) {
            throw ApiException.invalid("days: must be between 1 and 90, was " + n);
        }
        return kpis.history(channel, definition, n);
    }

    public record CarrierList(List<Kpis.CarrierDelivery> items, String next) {
    }

    /** On-time delivery per carrier over the last 14 days (one channel's parcels when given). */
    @RequiresRole(Role.VIEWER)
    @GetMapping("/kpis/carriers")
    public CarrierList carriers(@RequestParam(required = false) String channel) {
        if (channel != null) {
            known(channel);
        }
        return new CarrierList(kpis.carriers(channel), null);
    }

    /**
     * The marketplace's own figure for a KPI of this channel (e.g. Amazon's account health):
     * {@code {"kpi", "value" (a rate, 0–1), "period"?, "reportedAt"?}}; shown beside the hub's.
     */
    @RequiresRole({Role.OPERATOR, Role.INTEGRATION})
    @PutMapping(path = "/channels/{channel}/kpis/reported", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Kpis.ChannelKpis report(@PathVariable String channel, HttpServletRequest request) {
        known(channel);
        JsonNode body = Fields.object(bodies.read(request));
        String kpi = Fields.text(body, "kpi", true, 32);
        if (!kpi.equals(Kpis.ODR.id()) && Kpis.definition(kpi).isEmpty()) {
            throw ApiException.invalid("kpi: must be one of odr, " + Kpis.DEFINITIONS.stream().map(Kpis.Definition::id).toList()
                    + ", was \"" + Fields.quoted(kpi) + "\"");
        }
        JsonNode value = body.get("value");
        if (value == null || !value.isNumber() || value.asDouble() < 0 || value.asDouble() > 1) {
            throw ApiException.invalid("value: must be a rate between 0 and 1 (0.012 for 1.2 %)");
        }
        String period = Fields.text(body, "period", false, 16);
        String at = Fields.text(body, "reportedAt", false, 40);
        Instant reportedAt;
        try {
            reportedAt = at == null ? Instant.now() : InputRules.instant(at);
        } catch (InputRules.Refused refused) {
            throw ApiException.invalid("reportedAt: \"" + Fields.quoted(at) + "\" " + refused.getMessage());
        }
        reported.record(channel, kpi, value.asDouble(), period, reportedAt);
        return kpis.current(channel).get(0);
    }

    private void known(String channel) {
        if (channels.channel(channel).isEmpty()) {
            throw ApiException.notFound("channel \"" + Fields.quoted(channel) + "\" is not configured");
        }
    }
}
