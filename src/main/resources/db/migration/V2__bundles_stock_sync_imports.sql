-- Bundles (kits): a bundle sku is made of component skus; it is never stocked itself.
CREATE TABLE bundle_components (
    bundle_sku     VARCHAR(100) NOT NULL,
    component_sku  VARCHAR(100) NOT NULL,
    qty            INT          NOT NULL,
    PRIMARY KEY (bundle_sku, component_sku),
    CONSTRAINT bundle_components_qty_positive CHECK (qty > 0)
);
CREATE INDEX bundle_components_component ON bundle_components (component_sku);

-- Available-to-sell per (channel, sku): the value the hub wants the channel to show (ats,
-- version) and the value the channel last accepted (pushed_value, pushed_version). A row is
-- pending while version > pushed_version. Shared by all hub instances.
CREATE TABLE channel_stock (
    channel          VARCHAR(64)  NOT NULL,
    sku              VARCHAR(100) NOT NULL,
    ats              BIGINT       NOT NULL,
    version          BIGINT       NOT NULL,
    urgent           BOOLEAN      NOT NULL,
    changed_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    pushed_value     BIGINT,
    pushed_version   BIGINT       NOT NULL DEFAULT 0,
    pushed_at        TIMESTAMP WITH TIME ZONE,
    attempts         INT          NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    claimed_until    TIMESTAMP WITH TIME ZONE,
    last_error       VARCHAR(500),
    PRIMARY KEY (channel, sku)
);
CREATE INDEX channel_stock_due ON channel_stock (channel, next_attempt_at);

-- Token buckets per (channel, operation), shared by all hub instances. Times in epoch millis.
CREATE TABLE rate_buckets (
    bucket            VARCHAR(150) NOT NULL PRIMARY KEY,
    tokens            DOUBLE PRECISION NOT NULL,
    updated_ms        BIGINT NOT NULL,
    blocked_until_ms  BIGINT NOT NULL
);

-- Bulk stock imports and their progress.
CREATE TABLE stock_imports (
    id           VARCHAR(36)  NOT NULL PRIMARY KEY,
    status       VARCHAR(16)  NOT NULL,
    rows_total   INT          NOT NULL,
    rows_done    INT          NOT NULL,
    rejected     VARCHAR(1000000) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at  TIMESTAMP WITH TIME ZONE
);

-- Who changed stock (the API caller's X-Actor, an import, an order).
ALTER TABLE stock_movements ADD COLUMN actor VARCHAR(100);
