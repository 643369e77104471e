package dev.orderhub.inventory;

import dev.orderhub.HubTest;

/** The ledger's guarantees on H2, the zero-setup default database. */
@HubTest
class StockLedgerH2Test extends StockLedgerContract {
}
