package dev.orderhub.connectors.amazon;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.connector.ChannelStockIn;
import dev.orderhub.connector.RetryLater;
import dev.orderhub.connector.http.HttpCall;
import org.springframework.stereotype.Component;

/**
 * FBA stock in ({@code fba-inventory}): FBA Inventory API {@code getInventorySummaries} with
 * details, every page, each seller sku's {@code fulfillableQuantity}. The hub sets it as the
 * on-hand of the account's FBA location ({@code fba-location}).
 */
@Component("amazonFbaInventory")
public class AmazonFbaInventory implements ChannelStockIn {

    static final String OPERATION = "getInventorySummaries";

    private final AmazonAccounts accounts;
    private final SpApiClient api;

    public AmazonFbaInventory(AmazonAccounts accounts, SpApiClient api) {
        this.accounts = accounts;
        this.api = api;
    }

    @Override
    public String connector() {
        return AmazonAccounts.CONNECTOR;
    }

    @Override
    public boolean serves(String channel) {
        return accounts.serves(channel) && accounts.get(channel).fbaLocation() != null;
    }

    @Override
    public String location(String channel) {
        return accounts.serves(channel) ? accounts.get(channel).fbaLocation() : null;
    }

    @Override
    public List<ChannelStock> read(String channel) {
        AmazonAccounts.Account account = accounts.get(channel);
        Map<String, Long> fulfillable = new LinkedHashMap<>();
        String token = null;
        do {
            JsonNode page;
            try {
                page = api.get(account, OPERATION, HttpCall.get("/fba/inventory/v1/summaries")
                        .query("details", true)
                        .query("granularityType", "Marketplace")
                        .query("granularityId", account.marketplaceId())
                        .query("marketplaceIds", List.of(account.marketplaceId()))
                        .query("nextToken", token));
            } catch (SpApiClient.SpApiException e) {
                throw new RetryLater(Duration.ZERO, e.getMessage());
            }
            for (JsonNode summary : page.path("payload").path("inventorySummaries")) {
                String sellerSku = summary.path("sellerSku").asText("");
                if (!sellerSku.isBlank()) {
                    fulfillable.merge(sellerSku, summary.path("inventoryDetails").path("fulfillableQuantity").asLong(0), Long::sum);
                }
            }
            token = page.path("pagination").path("nextToken").asText(null);
        } while (token != null && !token.isBlank());
        List<ChannelStock> stock = new ArrayList<>();
        fulfillable.forEach((sku, quantity) -> stock.add(new ChannelStock(sku, quantity)));
        return stock;
    }
}
