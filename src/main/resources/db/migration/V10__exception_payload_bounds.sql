-- The exception store keeps every message the hub cannot process, whatever its size or type:
-- a payload over the store's bound is kept truncated, bytes that are not UTF-8 as base64, and
-- characters PostgreSQL cannot hold (NUL) escaped. These columns say which, and how large the
-- original was, so nobody mistakes a kept part for the whole (and replay refuses it).
ALTER TABLE exceptions ADD COLUMN payload_size BIGINT;
ALTER TABLE exceptions ADD COLUMN payload_truncated BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE exceptions ADD COLUMN payload_encoding VARCHAR(16) DEFAULT 'text' NOT NULL;
