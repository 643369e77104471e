package dev.orderhub.api;

import dev.orderhub.HubTest;

/** {@link HostileInputContract} on the default H2 database. */
@HubTest
class HostileInputH2Test extends HostileInputContract {
}
