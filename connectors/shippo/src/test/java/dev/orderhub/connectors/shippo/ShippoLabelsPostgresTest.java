package dev.orderhub.connectors.shippo;

import dev.orderhub.HubPostgresTest;

/** The same labels and tracking tests on PostgreSQL (the label PDF in a BYTEA column, the events' keys). */
@HubPostgresTest
class ShippoLabelsPostgresTest extends ShippoLabelsTest {
}
