-- Bulk stock updates sent to Amazon as JSON_LISTINGS_FEED: followed until Amazon has processed
-- them, so the per-sku errors of the processing report come back as exceptions.
CREATE TABLE amazon_feeds (
    feed_id      VARCHAR(100)  NOT NULL PRIMARY KEY,
    channel      VARCHAR(100)  NOT NULL,
    messages     VARCHAR(1000000) NOT NULL,
    status       VARCHAR(20)   NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at  TIMESTAMP WITH TIME ZONE,
    errors       INTEGER
);
CREATE INDEX amazon_feeds_open ON amazon_feeds (status, created_at);
