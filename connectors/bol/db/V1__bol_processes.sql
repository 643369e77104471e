-- The bol connector's own tables (Flyway history flyway_history_bol); H2 and PostgreSQL.
-- Every PUT/POST at bol is asynchronous: it answers a process status that ends SUCCESS, FAILURE
-- or TIMEOUT later. One row per action the hub asked for (a shipment by its hub id, a cancelled
-- order item, the offer export), written before the request is sent, so a retry after a lost
-- answer follows the process already started instead of sending the action a second time.
CREATE TABLE IF NOT EXISTS bol_processes (
    channel            VARCHAR(100)  NOT NULL,
    action             VARCHAR(20)   NOT NULL,
    reference          VARCHAR(200)  NOT NULL,
    process_status_id  VARCHAR(100),
    entity_id          VARCHAR(200),
    status             VARCHAR(20)   NOT NULL,
    error_message      VARCHAR(2000),
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (channel, action, reference)
);
-- The seller's offers as the last offer export listed them: the offer id the stock endpoint
-- needs for the reference (the hub's listing sku).
CREATE TABLE IF NOT EXISTS bol_offers (
    channel      VARCHAR(100)  NOT NULL,
    reference    VARCHAR(200)  NOT NULL,
    offer_id     VARCHAR(100)  NOT NULL,
    ean          VARCHAR(20),
    fulfilment   VARCHAR(10)   NOT NULL,
    PRIMARY KEY (channel, reference)
);
