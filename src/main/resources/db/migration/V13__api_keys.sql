-- API keys: only a SHA-256 hash of each key is stored; the key itself is shown once, when it
-- is created or rotated. A revoked key stays listed (who had access, until when).
CREATE TABLE api_keys (
    id           VARCHAR(40)   NOT NULL PRIMARY KEY,
    name         VARCHAR(100)  NOT NULL,
    role         VARCHAR(20)   NOT NULL,
    channels     VARCHAR(1000),
    key_hash     VARCHAR(64)   NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    rotated_at   TIMESTAMP WITH TIME ZONE,
    revoked_at   TIMESTAMP WITH TIME ZONE
);
CREATE UNIQUE INDEX api_keys_hash ON api_keys (key_hash);
