package dev.orderhub.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import dev.orderhub.HubTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The clean-up deletes by age what each setting says, and keeps what a person still has to act on. */
@HubTest
class RetentionTest {

    @Autowired
    Retention retention;

    @Autowired
    JdbcClient jdbc;

    @Value("${orderhub.data-dir}")
    Path dataDir;

    @Value("${orderhub.retention.exceptions-days}")
    int exceptionsDays;

    @Value("${orderhub.retention.stock-history-days}")
    int stockHistoryDays;

    @Value("${orderhub.retention.imports-days}")
    int importsDays;

    private static OffsetDateTime daysAgo(int days) {
        return Instant.now().minus(Duration.ofDays(days)).atOffset(ZoneOffset.UTC);
    }

    @Test
    void oldResolvedExceptionsStockHistoryAndFinishedImportsAreDeleted() throws Exception {
        String tag = "RET-" + UUID.randomUUID().toString().substring(0, 8);
        long oldOpen = exception(tag, "OPEN", daysAgo(exceptionsDays + 30), null);
        long oldDiscarded = exception(tag, "DISCARDED", daysAgo(exceptionsDays + 30), daysAgo(exceptionsDays + 1));
        long oldReplayed = exception(tag, "REPLAYED", daysAgo(exceptionsDays + 30), daysAgo(exceptionsDays + 1));
        long recentDiscarded = exception(tag, "DISCARDED", daysAgo(exceptionsDays + 30), daysAgo(exceptionsDays - 1));

        movement(tag, daysAgo(stockHistoryDays + 1));
        movement(tag, daysAgo(stockHistoryDays - 1));

        Path imports = Files.createDirectories(dataDir.resolve("imports"));
        String oldDone = importRow("DONE", daysAgo(importsDays + 1));
        Files.writeString(imports.resolve(oldDone + ".csv"), "sku,location,onHand\n");
        jdbc.sql("INSERT INTO stock_import_rejects (import_id, line, reason) VALUES (:id, 2, 'bad')").param("id", oldDone).update();
        String oldFailed = importRow("FAILED", daysAgo(importsDays + 1));
        String recentDone = importRow("DONE", daysAgo(importsDays - 1));

        Retention.Deleted deleted = retention.run();

        assertThat(deleted.exceptions()).isGreaterThanOrEqualTo(2);
        assertThat(statusOf(oldOpen)).isEqualTo(1);
        assertThat(statusOf(oldDiscarded)).isZero();
        assertThat(statusOf(oldReplayed)).isZero();
        assertThat(statusOf(recentDiscarded)).isEqualTo(1);

        assertThat(jdbc.sql("SELECT COUNT(*) FROM stock_movements WHERE sku = :sku").param("sku", tag).query(Integer.class).single())
                .isEqualTo(1);
        assertThat(jdbc.sql("SELECT at FROM stock_movements WHERE sku = :sku").param("sku", tag)
                .query(OffsetDateTime.class).single()).isAfter(daysAgo(stockHistoryDays));

        assertThat(importExists(oldDone)).isFalse();
        assertThat(importExists(oldFailed)).isFalse();
        assertThat(importExists(recentDone)).isTrue();
        assertThat(imports.resolve(oldDone + ".csv")).doesNotExist();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM stock_import_rejects WHERE import_id = :id").param("id", oldDone)
                .query(Integer.class).single()).isZero();
    }

    private long exception(String tag, String status, OffsetDateTime created, OffsetDateTime resolved) {
        jdbc.sql("INSERT INTO exceptions (source, reason, payload, status, created_at, resolved_at) "
                        + "VALUES (:source, 'test', '{}', :status, :created, :resolved)")
                .param("source", "test:" + tag).param("status", status).param("created", created).param("resolved", resolved)
                .update();
        return jdbc.sql("SELECT MAX(id) FROM exceptions WHERE source = :source").param("source", "test:" + tag)
                .query(Long.class).single();
    }

    private int statusOf(long id) {
        return jdbc.sql("SELECT COUNT(*) FROM exceptions WHERE id = :id").param("id", id).query(Integer.class).single();
    }

    private void movement(String sku, OffsetDateTime at) {
        jdbc.sql("INSERT INTO stock_movements (sku, location, kind, on_hand_delta, reserved_delta, on_hand_after, "
                        + "reserved_after, at) VALUES (:sku, 'main', 'COUNT', 1, 0, 1, 0, :at)")
                .param("sku", sku).param("at", at).update();
    }

    private String importRow(String status, OffsetDateTime finished) {
        String id = UUID.randomUUID().toString();
        // Recorded by another instance: this hub's import runner leaves it alone.
        jdbc.sql("INSERT INTO stock_imports (id, status, rows_total, rows_done, created_at, finished_at, instance, file) "
                        + "VALUES (:id, :status, 0, 0, :finished, :finished, 'elsewhere', :file)")
                .param("id", id).param("status", status).param("finished", finished).param("file", id + ".csv").update();
        return id;
    }

    private boolean importExists(String id) {
        return jdbc.sql("SELECT COUNT(*) FROM stock_imports WHERE id = :id").param("id", id).query(Integer.class).single() == 1;
    }
}
