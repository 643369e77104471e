-- The shippo connector's own table (Flyway history flyway_history_shippo); H2 and PostgreSQL.
-- One row per hub label request: the Shipment created for it and the Rate chosen, written
-- before the Transaction (the purchase) is requested, so a retry after a lost answer lists the
-- transactions of that rate and finds the one it bought instead of buying a second label.
CREATE TABLE IF NOT EXISTS shippo_label_requests (
    request_id      VARCHAR(60)   NOT NULL PRIMARY KEY,
    shipment_id     VARCHAR(64)   NOT NULL,
    rate_id         VARCHAR(64)   NOT NULL,
    transaction_id  VARCHAR(64),
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
