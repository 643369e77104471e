package dev.orderhub.routing;

import dev.orderhub.HubPostgresTest;

/** Routing by rules on PostgreSQL. */
@HubPostgresTest
class RoutingPostgresTest extends RoutingContract {
}
