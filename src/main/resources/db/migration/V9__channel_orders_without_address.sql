-- Orders the channel fulfils itself (FBA and the like) are recorded for the record, and the
-- channel may withhold the address (Amazon does without a Restricted Data Token): the
-- address columns take NULL. Every other order still needs one (the validator says so).
ALTER TABLE orders ALTER COLUMN ship_to_name DROP NOT NULL;
ALTER TABLE orders ALTER COLUMN ship_to_line1 DROP NOT NULL;
ALTER TABLE orders ALTER COLUMN ship_to_city DROP NOT NULL;
ALTER TABLE orders ALTER COLUMN ship_to_postal DROP NOT NULL;
ALTER TABLE orders ALTER COLUMN ship_to_country DROP NOT NULL;
