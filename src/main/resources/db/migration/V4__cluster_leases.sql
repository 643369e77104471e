-- Leases on the shared database: a poller that must run once per cluster (outbox relay, stock
-- pusher, reconciliation) runs only on the instance holding its lease. A holder renews it
-- while alive; an expired lease is taken over by the next instance that asks.
CREATE TABLE cluster_leases (
    name        VARCHAR(100) PRIMARY KEY,
    holder      VARCHAR(200) NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
