package dev.orderhub.connectors.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.connector.StockOut;
import dev.orderhub.connector.http.HttpAnswer;
import dev.orderhub.connector.http.HttpCall;
import org.springframework.stereotype.Component;

/**
 * Stock out ({@code stock-out}): one {@code POST /v1/stock} per batch, with the hub's
 * idempotency key. Each item comes back UPDATED or refused with its reason; a refused batch (4xx)
 * refuses every item.
 */
@Component
public class TemplateStockOut implements StockOut {

    static final String OPERATION = "stock-push";

    private final TemplateAccounts accounts;

    public TemplateStockOut(TemplateAccounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public String connector() {
        return TemplateAccounts.CONNECTOR;
    }

    @Override
    public boolean serves(String channel) {
        return accounts.serves(channel);
    }

    record Item(String sku, long quantity) {
    }

    @Override
    public Pushed push(String channel, List<ListingQuantity> batch, String idempotencyKey) {
        List<Item> items = batch.stream().map(q -> new Item(q.listingSku(), q.quantity())).toList();
        HttpAnswer answer = accounts.send(accounts.get(channel), OPERATION,
                HttpCall.post("/v1/stock").json(Map.of("items", items)).idempotencyKey(idempotencyKey));
        Map<String, String> refused = new LinkedHashMap<>();
        if (!answer.ok()) {
            batch.forEach(q -> refused.put(q.listingSku(), TemplateAccounts.error(answer)));
        }
        for (JsonNode result : answer.json().path("results")) {
            if (!"UPDATED".equals(result.path("status").asText())) {
                refused.put(result.path("sku").asText(), result.path("status").asText() + ": " + result.path("message").asText(""));
            }
        }
        List<ItemResult> results = new ArrayList<>();
        for (ListingQuantity q : batch) {
            String reason = refused.get(q.listingSku());
            results.add(reason == null ? ItemResult.accepted(q.listingSku()) : ItemResult.rejected(q.listingSku(), reason));
        }
        return Pushed.of(results);
    }
}
