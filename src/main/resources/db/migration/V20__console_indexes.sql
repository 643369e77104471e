-- The console's lists and the order timeline (docs/console.md): orders of one channel newest
-- first, orders placed in a period, orders at risk of shipping late, and the events the hub
-- wrote for an order (the outbox keeps them for keep-published-hours).
CREATE INDEX orders_channel_seq ON orders (channel, seq);
CREATE INDEX orders_placed_at ON orders (placed_at);
CREATE INDEX orders_ship_by ON orders (ship_by);
CREATE INDEX outbox_group_key ON outbox (group_key, id);
