-- Personal data retention and erasure (docs/privacy-and-logs.md): when an order's buyer name,
-- email and street address were erased (by the retention job or a buyer's request). The rest
-- of the order (lines, prices, taxes, totals, dates, statuses, shipments, country, region)
-- stays for accounting and KPIs.
ALTER TABLE orders ADD COLUMN personal_data_erased_at TIMESTAMP WITH TIME ZONE;
-- The retention job looks for finished orders of a channel not yet erased, oldest first.
CREATE INDEX orders_erasure_due ON orders (channel, personal_data_erased_at, status, updated_at);
