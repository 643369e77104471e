package dev.orderhub.api;

import dev.orderhub.HubPostgresTest;

/** {@link HostileInputContract} on PostgreSQL, which refuses NUL in text: unchecked text there was a 503. */
@HubPostgresTest
class HostileInputPostgresTest extends HostileInputContract {
}
