package dev.orderhub.connectors.shipbob;

import dev.orderhub.HubPostgresTest;

/** The same tests on PostgreSQL: the order lock that makes simultaneous deliveries take turns, the counts, the cancels. */
@HubPostgresTest
class ShipBobPostgresTest extends ShipBobTest {
}
