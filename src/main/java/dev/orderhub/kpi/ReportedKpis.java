package dev.orderhub.kpi;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The figures a marketplace reports about the seller itself (e.g. Amazon's account health), kept to show beside the hub's own. */
@Repository
public class ReportedKpis {

    private final JdbcClient jdbc;
    private final Clock clock;

    public ReportedKpis(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Records (replaces) the channel's reported figure for one KPI. */
    @Transactional
    public void record(String channel, String kpi, double value, String period, Instant reportedAt) {
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        int updated = jdbc.sql("UPDATE kpi_reported SET rate = :value, period = :period, reported_at = :at, recorded_at = :now "
                        + "WHERE channel = :channel AND kpi = :kpi")
                .param("value", value).param("period", period).param("at", reportedAt.atOffset(ZoneOffset.UTC)).param("now", now)
                .param("channel", channel).param("kpi", kpi).update();
        if (updated == 0) {
            jdbc.sql("INSERT INTO kpi_reported (channel, kpi, rate, period, reported_at, recorded_at) "
                            + "VALUES (:channel, :kpi, :value, :period, :at, :now)")
                    .param("value", value).param("period", period).param("at", reportedAt.atOffset(ZoneOffset.UTC)).param("now", now)
                    .param("channel", channel).param("kpi", kpi).update();
        }
    }

    /** The channel's reported figures by KPI id. */
    @Transactional(readOnly = true)
    public Map<String, Kpis.Reported> of(String channel) {
        Map<String, Kpis.Reported> figures = new LinkedHashMap<>();
        jdbc.sql("SELECT kpi, rate, period, reported_at FROM kpi_reported WHERE channel = :channel ORDER BY kpi")
                .param("channel", channel)
                .query((java.sql.ResultSet rs) -> {
                    figures.put(rs.getString(1), new Kpis.Reported(rs.getDouble(2), rs.getString(3),
                            rs.getObject(4, OffsetDateTime.class).toInstant()));
                });
        return figures;
    }
}
