-- The Amazon connector's own table (its Flyway history: flyway_history_amazon). IF NOT EXISTS: a
-- database from before connectors had their own migrations has it from the core's old V7.
-- Bulk stock updates sent to Amazon as JSON_LISTINGS_FEED: followed until Amazon has processed
-- them, so the per-sku errors of the processing report come back as exceptions.
CREATE TABLE IF NOT EXISTS amazon_feeds (
    feed_id      VARCHAR(100)  NOT NULL PRIMARY KEY,
    channel      VARCHAR(100)  NOT NULL,
    messages     VARCHAR(1000000) NOT NULL,
    status       VARCHAR(20)   NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at  TIMESTAMP WITH TIME ZONE,
    errors       INTEGER
);
CREATE INDEX IF NOT EXISTS amazon_feeds_open ON amazon_feeds (status, created_at);
