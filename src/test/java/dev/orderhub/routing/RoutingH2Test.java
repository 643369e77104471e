package dev.orderhub.routing;

import dev.orderhub.HubTest;

/** Routing by rules on H2, the zero-setup default. */
@HubTest
class RoutingH2Test extends RoutingContract {
}
