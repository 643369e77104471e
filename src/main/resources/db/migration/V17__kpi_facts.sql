-- What the marketplace KPIs are computed from (docs/kpis-and-alerts.md): who cancelled an order and when
-- (SELLER, BUYER or CHANNEL), when a parcel was delivered, whether its tracking number is valid
-- for its carrier (decided when the parcel is recorded), and the figures a marketplace reports
-- about the seller itself (shown next to the hub's own).
ALTER TABLE orders ADD COLUMN cancelled_by VARCHAR(16);
ALTER TABLE orders ADD COLUMN cancelled_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE shipments ADD COLUMN delivered_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE shipments ADD COLUMN tracking_valid BOOLEAN;
CREATE INDEX shipments_shipped_at ON shipments (shipped_at);
CREATE INDEX shipments_delivered_at ON shipments (delivered_at);

CREATE TABLE kpi_reported (
    channel      VARCHAR(64)  NOT NULL,
    kpi          VARCHAR(32)  NOT NULL,
    rate         DOUBLE PRECISION NOT NULL,
    period       VARCHAR(16),
    reported_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    recorded_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (channel, kpi)
);
