package dev.orderhub.web;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import dev.orderhub.security.Caller;
import dev.orderhub.security.Callers;
import dev.orderhub.security.Role;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** What every console page knows: who is signed in, whether they may act, and how times are shown. */
@ControllerAdvice(basePackageClasses = ConsoleModel.class)
public class ConsoleModel {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    @ModelAttribute
    void common(Model model) {
        Caller caller = Callers.current().orElse(null);
        model.addAttribute("caller", caller);
        model.addAttribute("operator", caller != null && caller.mayAct(Role.OPERATOR));
        model.addAttribute("role", caller == null ? "" : caller.roles().stream().map(Role::id).sorted()
                .collect(java.util.stream.Collectors.joining(", ")));
        model.addAttribute("fmt", new Format());
    }

    /** Formatting helpers for the templates ({@code ${fmt.time(x)}}). */
    public static final class Format {

        public String time(Instant at) {
            return at == null ? "—" : TIME.format(at);
        }

        public String age(Instant since) {
            return since == null ? "—" : seconds(Duration.between(since, Instant.now()).toSeconds());
        }

        public String seconds(Long seconds) {
            if (seconds == null) {
                return "—";
            }
            long s = Math.max(0, seconds);
            return s < 120 ? s + " s" : s < 7200 ? s / 60 + " min" : s / 3600 + " h";
        }

        public String percent(Double rate) {
            return rate == null ? "—" : String.format(java.util.Locale.ROOT, "%.2f %%", rate * 100);
        }

        /** An alert's threshold as its kind measures it: a rate, a wait, a count. */
        public String threshold(dev.orderhub.alert.Alert alert) {
            if (alert.threshold() == null) {
                return "";
            }
            if (alert.kind().startsWith(dev.orderhub.alert.AlertConditions.KPI_PREFIX)) {
                return percent(alert.threshold());
            }
            if (alert.kind().equals(dev.orderhub.alert.AlertConditions.STOCK_SYNC_LAG)) {
                return seconds(alert.threshold().longValue());
            }
            return String.valueOf(alert.threshold().longValue());
        }
    }
}
