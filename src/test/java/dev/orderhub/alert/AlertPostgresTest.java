package dev.orderhub.alert;

import dev.orderhub.HubPostgresTest;

/** The alerts on PostgreSQL. */
@HubPostgresTest
class AlertPostgresTest extends AlertContract {
}
