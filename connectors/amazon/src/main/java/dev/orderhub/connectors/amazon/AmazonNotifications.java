package dev.orderhub.connectors.amazon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.connector.ChannelIntake;
import dev.orderhub.connector.ChannelOrder;
import dev.orderhub.connector.InvalidInput;
import org.springframework.stereotype.Component;

/**
 * ORDER_CHANGE notifications (schemas/notifications/OrderChangeNotification.json), delivered to
 * the queue amazon.notifications by whatever bridges Amazon's destination (SQS, EventBridge)
 * to the broker: the faster trigger, with polling as the backstop. The order named is read at
 * once with getOrder and handed to the hub's intake like a polled one; a buyer's cancellation
 * request (in the notification or in the order's cancellation data) becomes a cancel request.
 * A message that is not such a notification is refused with the reason; the route parks it.
 */
@Component("amazonNotifications")
public class AmazonNotifications {

    private final AmazonAccounts accounts;
    private final AmazonOrders orders;
    private final ChannelIntake intake;
    private final ObjectMapper json;

    public AmazonNotifications(AmazonAccounts accounts, AmazonOrders orders, ChannelIntake intake, ObjectMapper json) {
        this.accounts = accounts;
        this.orders = orders;
        this.intake = intake;
        this.json = json;
    }

    public String accept(String message) {
        JsonNode notification;
        try {
            notification = json.readTree(message);
        } catch (JsonProcessingException e) {
            throw new InvalidInput("notification: not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (notification == null || !"ORDER_CHANGE".equals(notification.path("NotificationType").asText())) {
            throw new InvalidInput("notification: NotificationType must be ORDER_CHANGE, was "
                    + (notification == null ? "nothing" : notification.path("NotificationType")));
        }
        JsonNode change = notification.path("Payload").path("OrderChangeNotification");
        String orderId = change.path("AmazonOrderId").asText("");
        String marketplace = change.path("Summary").path("MarketplaceId").asText("");
        if (orderId.isBlank() || marketplace.isBlank()) {
            throw new InvalidInput("notification: Payload.OrderChangeNotification needs AmazonOrderId and "
                    + "Summary.MarketplaceId");
        }
        String channel = accounts.forMarketplace(marketplace).map(AmazonAccounts.Account::channel)
                .orElseThrow(() -> new InvalidInput("notification: no Amazon account sells on marketplace " + marketplace));
        ChannelOrder order = orders.readOne(channel, orderId);
        boolean cancelRequested = false;
        for (JsonNode item : change.path("Summary").path("OrderItems")) {
            cancelRequested |= item.path("IsBuyerRequestedCancel").asBoolean(false);
        }
        if (cancelRequested && order instanceof ChannelOrder.Placed placed) {
            order = new ChannelOrder.CancelRequested(orderId,
                    change.path("OrderChangeTrigger").path("ChangeReason").asText(null), placed);
        }
        return intake.take(channel, order).name();
    }
}
