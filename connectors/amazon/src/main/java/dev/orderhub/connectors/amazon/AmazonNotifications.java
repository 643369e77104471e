package dev.orderhub.connectors.amazon;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.order.HubOrderIds;
import dev.orderhub.order.InvalidOrderException;
import dev.orderhub.order.OrderService;
import org.springframework.stereotype.Component;

/**
 * ORDER_CHANGE notifications (schemas/notifications/OrderChangeNotification.json), delivered to
 * the queue amazon.notifications by whatever bridges Amazon's destination (SQS, EventBridge)
 * to the broker: the faster trigger, with polling as the backstop. The order named is read at
 * once with getOrder and taken like a polled one; a buyer's cancellation request on an order
 * the seller still has to ship is recorded on the hub order and raised as an alert. A message
 * that is not such a notification is parked with the reason (route amazon-notifications).
 */
@Component("amazonNotifications")
public class AmazonNotifications {

    private final AmazonProperties properties;
    private final AmazonOrders orders;
    private final OrderService hubOrders;
    private final ObjectMapper json;

    public AmazonNotifications(AmazonProperties properties, AmazonOrders orders, OrderService hubOrders, ObjectMapper json) {
        this.properties = properties;
        this.orders = orders;
        this.hubOrders = hubOrders;
        this.json = json;
    }

    public String accept(String message) {
        JsonNode notification;
        try {
            notification = json.readTree(message);
        } catch (JsonProcessingException e) {
            throw new InvalidOrderException("notification: not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (notification == null || !"ORDER_CHANGE".equals(notification.path("NotificationType").asText())) {
            throw new InvalidOrderException("notification: NotificationType must be ORDER_CHANGE, was "
                    + (notification == null ? "nothing" : notification.path("NotificationType")));
        }
        JsonNode change = notification.path("Payload").path("OrderChangeNotification");
        String orderId = change.path("AmazonOrderId").asText("");
        String marketplace = change.path("Summary").path("MarketplaceId").asText("");
        if (orderId.isBlank() || marketplace.isBlank()) {
            throw new InvalidOrderException("notification: Payload.OrderChangeNotification needs AmazonOrderId and "
                    + "Summary.MarketplaceId");
        }
        String channel = properties.accounts().entrySet().stream()
                .filter(account -> account.getValue().marketplaceIds() != null && account.getValue().marketplaceIds().contains(marketplace))
                .map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new InvalidOrderException("notification: no Amazon account sells on marketplace " + marketplace));
        String outcome = orders.refresh(channel, orderId);
        boolean cancelRequested = false;
        for (JsonNode item : change.path("Summary").path("OrderItems")) {
            cancelRequested |= item.path("IsBuyerRequestedCancel").asBoolean(false);
        }
        if (cancelRequested) {
            hubOrders.flag(HubOrderIds.of(channel, orderId), "BUYER_CANCEL_REQUESTED", "amazon.buyer_cancel_requested",
                    "the buyer asked Amazon to cancel order " + orderId + " ("
                            + change.path("OrderChangeTrigger").path("ChangeReason").asText("no reason given")
                            + "): cancel it in Seller Central before it ships");
        }
        return outcome;
    }
}
