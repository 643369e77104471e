package dev.orderhub.connectors.shipbob;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.connector.ChannelProblems;
import dev.orderhub.connector.RetryLater;
import dev.orderhub.connector.TargetStock;
import dev.orderhub.connector.http.HttpAnswer;
import dev.orderhub.connector.http.HttpCall;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The account's polls (routes shipbob-shipments and shipbob-stock). Shipments: the orders still
 * open at ShipBob, 50 ids a request ({@code GET /order?IDs=}), least recently seen first, each
 * applied under its order's lock as a webhook is, so a parcel a webhook brought is not brought
 * twice. Stock: every inventory level ({@code GET /inventory-level}, following its {@code next}
 * links), each item's {@code total_on_hand_quantity} counted at the account's location through
 * {@link TargetStock} (units ShipBob holds for orders not yet shipped are on hand, as the hub's
 * own reservations are). A poll that fails is logged and tried at the next period.
 */
@Component("shipBobPoll")
public class ShipBobPoll {

    static final int IDS_PER_REQUEST = 50;
    static final int MAX_REQUESTS = 20;
    static final int MAX_PAGES = 200;
    private static final Logger LOG = LoggerFactory.getLogger(ShipBobPoll.class);

    private final ShipBobAccounts accounts;
    private final ShipBobRecords records;
    private final ShipBobShipments shipments;
    private final TargetStock stock;
    private final ChannelProblems problems;
    private final TransactionTemplate transaction;

    public ShipBobPoll(ShipBobAccounts accounts, ShipBobRecords records, ShipBobShipments shipments, TargetStock stock,
                       ChannelProblems problems, PlatformTransactionManager transactions) {
        this.accounts = accounts;
        this.records = records;
        this.shipments = shipments;
        this.stock = stock;
        this.problems = problems;
        this.transaction = new TransactionTemplate(transactions);
    }

    /** One round over the open orders; answers how many orders ShipBob answered for. */
    public int shipments() {
        ShipBobAccounts.Account account = accounts.account().orElse(null);
        if (account == null) {
            return 0;
        }
        Set<String> seen = new HashSet<>();
        int answered = 0;
        try {
            for (int request = 0; request < MAX_REQUESTS; request++) {
                List<ShipBobRecords.SentOrder> batch = records.open(IDS_PER_REQUEST).stream()
                        .filter(o -> !seen.contains(o.hubOrderId())).toList();
                if (batch.isEmpty()) {
                    break;
                }
                Set<String> asked = new HashSet<>();
                batch.forEach(o -> asked.add(o.hubOrderId()));
                seen.addAll(asked);
                List<Long> ids = batch.stream().map(ShipBobRecords.SentOrder::shipbobOrderId).toList();
                HttpAnswer answer = account.api().send(account.policies().get("find-orders"), HttpCall.get(ShipBobFulfilment.API
                        + "/order").query("IDs", ids).query("Limit", 250)
                        .header("shipbob_channel_id", String.valueOf(account.channelId())));
                if (!answer.ok()) {
                    LOG.warn("ShipBob answered {} to reading {} open orders: tried again at the next poll", answer.status(), ids.size());
                    return answered;
                }
                for (JsonNode order : answer.json()) {
                    String reference = ShipBobShipments.text(order.path("reference_id"), 300);
                    if (reference == null || !asked.contains(reference)) {
                        continue;
                    }
                    transaction.executeWithoutResult(status -> {
                        if (records.lockOrder(reference).isPresent()) {
                            shipments.order(account.channel(), reference, order, false);
                        }
                    });
                    answered++;
                }
                transaction.executeWithoutResult(status -> batch.forEach(o -> records.touch(o.hubOrderId())));
                if (batch.size() < IDS_PER_REQUEST) {
                    break;
                }
            }
        } catch (RetryLater e) {
            LOG.warn("ShipBob shipment poll stopped: {}", e.getMessage());
        }
        return answered;
    }

    /** One read of every inventory level; answers how many counts were applied. */
    public int stock() {
        ShipBobAccounts.Account account = accounts.account().orElse(null);
        if (account == null) {
            return 0;
        }
        int applied = 0;
        List<String> refused = new ArrayList<>();
        HttpCall call = HttpCall.get(ShipBobFulfilment.API + "/inventory-level").query("PageSize", 250);
        try {
            for (int page = 0; page < MAX_PAGES && call != null; page++) {
                HttpAnswer answer = account.api().send(account.policies().get("inventory-levels"), call);
                if (!answer.ok()) {
                    LOG.warn("ShipBob answered {} to reading inventory levels: tried again at the next poll", answer.status());
                    break;
                }
                for (JsonNode item : answer.json().path("items")) {
                    String sku = ShipBobShipments.text(item.path("sku"), 200);
                    JsonNode quantity = item.path("total_on_hand_quantity");
                    if (sku == null || !quantity.canConvertToLong()) {
                        refused.add("inventory " + item.path("inventory_id").asText("?") + ": no sku or total_on_hand_quantity");
                        continue;
                    }
                    String reason = "ShipBob inventory level of inventory " + item.path("inventory_id").asText("?");
                    String refusal = transaction.execute(status -> stock.counted(ShipBobAccounts.CONNECTOR, account.location(), sku,
                            quantity.asLong(), reason));
                    if (refusal == null) {
                        applied++;
                    } else {
                        refused.add(sku + ": " + refusal);
                    }
                }
                call = next(account, answer.json().path("next"));
            }
        } catch (RetryLater e) {
            LOG.warn("ShipBob inventory poll stopped: {}", e.getMessage());
        }
        if (!refused.isEmpty()) {
            problems.raise(ShipBobAccounts.CONNECTOR, account.channel(), "stock", refused.size()
                    + " ShipBob inventory levels were not counted at " + account.location() + ": "
                    + String.join("; ", refused.subList(0, Math.min(10, refused.size()))), null);
        }
        LOG.info("ShipBob inventory levels read: {} counted at {}, {} not", applied, account.location(), refused.size());
        return applied;
    }

    /** The next page's link (absolute, or relative to the endpoint), or null on the last page. */
    private static HttpCall next(ShipBobAccounts.Account account, JsonNode link) {
        String text = link.isTextual() ? link.asText().strip() : "";
        if (text.isEmpty()) {
            return null;
        }
        URI uri = account.endpoint().resolve(text);
        return HttpCall.to("GET", uri);
    }
}
