-- When the broker took the order onto the intake queue (the message's JMS timestamp): with
-- received_at it gives each order's intake lag, accepted -> imported.
ALTER TABLE orders ADD COLUMN accepted_at TIMESTAMP WITH TIME ZONE;
