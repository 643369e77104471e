package dev.orderhub.inventory;

import dev.orderhub.HubPostgresTest;

/** The ledger's guarantees on PostgreSQL, the production database. */
@HubPostgresTest
class StockLedgerPostgresTest extends StockLedgerContract {
}
