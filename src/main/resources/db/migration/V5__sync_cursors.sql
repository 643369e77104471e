-- Where a connector's polling stands per channel (e.g. the last-updated time up to which a
-- marketplace's orders have been read), so a restart or another instance continues from there.
CREATE TABLE sync_cursors (
    channel     VARCHAR(100) NOT NULL,
    name        VARCHAR(100) NOT NULL,
    cursor_value VARCHAR(2000) NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (channel, name)
);
