package dev.orderhub.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLDataException;

import org.junit.jupiter.api.Test;

/** What may be logged of a reason or a failure: its fields and classes, never the values it quotes. */
class RedactionTest {

    @Test
    void aReasonIsLoggedByTheFieldsItNames() {
        assertThat(Redaction.fieldsOf("shipTo.name: must be a string, was [\"Ada Lovelace\"]; lines[0].qty: must be between 1 "
                + "and 10000, was 0; shipTo.name: is blank")).isEqualTo("problems in shipTo.name, lines[0].qty");
        assertThat(Redaction.fieldsOf("Ada Lovelace lives at Keizersgracht 1")).isEqualTo("a reason of 37 characters");
        assertThat(Redaction.fieldsOf("'Ada Lovelace': unknown")).isEqualTo("a reason of 23 characters");
    }

    @Test
    void aFailureIsLoggedByItsClassesAndSqlStateWithItsFramesButNoMessage() {
        SQLDataException cause = new SQLDataException("Value too long for column: 'Keizersgracht 1'", "22001", 22001);
        RuntimeException failure = new IllegalStateException("insert failed for Ada Lovelace", cause);

        assertThat(Redaction.describe(failure))
                .isEqualTo("java.lang.IllegalStateException <- java.sql.SQLDataException (SQLState 22001, code 22001)");
        Throwable redacted = Redaction.redacted(failure);
        assertThat(redacted.getStackTrace()).isEqualTo(failure.getStackTrace());
        assertThat(redacted.getCause().getStackTrace()).isEqualTo(cause.getStackTrace());
        StringBuilder all = new StringBuilder();
        for (Throwable t = redacted; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        assertThat(all.toString()).contains("java.sql.SQLDataException (SQLState 22001")
                .doesNotContain("Keizersgracht").doesNotContain("Ada Lovelace");
    }
}
