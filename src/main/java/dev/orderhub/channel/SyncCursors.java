package dev.orderhub.channel;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Where each connector's polling of a channel stands (sync_cursors), shared by every instance. */
@Component
public class SyncCursors {

    private final JdbcClient jdbc;
    private final Clock clock;

    public SyncCursors(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** When a poll of the channel last moved one of its cursors (a successful poll), or empty. */
    public Optional<java.time.Instant> lastMoved(String channel) {
        return jdbc.sql("SELECT MAX(updated_at) FROM sync_cursors WHERE channel = :channel").param("channel", channel)
                .query((rs, n) -> Optional.ofNullable(rs.getObject(1, java.time.OffsetDateTime.class))).single()
                .map(java.time.OffsetDateTime::toInstant);
    }

    public Optional<String> get(String channel, String name) {
        return jdbc.sql("SELECT cursor_value FROM sync_cursors WHERE channel = :channel AND name = :name")
                .param("channel", channel).param("name", name).query(String.class).optional();
    }

    public void set(String channel, String name, String value) {
        var now = clock.instant().atOffset(ZoneOffset.UTC);
        int updated = jdbc.sql("UPDATE sync_cursors SET cursor_value = :value, updated_at = :now WHERE channel = :channel AND name = :name")
                .param("value", value).param("now", now).param("channel", channel).param("name", name).update();
        if (updated == 0) {
            jdbc.sql("INSERT INTO sync_cursors (channel, name, cursor_value, updated_at) VALUES (:channel, :name, :value, :now) "
                            + "ON CONFLICT DO NOTHING")
                    .param("channel", channel).param("name", name).param("value", value).param("now", now).update();
        }
    }
}
