-- Cancellations the hub owes a channel (capability cancel-out): an order the seller cancelled in
-- the hub whose channel's connector can cancel there. Sent by route cancel-out until the channel
-- accepts (DONE) or refuses (REFUSED, raised as an exception); never for a cancellation that came
-- from the channel itself.
CREATE TABLE channel_cancellations (
    hub_order_id     VARCHAR(40)   NOT NULL PRIMARY KEY,
    channel          VARCHAR(100)  NOT NULL,
    channel_order_id VARCHAR(100)  NOT NULL,
    reason           VARCHAR(500),
    status           VARCHAR(20)   NOT NULL,
    attempts         INTEGER       NOT NULL,
    next_attempt_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    last_error       VARCHAR(2000),
    done_at          TIMESTAMP WITH TIME ZONE
);
CREATE INDEX channel_cancellations_due ON channel_cancellations (status, next_attempt_at);
