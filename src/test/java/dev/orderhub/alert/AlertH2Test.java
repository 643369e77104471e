package dev.orderhub.alert;

import dev.orderhub.HubTest;

/** The alerts on H2, the zero-setup default. */
@HubTest
class AlertH2Test extends AlertContract {
}
