-- Webhook deliveries a channel's connector verified (POST /api/channels/{channel}/webhooks/{connector}):
-- one row per (channel, the remote's delivery id), so a delivery sent again is not taken twice.
-- Pruned by age (orderhub.retention.webhook-deliveries-days).
CREATE TABLE webhook_deliveries (
    channel      VARCHAR(64)  NOT NULL,
    delivery_id  VARCHAR(128) NOT NULL,
    topic        VARCHAR(64),
    received_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (channel, delivery_id)
);
CREATE INDEX webhook_deliveries_received ON webhook_deliveries (received_at);
