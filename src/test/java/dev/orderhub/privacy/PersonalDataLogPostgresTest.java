package dev.orderhub.privacy;

import dev.orderhub.HubPostgresTest;
import org.springframework.test.context.TestPropertySource;

/**
 * On PostgreSQL: the refused order breaks a check constraint, and pgjdbc would put the
 * server's detail, "Failing row contains (...)" with the whole row, into the exception message.
 */
@HubPostgresTest
// A context of its own: the test adds a constraint.
@TestPropertySource(properties = "orderhub.test.context=personal-data-log")
class PersonalDataLogPostgresTest extends PersonalDataLogContract {

    @Override
    void refuseLongCities() {
        jdbc.sql("ALTER TABLE orders ADD CONSTRAINT privacy_probe_city CHECK (LENGTH(ship_to_city) <= 40)").update();
    }

    @Override
    void acceptLongCities() {
        jdbc.sql("ALTER TABLE orders DROP CONSTRAINT privacy_probe_city").update();
    }
}
