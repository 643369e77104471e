package dev.orderhub.connectors.amazon;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.connector.ChannelStockIn;
import dev.orderhub.connector.RetryLater;
import org.springframework.stereotype.Component;

/**
 * FBA stock in ({@code fba-inventory}): FBA Inventory API {@code getInventorySummaries} with
 * details, every page, each seller sku's {@code fulfillableQuantity}. The hub sets it as the
 * on-hand of the account's FBA location ({@code fba-location}).
 */
@Component("amazonFbaInventory")
public class AmazonFbaInventory implements ChannelStockIn {

    static final String OPERATION = "getInventorySummaries";

    private final AmazonProperties properties;
    private final SpApiClient api;

    public AmazonFbaInventory(AmazonProperties properties, SpApiClient api) {
        this.properties = properties;
        this.api = api;
    }

    @Override
    public String connector() {
        return AmazonProperties.CONNECTOR;
    }

    @Override
    public boolean serves(String channel) {
        AmazonProperties.Account account = properties.accounts().get(channel);
        return account != null && account.fbaLocation() != null;
    }

    @Override
    public String location(String channel) {
        AmazonProperties.Account account = properties.accounts().get(channel);
        return account == null ? null : account.fbaLocation();
    }

    @Override
    public List<ChannelStock> read(String channel) {
        AmazonProperties.Account account = properties.accounts().get(channel);
        Map<String, Long> fulfillable = new LinkedHashMap<>();
        String token = null;
        do {
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("details", true);
            query.put("granularityType", "Marketplace");
            query.put("granularityId", account.marketplaceIds().get(0));
            query.put("marketplaceIds", List.of(account.marketplaceIds().get(0)));
            query.put("nextToken", token);
            JsonNode page;
            try {
                page = api.get(channel, account, OPERATION, "/fba/inventory/v1/summaries", query);
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
