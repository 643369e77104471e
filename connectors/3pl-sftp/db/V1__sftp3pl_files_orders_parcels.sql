-- The 3PL-over-SFTP connector's own tables (its Flyway history: flyway_history_3pl_sftp).

-- Each order written for the 3PL: its file (the name and the SHA-256 of the content, both a
-- function of the hub order id and the order alone) and where it is. WRITING: recorded before
-- the upload; SENT: the file is in the 3PL's folder under its final name; CANCEL_SENT: the
-- cancel file too.
CREATE TABLE sftp3pl_orders (
    hub_order_id   VARCHAR(40)  NOT NULL PRIMARY KEY,
    account        VARCHAR(64)  NOT NULL,
    file_name      VARCHAR(100) NOT NULL,
    checksum       VARCHAR(64)  NOT NULL,
    status         VARCHAR(20)  NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The lines of each order written: what a shipment confirmation is checked against.
CREATE TABLE sftp3pl_order_lines (
    hub_order_id   VARCHAR(40)  NOT NULL,
    line_id        VARCHAR(100) NOT NULL,
    sku            VARCHAR(100) NOT NULL,
    qty            INTEGER      NOT NULL,
    PRIMARY KEY (hub_order_id, line_id),
    CONSTRAINT sftp3pl_order_lines_order FOREIGN KEY (hub_order_id) REFERENCES sftp3pl_orders (hub_order_id)
);

-- Every file taken from the 3PL's inbound folder, recorded in the same transaction as its
-- effects (parcels, counts, problems raised): the same file seen again (a crash between the
-- commit and the move on the server) is recognised by name, modification time and checksum,
-- and only moved.
CREATE TABLE sftp3pl_files (
    account        VARCHAR(64)  NOT NULL,
    file_name      VARCHAR(255) NOT NULL,
    modified_ms    BIGINT       NOT NULL,
    checksum       VARCHAR(64)  NOT NULL,
    size_bytes     BIGINT       NOT NULL,
    kind           VARCHAR(20)  NOT NULL,
    rows_taken     INTEGER      NOT NULL,
    rows_refused   INTEGER      NOT NULL,
    taken_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (account, file_name, modified_ms, checksum)
);

-- The parcels the 3PL confirmed, one row per parcel and order line: what follow() answers.
CREATE TABLE sftp3pl_parcel_lines (
    hub_order_id    VARCHAR(40)  NOT NULL,
    tracking_number VARCHAR(100) NOT NULL,
    line_id         VARCHAR(100) NOT NULL,
    qty             INTEGER      NOT NULL,
    carrier         VARCHAR(100) NOT NULL,
    service         VARCHAR(100),
    shipped_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    file_name       VARCHAR(255) NOT NULL,
    line_no         INTEGER      NOT NULL,
    PRIMARY KEY (hub_order_id, tracking_number, line_id),
    CONSTRAINT sftp3pl_parcel_lines_order FOREIGN KEY (hub_order_id) REFERENCES sftp3pl_orders (hub_order_id)
);

-- The newest count taken per sku at the 3PL's location: an older count arriving later is not applied.
CREATE TABLE sftp3pl_stock_counts (
    location       VARCHAR(64)  NOT NULL,
    sku            VARCHAR(100) NOT NULL,
    on_hand        BIGINT       NOT NULL,
    counted_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    file_name      VARCHAR(255) NOT NULL,
    PRIMARY KEY (location, sku)
);
