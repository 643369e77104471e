package dev.orderhub.stocksync;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The channel_stock table: per (channel, sku) the value the hub wants shown and the value the
 * channel last accepted. Coalescing lives here: a new value replaces a pending one (latest
 * wins), and a push is only recorded if nothing newer was recorded before it.
 */
@Repository
class ChannelStockStore {

    private final JdbcClient jdbc;

    ChannelStockStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The state of one (channel, sku). */
    record Row(String channel, String sku, long ats, long version, boolean urgent, Instant changedAt, Long pushedValue,
               long pushedVersion, Instant pushedAt, int attempts, String lastError) {

        boolean pending() {
            return version > pushedVersion;
        }
    }

    /**
     * Locks the rows of a sku on these channels for this transaction (creating missing ones at
     * version 0, nothing to push) and returns the value each currently wants shown. Whoever
     * holds the locks computes and records the new values, so two computations of the same
     * row cannot finish in the wrong order. Rows are locked in channel order.
     */
    Map<String, Long> lock(String sku, List<String> channels, Instant now) {
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < channels.size(); i++) {
            values.append(i == 0 ? "" : ", ").append("(:c").append(i).append(", :sku, -1, 0, FALSE, :now, :now)");
        }
        JdbcClient.StatementSpec insert = jdbc.sql("INSERT INTO channel_stock (channel, sku, ats, version, urgent, changed_at, "
                        + "next_attempt_at) VALUES " + values + " ON CONFLICT DO NOTHING")
                .param("sku", sku).param("now", utc(now));
        for (int i = 0; i < channels.size(); i++) {
            insert = insert.param("c" + i, channels.get(i));
        }
        insert.update();
        Map<String, Long> current = new java.util.HashMap<>();
        jdbc.sql("SELECT channel, ats FROM channel_stock WHERE sku = :sku AND channel IN (:channels) ORDER BY channel FOR UPDATE")
                .param("sku", sku).param("channels", channels)
                .query((ResultSet rs) -> {
                    current.put(rs.getString(1), rs.getLong(2));
                });
        return current;
    }

    /**
     * Records the value the channel should show (the row must be locked). A change bumps the
     * version and makes the row due now; the same value again changes nothing. Urgent: the value
     * fell to or below {@code urgentAt} and below what the channel shows, so the channel may be
     * selling units the hub no longer has.
     */
    boolean desire(String channel, String sku, long ats, long urgentAt, Instant now) {
        return jdbc.sql("UPDATE channel_stock SET ats = :ats, version = version + 1, changed_at = :now, "
                        + "next_attempt_at = :now, attempts = 0, "
                        + "urgent = CASE WHEN :ats <= :urgentAt AND (pushed_value IS NULL OR :ats < pushed_value) "
                        + "THEN TRUE ELSE FALSE END "
                        + "WHERE channel = :channel AND sku = :sku AND ats <> :ats")
                .param("ats", ats).param("now", utc(now)).param("urgentAt", urgentAt)
                .param("channel", channel).param("sku", sku)
                .update() == 1;
    }

    /** Claims up to {@code limit} due rows of a channel, urgent first, then oldest change first. */
    List<Row> claim(String channel, int limit, Instant now, Instant claimUntil) {
        List<Row> rows = jdbc.sql("SELECT " + COLUMNS + " FROM channel_stock WHERE channel = :channel AND version > pushed_version "
                        + "AND next_attempt_at <= :now AND (claimed_until IS NULL OR claimed_until < :now) "
                        + "ORDER BY urgent DESC, changed_at, sku LIMIT :limit FOR UPDATE SKIP LOCKED")
                .param("channel", channel).param("now", utc(now)).param("limit", limit)
                .query(ChannelStockStore::map).list();
        if (!rows.isEmpty()) {
            jdbc.sql("UPDATE channel_stock SET claimed_until = :until WHERE channel = :channel AND sku IN (:skus)")
                    .param("until", utc(claimUntil)).param("channel", channel)
                    .param("skus", rows.stream().map(Row::sku).toList())
                    .update();
        }
        return rows;
    }

    boolean anyDue(String channel, Instant now) {
        return jdbc.sql("SELECT COUNT(*) FROM channel_stock WHERE channel = :channel AND version > pushed_version "
                        + "AND next_attempt_at <= :now AND (claimed_until IS NULL OR claimed_until < :now)")
                .param("channel", channel).param("now", utc(now)).query(Long.class).single() > 0;
    }

    /**
     * The channel accepted {@code value} as of {@code version}. Ignored if a newer version was
     * already recorded as pushed, so an old answer can never overwrite a newer one.
     */
    boolean pushed(String channel, String sku, long value, long version, Instant now) {
        return jdbc.sql("UPDATE channel_stock SET pushed_value = :value, pushed_version = :version, pushed_at = :now, "
                        + "attempts = 0, last_error = NULL, claimed_until = NULL, "
                        + "urgent = CASE WHEN version > :version THEN urgent ELSE FALSE END "
                        + "WHERE channel = :channel AND sku = :sku AND pushed_version < :version")
                .param("value", value).param("version", version).param("now", utc(now))
                .param("channel", channel).param("sku", sku)
                .update() == 1;
    }

    /** The push failed; try again at {@code retryAt}. */
    void failed(String channel, List<String> skus, String error, Instant retryAt, boolean countAttempt) {
        jdbc.sql("UPDATE channel_stock SET attempts = attempts + :increment, last_error = :error, next_attempt_at = :retryAt, "
                        + "claimed_until = NULL WHERE channel = :channel AND sku IN (:skus)")
                .param("increment", countAttempt ? 1 : 0)
                .param("error", error == null || error.length() <= 500 ? error : error.substring(0, 500))
                .param("retryAt", utc(retryAt)).param("channel", channel).param("skus", skus)
                .update();
    }

    /** Gives claimed rows back at once (the push was not recorded). */
    void release(String channel, List<String> skus) {
        jdbc.sql("UPDATE channel_stock SET claimed_until = NULL WHERE channel = :channel AND sku IN (:skus)")
                .param("channel", channel).param("skus", skus)
                .update();
    }

    List<Row> ofSku(String sku) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM channel_stock WHERE sku = :sku ORDER BY channel")
                .param("sku", sku).query(ChannelStockStore::map).list();
    }

    private static final String COLUMNS = "channel, sku, ats, version, urgent, changed_at, pushed_value, pushed_version, "
            + "pushed_at, attempts, last_error";

    private static Row map(ResultSet rs, int n) throws SQLException {
        long pushed = rs.getLong(7);
        Long pushedValue = rs.wasNull() ? null : pushed;
        return new Row(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getBoolean(5), instant(rs, 6),
                pushedValue, rs.getLong(8), instant(rs, 9), rs.getInt(10), rs.getString(11));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** One channel's stock sync at a glance (see {@link StockSync.ChannelSummary}). */
    List<StockSync.ChannelSummary> summary() {
        return jdbc.sql("SELECT channel, COUNT(*), "
                        + "SUM(CASE WHEN version > pushed_version THEN 1 ELSE 0 END), "
                        + "MIN(CASE WHEN version > pushed_version THEN changed_at END), MAX(pushed_at), "
                        + "SUM(CASE WHEN version > pushed_version AND last_error IS NOT NULL THEN 1 ELSE 0 END), "
                        + "SUM(CASE WHEN pushed_value > ats THEN 1 ELSE 0 END) "
                        + "FROM channel_stock GROUP BY channel ORDER BY channel")
                .query((rs, n) -> new StockSync.ChannelSummary(rs.getString(1), rs.getLong(2), rs.getLong(3), instant(rs, 4),
                        instant(rs, 5), rs.getLong(6), rs.getLong(7)))
                .list();
    }

    /** Rows whose channel shows more than the hub wants it to (the oldest change first). */
    List<Row> showingMore(int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM channel_stock WHERE pushed_value > ats ORDER BY changed_at LIMIT :limit")
                .param("limit", limit).query(ChannelStockStore::map).list();
    }

    /** Whether the channel has a value for any sku. */
    boolean hasAny(String channel) {
        return jdbc.sql("SELECT COUNT(*) FROM channel_stock WHERE channel = :channel").param("channel", channel)
                .query(Long.class).single() > 0;
    }
}
