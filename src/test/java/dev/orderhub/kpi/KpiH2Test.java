package dev.orderhub.kpi;

import dev.orderhub.HubTest;

/** The KPIs on H2, the zero-setup default. */
@HubTest
class KpiH2Test extends KpiContract {
}
