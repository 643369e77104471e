-- The listings each channel has for the seller, as its connector reads them (listings in):
-- under which listing sku a hub sku is listed, who fulfils it (MERCHANT: the seller, from the
-- hub's locations; CHANNEL: the channel's own network, e.g. FBA) and its state. Stock is
-- pushed only for ACTIVE or INACTIVE merchant-fulfilled listings a channel has.
CREATE TABLE listings (
    channel       VARCHAR(100) NOT NULL,
    listing_sku   VARCHAR(200) NOT NULL,
    sku           VARCHAR(200) NOT NULL,
    fulfilled_by  VARCHAR(16)  NOT NULL,
    state         VARCHAR(32)  NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (channel, listing_sku)
);
CREATE INDEX listings_by_sku ON listings (channel, sku);
