-- Shipping labels bought from a carrier connector (capability carrier-labels) for a
-- merchant-shipped parcel. A row is written PENDING before the carrier is asked, and its id is
-- the request id the connector buys under: asking again for the order while a label is PENDING
-- reuses that row, so the carrier finds what it already bought; attempt_at is set while a request
-- is asking the carrier (a second one meanwhile is refused rather than sent alongside). BOUGHT rows hold the label (the
-- PDF, at most 4 MiB, or only its URL) and the shipment recorded for it.
CREATE TABLE carrier_labels (
    label_id         VARCHAR(40)   NOT NULL PRIMARY KEY,
    hub_order_id     VARCHAR(40)   NOT NULL,
    connector        VARCHAR(60)   NOT NULL,
    status           VARCHAR(20)   NOT NULL,
    request          VARCHAR(2000) NOT NULL,
    carrier          VARCHAR(100),
    service          VARCHAR(100),
    tracking_number  VARCHAR(100),
    transaction_id   VARCHAR(100),
    label_url        VARCHAR(2000),
    pdf              BYTEA,
    shipment_id      VARCHAR(40),
    last_error       VARCHAR(2000),
    attempt_at       TIMESTAMP WITH TIME ZONE,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    bought_at        TIMESTAMP WITH TIME ZONE,
    CONSTRAINT carrier_labels_order FOREIGN KEY (hub_order_id) REFERENCES orders (hub_order_id),
    CONSTRAINT carrier_labels_status CHECK (status IN ('PENDING', 'BOUGHT', 'REFUSED'))
);
CREATE INDEX carrier_labels_by_order ON carrier_labels (hub_order_id, created_at);
CREATE INDEX carrier_labels_by_transaction ON carrier_labels (connector, transaction_id);

-- Tracking events a carrier pushed for a parcel: one row per (shipment, status, time), so the
-- same event delivered twice is taken once.
CREATE TABLE carrier_tracking_events (
    shipment_id   VARCHAR(40)   NOT NULL,
    status        VARCHAR(20)   NOT NULL,
    status_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    detail        VARCHAR(300),
    received_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (shipment_id, status, status_at),
    CONSTRAINT carrier_tracking_events_shipment FOREIGN KEY (shipment_id) REFERENCES shipments (shipment_id)
);
