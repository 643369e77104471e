package dev.orderhub.kpi;

import dev.orderhub.HubPostgresTest;

/** The KPIs on PostgreSQL. */
@HubPostgresTest
class KpiPostgresTest extends KpiContract {
}
