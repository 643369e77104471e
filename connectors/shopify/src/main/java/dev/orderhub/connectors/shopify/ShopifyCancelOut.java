package dev.orderhub.connectors.shopify;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.connector.CancelOut;
import dev.orderhub.connector.RetryLater;
import org.springframework.stereotype.Component;

/**
 * Cancel out ({@code cancel-out}): {@code orderCancel}, which Shopify runs asynchronously: it
 * answers a {@code Job}, followed with {@code job(id) { done }} for a few seconds; a job still
 * running then is remembered and followed on the core's next try, instead of cancelling again.
 * {@code restock: false}, because the hub owns the stock and pushes the quantity itself (a
 * Shopify restock would be counted twice until the next push); the buyer is refunded to the
 * original payment methods. A refusal ({@code orderCancelUserErrors}) is the channel's reason,
 * except that an order already cancelled on Shopify counts as done.
 */
@Component
public class ShopifyCancelOut implements CancelOut {

    static final String OPERATION = "orderCancel";
    static final String JOB = "job";
    /** How long one call follows the job before leaving it to the core's next try. */
    static final Duration FOLLOW = Duration.ofSeconds(5);

    static final String CANCEL_MUTATION = """
            mutation Cancel($orderId: ID!, $reason: OrderCancelReason!, $notify: Boolean, $note: String) {
              orderCancel(orderId: $orderId, reason: $reason, restock: false, notifyCustomer: $notify, staffNote: $note,
                          refundMethod: {originalPaymentMethodsRefund: true}) {
                job { id done }
                orderCancelUserErrors { code field message }
              }
            }""";

    static final String JOB_QUERY = """
            query Job($id: ID!) { job(id: $id) { id done } }""";

    static final String CANCELLED_QUERY = """
            query Cancelled($id: ID!) { order(id: $id) { id cancelledAt } }""";

    private final ShopifyAccounts accounts;
    /** Cancel jobs still running, by channel and order. */
    private final Map<String, String> running = new ConcurrentHashMap<>();

    public ShopifyCancelOut(ShopifyAccounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public String connector() {
        return ShopifyAccounts.CONNECTOR;
    }

    @Override
    public boolean serves(String channel) {
        return accounts.serves(channel);
    }

    @Override
    public String cancel(String channel, String channelOrderId, String reason) {
        ShopifyAccounts.Account account = accounts.get(channel);
        String orderGid = ShopifyAccounts.gid("Order", channelOrderId);
        String jobId = running.get(channel + " " + channelOrderId);
        if (jobId == null) {
            Map<String, Object> variables = new LinkedHashMap<>();
            variables.put("orderId", orderGid);
            variables.put("reason", reason(reason));
            variables.put("notify", account.notifyCustomer());
            variables.put("note", reason == null ? "cancelled in orderhub" : "orderhub: " + reason);
            JsonNode payload = accounts.graphql(account, OPERATION, CANCEL_MUTATION, variables, null).path("orderCancel");
            JsonNode errors = payload.path("orderCancelUserErrors");
            if (!errors.isEmpty()) {
                if (!"NOT_FOUND".equals(errors.get(0).path("code").asText()) && cancelledOnShopify(account, orderGid)) {
                    return null; // an earlier try got through, its answer did not
                }
                return ShopifyAccounts.userErrors(errors);
            }
            jobId = payload.path("job").path("id").asText();
            if (payload.path("job").path("done").asBoolean()) {
                return null;
            }
        }
        long until = System.nanoTime() + FOLLOW.toNanos();
        long wait = 100;
        while (true) {
            JsonNode job = accounts.graphql(account, JOB, JOB_QUERY, Map.of("id", jobId), "job-" + jobId).path("job");
            if (job.path("done").asBoolean() || job.isNull()) {
                running.remove(channel + " " + channelOrderId);
                return null;
            }
            if (System.nanoTime() + wait * 1_000_000 > until) {
                running.put(channel + " " + channelOrderId, jobId);
                throw new RetryLater(Duration.ofSeconds(2), "channel " + channel + ": Shopify's cancel job " + jobId
                        + " for order " + channelOrderId + " is still running");
            }
            pause(wait);
            wait = Math.min(1000, wait * 2);
        }
    }

    private boolean cancelledOnShopify(ShopifyAccounts.Account account, String orderGid) {
        JsonNode order = accounts.graphql(account, JOB, CANCELLED_QUERY, Map.of("id", orderGid), "cancelled-" + orderGid).path("order");
        return order.isObject() && !order.path("cancelledAt").isNull() && !order.path("cancelledAt").isMissingNode();
    }

    /** The hub's free-text reason as Shopify's OrderCancelReason; the text itself goes in the staff note. */
    static String reason(String reason) {
        String text = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
        if (text.contains("stock") || text.contains("inventory")) {
            return "INVENTORY";
        }
        if (text.contains("fraud")) {
            return "FRAUD";
        }
        if (text.contains("customer") || text.contains("buyer")) {
            return "CUSTOMER";
        }
        if (text.contains("declin") || text.contains("payment")) {
            return "DECLINED";
        }
        return "OTHER";
    }

    /** The job runs at Shopify; this thread waits between looks (bounded by FOLLOW), it synchronises nothing. */
    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryLater(Duration.ZERO, "interrupted while following a Shopify cancel job");
        }
    }
}
