-- The ShipBob connector's own tables (its Flyway history: flyway_history_shipbob).

-- Each order sent to ShipBob. SENDING: recorded before the POST (whether ShipBob has it is not
-- known until it answers, so a later send looks it up by reference_id first); SENT: ShipBob's
-- order id is known; CANCELLED: ShipBob cancelled it at the hub's request. remote_status is
-- ShipBob's order status as last seen (webhook or poll).
CREATE TABLE shipbob_orders (
    hub_order_id     VARCHAR(40)  NOT NULL PRIMARY KEY,
    account          VARCHAR(64)  NOT NULL,
    shipbob_order_id BIGINT,
    status           VARCHAR(20)  NOT NULL,
    remote_status    VARCHAR(40),
    remote_detail    VARCHAR(500),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX shipbob_orders_open ON shipbob_orders (status, updated_at);

-- The lines of each order sent: what a shipment's products are matched with (by sku).
CREATE TABLE shipbob_order_lines (
    hub_order_id   VARCHAR(40)  NOT NULL,
    line_no        INTEGER      NOT NULL,
    line_id        VARCHAR(100) NOT NULL,
    sku            VARCHAR(100) NOT NULL,
    qty            INTEGER      NOT NULL,
    PRIMARY KEY (hub_order_id, line_no),
    CONSTRAINT shipbob_order_lines_order FOREIGN KEY (hub_order_id) REFERENCES shipbob_orders (hub_order_id)
);

-- Each ShipBob shipment of an order, as last seen. A shipment with a tracking number that
-- ShipBob completed is a parcel: its lines (below) are fixed when it is first recorded;
-- delivered_at is set once, from order.shipment.delivered or the shipment's delivery_date.
CREATE TABLE shipbob_shipments (
    shipment_id     BIGINT       NOT NULL PRIMARY KEY,
    hub_order_id    VARCHAR(40)  NOT NULL,
    status          VARCHAR(40)  NOT NULL,
    carrier         VARCHAR(100),
    service         VARCHAR(100),
    tracking_number VARCHAR(100),
    shipped_at      TIMESTAMP WITH TIME ZONE,
    delivered_at    TIMESTAMP WITH TIME ZONE,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT shipbob_shipments_order FOREIGN KEY (hub_order_id) REFERENCES shipbob_orders (hub_order_id)
);

CREATE INDEX shipbob_shipments_by_order ON shipbob_shipments (hub_order_id);

-- The hub order lines each parcel holds: what follow() answers.
CREATE TABLE shipbob_parcel_lines (
    shipment_id    BIGINT       NOT NULL,
    line_id        VARCHAR(100) NOT NULL,
    qty            INTEGER      NOT NULL,
    PRIMARY KEY (shipment_id, line_id),
    CONSTRAINT shipbob_parcel_lines_shipment FOREIGN KEY (shipment_id) REFERENCES shipbob_shipments (shipment_id)
);

-- Every webhook delivery taken (its webhook-id), recorded in the same transaction as its
-- effects: the same delivery again (ShipBob retries until it gets a 2xx) changes nothing.
CREATE TABLE shipbob_deliveries (
    delivery_id    VARCHAR(100) NOT NULL PRIMARY KEY,
    topic          VARCHAR(60)  NOT NULL,
    hub_order_id   VARCHAR(40),
    received_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
