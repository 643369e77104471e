package dev.orderhub.web;

import java.util.ArrayList;
import java.util.List;

import dev.orderhub.api.ApiException;
import dev.orderhub.channel.Channel;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.kpi.Kpis;
import dev.orderhub.security.RequiresRole;
import dev.orderhub.security.Role;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The console's KPI page: every channel's KPIs now beside the marketplace's own figures, and for
 * one channel each KPI's daily value over the last weeks as a chart with its thresholds drawn,
 * on-time delivery per carrier, and what each KPI is computed from over which window.
 */
@Controller
@RequiresRole(Role.VIEWER)
public class ConsoleKpis {

    static final List<Integer> SPANS = List.of(14, 30, 60);

    private final Kpis kpis;
    private final ChannelRegistry channels;

    public ConsoleKpis(Kpis kpis, ChannelRegistry channels) {
        this.kpis = kpis;
        this.channels = channels;
    }

    /** One KPI's chart on the selected channel, with the definition it was computed by. */
    public record Chart(Kpis.Definition kpi, LineChart chart, Kpis.Kpi now) {
    }

    @GetMapping("/console/kpis")
    public String kpis(@RequestParam(required = false) String channel, @RequestParam(defaultValue = "30") int days, Model model) {
        List<Kpis.ChannelKpis> all = kpis.current(null);
        if (all.isEmpty()) {
            model.addAttribute("current", all);
            model.addAttribute("page", "kpis");
            return "console/kpis";
        }
        String selected = channel == null || channel.isBlank() ? all.get(0).channel() : channel;
        if (channels.channel(selected).isEmpty()) {
            throw ApiException.notFound("channel: no channel \"" + (selected.length() > 64 ? selected.substring(0, 64) + "…" : selected)
                    + "\" is configured");
        }
        int span = SPANS.contains(days) ? days : 30;
        Kpis.ChannelKpis mine = all.stream().filter(c -> c.channel().equals(selected)).findFirst().orElseThrow();
        List<Chart> charts = new ArrayList<>();
        for (Kpis.History history : kpis.histories(selected, span)) {
            List<LineChart.Point> points = history.days().stream()
                    .map(d -> new LineChart.Point(d.day().toString().substring(5), d.rate())).toList();
            List<LineChart.Threshold> thresholds = new ArrayList<>();
            if (history.warnAt() != null) {
                thresholds.add(new LineChart.Threshold("warn", history.warnAt(), "warn"));
            }
            if (history.alertAt() != null) {
                thresholds.add(new LineChart.Threshold("alert", history.alertAt(), "alert"));
            }
            if (history.alertAt() == null || history.alertAt() != history.kpi().target()) {
                thresholds.add(new LineChart.Threshold("target", history.kpi().target(), "target"));
            }
            Kpis.Kpi now = mine.kpis().stream().filter(k -> k.id().equals(history.kpi().id())).findFirst().orElseThrow();
            charts.add(new Chart(history.kpi(), LineChart.of(history.kpi().name(), points, thresholds, 560, 220), now));
        }
        model.addAttribute("current", all);
        model.addAttribute("definitions", Kpis.DEFINITIONS);
        model.addAttribute("selected", selected);
        model.addAttribute("channelName", channels.channel(selected).map(Channel::name).orElse(selected));
        model.addAttribute("mine", mine);
        model.addAttribute("charts", charts);
        model.addAttribute("carriers", kpis.carriers(selected));
        model.addAttribute("days", span);
        model.addAttribute("spans", SPANS);
        model.addAttribute("odr", Kpis.ODR);
        model.addAttribute("page", "kpis");
        return "console/kpis";
    }
}
