package dev.orderhub.privacy;

import dev.orderhub.HubTest;
import org.springframework.test.context.TestPropertySource;

/**
 * On H2: the refused order is too long for a narrowed column, and H2's "Value too long for
 * column" quotes the value.
 */
@HubTest
// A context of its own: the test narrows a column.
@TestPropertySource(properties = "orderhub.test.context=personal-data-log")
class PersonalDataLogTest extends PersonalDataLogContract {

    @Override
    void refuseLongCities() {
        jdbc.sql("ALTER TABLE orders ALTER COLUMN ship_to_city SET DATA TYPE VARCHAR(40)").update();
    }

    @Override
    void acceptLongCities() {
        jdbc.sql("ALTER TABLE orders ALTER COLUMN ship_to_city SET DATA TYPE VARCHAR(100)").update();
    }
}
