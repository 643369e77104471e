package dev.orderhub.connectors.ebay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orderhub.connector.StockOut;
import dev.orderhub.connector.http.HttpAnswer;
import dev.orderhub.connector.http.HttpCall;
import org.springframework.stereotype.Component;

/**
 * Stock out ({@code stock-out}): one Inventory API {@code bulkUpdatePriceQuantity} per batch of
 * at most 25 inventory items, each {@code {sku, shipToLocationAvailability: {quantity}}}: the
 * item's total ship-to-home quantity, which its published offers sell from. eBay answers per
 * item ({@code responses[]}: {@code statusCode}, {@code errors}, {@code warnings}), 200 when all
 * went through and 207 when some did not: 2xx is ACCEPTED, 429 and 5xx RETRY, any other status
 * REJECTED with eBay's error; an item eBay did not answer for is RETRY. A refused call (400)
 * refuses every item. The values are absolute, so a batch sent again after a lost answer
 * changes nothing; the toolkit still never re-sends the POST itself, the hub pushes it again.
 */
@Component("ebayStockOut")
public class EbayStockOut implements StockOut {

    static final String OPERATION = "bulkUpdatePriceQuantity";
    static final String PATH = EbayAccounts.INVENTORY + "/bulk_update_price_quantity";
    static final int MAX_ITEMS = 25;

    private final EbayAccounts accounts;
    private final ObjectMapper json;

    public EbayStockOut(EbayAccounts accounts, ObjectMapper json) {
        this.accounts = accounts;
        this.json = json;
    }

    @Override
    public String connector() {
        return EbayAccounts.CONNECTOR;
    }

    @Override
    public boolean serves(String channel) {
        return accounts.serves(channel);
    }

    @Override
    public Pushed push(String channel, List<ListingQuantity> batch, String idempotencyKey) {
        EbayAccounts.Account account = accounts.get(channel);
        List<ItemResult> results = new ArrayList<>();
        for (int from = 0; from < batch.size(); from += MAX_ITEMS) {
            results.addAll(pushPart(account, batch.subList(from, Math.min(batch.size(), from + MAX_ITEMS))));
        }
        return Pushed.of(results);
    }

    private List<ItemResult> pushPart(EbayAccounts.Account account, List<ListingQuantity> part) {
        ObjectNode body = json.createObjectNode();
        part.forEach(q -> body.withArray("requests").addObject().put("sku", q.listingSku())
                .putObject("shipToLocationAvailability").put("quantity", q.quantity()));
        HttpAnswer answer = accounts.send(account, OPERATION, HttpCall.post(PATH).json(body.toString()));
        List<ItemResult> results = new ArrayList<>();
        if (answer.refused()) {
            String reason = EbayAccounts.error(answer);
            part.forEach(q -> results.add(ItemResult.rejected(q.listingSku(), reason)));
            return results;
        }
        Map<String, JsonNode> bySku = new HashMap<>();
        for (JsonNode response : answer.json().path("responses")) {
            bySku.putIfAbsent(response.path("sku").asText(""), response);
        }
        for (ListingQuantity q : part) {
            results.add(result(q.listingSku(), bySku.get(q.listingSku())));
        }
        return results;
    }

    static ItemResult result(String sku, JsonNode response) {
        if (response == null) {
            return ItemResult.retry(sku, Duration.ZERO, "eBay's answer has no response for sku " + sku);
        }
        int status = response.path("statusCode").asInt(0);
        if (status >= 200 && status < 300) {
            return ItemResult.accepted(sku);
        }
        JsonNode error = response.path("errors").path(0);
        String reason = "statusCode " + status + (error.isMissingNode() ? "" : " errorId " + error.path("errorId").asText("?")
                + ": " + error.path("longMessage").asText(error.path("message").asText("")));
        return status == 429 || status >= 500 || status == 0 ? ItemResult.retry(sku, Duration.ZERO, reason) : ItemResult.rejected(sku, reason);
    }
}
