package dev.orderhub.kpi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The warn and alert thresholds of each KPI ({@code orderhub.kpi-thresholds} in
 * config/application.yaml): hub-wide per KPI, and a channel's own where it sets one. The console
 * draws them on the KPI charts and the alerts raise on them. Rates are fractions (0.04 = 4 %);
 * for a KPI where higher is better (VTR, OTDR) a value below the threshold crosses it.
 */
@ConfigurationProperties("orderhub")
public record KpiThresholds(Map<String, Threshold> kpiThresholds, Map<String, ChannelThresholds> channels) {

    /** One KPI's thresholds: {@code warn} is crossed first, {@code alert} at the marketplace's limit. */
    public record Threshold(Double warn, Double alert) {

        public Threshold {
            check("warn", warn);
            check("alert", alert);
        }

        private static void check(String name, Double value) {
            if (value != null && (value < 0 || value > 1)) {
                throw new IllegalArgumentException("KPI threshold " + name + ": a rate between 0 and 1, was " + value);
            }
        }
    }

    /** A channel's own thresholds, read from its entry in config/channels.yaml ({@code kpiThresholds}). */
    public record ChannelThresholds(Map<String, Threshold> kpiThresholds) {
    }

    public KpiThresholds {
        kpiThresholds = kpiThresholds == null ? Map.of() : Map.copyOf(kpiThresholds);
        channels = channels == null ? Map.of() : new LinkedHashMap<>(channels);
        for (String kpi : kpiThresholds.keySet()) {
            requireKnown(kpi, "orderhub.kpi-thresholds");
        }
        channels.forEach((channel, own) -> {
            if (own != null && own.kpiThresholds() != null) {
                own.kpiThresholds().keySet().forEach(kpi -> requireKnown(kpi, "orderhub.channels." + channel + ".kpi-thresholds"));
            }
        });
    }

    private static void requireKnown(String kpi, String where) {
        if (Kpis.definition(kpi).isEmpty()) {
            throw new IllegalArgumentException(where + ": unknown KPI '" + kpi + "' (known: "
                    + Kpis.DEFINITIONS.stream().map(Kpis.Definition::id).toList() + ")");
        }
    }

    /** The thresholds of a KPI on a channel: the channel's own, else the hub-wide ones; empty when neither is set. */
    public Optional<Threshold> of(String channel, String kpi) {
        ChannelThresholds own = channels.get(channel);
        if (own != null && own.kpiThresholds() != null && own.kpiThresholds().containsKey(kpi)) {
            return Optional.ofNullable(own.kpiThresholds().get(kpi));
        }
        return Optional.ofNullable(kpiThresholds.get(kpi));
    }
}
