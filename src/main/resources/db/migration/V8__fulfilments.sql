-- Orders sent to a fulfilment target (a 3PL, Amazon Multi-Channel Fulfilment): one row per
-- order, worked off by the target's connector; sent, followed to shipment, or cancelled.
CREATE TABLE fulfilments (
    hub_order_id     VARCHAR(40)   NOT NULL PRIMARY KEY,
    target           VARCHAR(100)  NOT NULL,
    status           VARCHAR(20)   NOT NULL,
    attempts         INTEGER       NOT NULL,
    next_attempt_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    last_error       VARCHAR(2000),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT fulfilments_order FOREIGN KEY (hub_order_id) REFERENCES orders (hub_order_id)
);
CREATE INDEX fulfilments_due ON fulfilments (target, status, next_attempt_at);
