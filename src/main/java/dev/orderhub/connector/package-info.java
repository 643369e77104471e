/**
 * The connector SPI and the toolkit connectors share: the only part of the core a connector
 * under {@code connectors/<name>/} may use (enforced by ConnectorBoundaryTest).
 *
 * <p>A connector implements the capabilities its manifest declares ({@link OrdersIn},
 * {@link StockOut}, {@link ShipmentConfirmation}, {@link FulfilmentService}, {@link ChannelStockIn},
 * {@link CancelOut}, {@link ListingsIn}, {@link ReturnsIn}) and returns typed results; the core
 * calls them from its flows and owns what follows: cursors, retries and backoff, leases,
 * exceptions, and every core table. A connector that is pushed to (webhooks, notifications)
 * hands what it received to {@link ChannelIntake}, a fulfilment target the stock its remote
 * counted to {@link TargetStock}; a problem a person must see goes to {@link ChannelProblems}.
 */
package dev.orderhub.connector;
