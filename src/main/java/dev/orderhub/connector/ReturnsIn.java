package dev.orderhub.connector;

import java.util.List;

/**
 * Capability {@code returns} (slot): returns the channel reports, page by page. No connector
 * implements it yet; the flow that takes returns (RMA, refunds) comes with fulfilment.
 */
public interface ReturnsIn extends ConnectorCapability {

    ReturnsPage read(String channel, String cursor, String page);

    record Return(String channelOrderId, String channelReturnId, List<Line> lines, String reason) {
    }

    record Line(String lineId, int qty) {
    }

    record ReturnsPage(List<Return> returns, String nextPage, String cursor) {
    }
}
