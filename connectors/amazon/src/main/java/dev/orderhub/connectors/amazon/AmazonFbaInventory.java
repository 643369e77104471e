package dev.orderhub.connectors.amazon;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.channel.Channel;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.channel.Location;
import dev.orderhub.channel.LocationKind;
import dev.orderhub.inventory.StockInputException;
import dev.orderhub.inventory.StockLedger;
import dev.orderhub.inventory.StockLevel;
import dev.orderhub.messaging.ClusterLeases;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * FBA stock (route amazon-fba-inventory): for each account with an {@code fbaLocation},
 * getInventorySummaries (all pages) sets that channel-owned location's on-hand per sku to
 * Amazon's fulfillable quantity, with reason "Amazon FBA inventory". Only changes are written.
 * Channel-owned stock never counts toward a merchant-fulfilled listing; it is what Amazon can
 * ship for FBA and Multi-Channel Fulfilment orders.
 */
@Component("amazonFbaInventory")
public class AmazonFbaInventory {

    static final String OPERATION = "getInventorySummaries";
    private static final Logger LOG = LoggerFactory.getLogger(AmazonFbaInventory.class);

    private final AmazonProperties properties;
    private final ChannelRegistry channels;
    private final SpApiClient api;
    private final StockLedger ledger;
    private final ClusterLeases leases;

    public AmazonFbaInventory(AmazonProperties properties, ChannelRegistry channels, SpApiClient api, StockLedger ledger,
                              ClusterLeases leases) {
        properties.accounts().forEach((channel, account) -> {
            if (account.fbaLocation() == null) {
                return;
            }
            Location location = channels.location(account.fbaLocation()).orElseThrow(() -> new IllegalStateException(
                    "orderhub.connectors.amazon.accounts." + channel + ".fba-location: no location " + account.fbaLocation()
                            + " in channels.yaml"));
            if (location.kind() != LocationKind.CHANNEL_OWNED || !channel.equals(location.owner())) {
                throw new IllegalStateException("orderhub.connectors.amazon.accounts." + channel + ".fba-location: "
                        + account.fbaLocation() + " must be a CHANNEL_OWNED location owned by " + channel);
            }
        });
        this.properties = properties;
        this.channels = channels;
        this.api = api;
        this.ledger = ledger;
        this.leases = leases;
    }

    public void refreshAll() {
        properties.accounts().forEach((channel, account) -> {
            if (account.fbaLocation() != null && leases.holds("amazon-fba-inventory:" + channel)) {
                try {
                    refresh(channel);
                } catch (RuntimeException e) {
                    LOG.warn("amazon FBA inventory for {}: {}; tried again next round", channel, e.getMessage());
                }
            }
        });
    }

    /** Reads every page, then sets what changed. Returns the skus whose on-hand changed. */
    public Map<String, Long> refresh(String channel) {
        AmazonProperties.Account account = properties.accounts().get(channel);
        Channel target = channels.channel(channel).orElseThrow();
        Map<String, Long> fulfillable = new LinkedHashMap<>();
        String token = null;
        do {
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("details", true);
            query.put("granularityType", "Marketplace");
            query.put("granularityId", account.marketplaceIds().get(0));
            query.put("marketplaceIds", List.of(account.marketplaceIds().get(0)));
            query.put("nextToken", token);
            JsonNode page = api.get(channel, account, OPERATION, "/fba/inventory/v1/summaries", query);
            for (JsonNode summary : page.path("payload").path("inventorySummaries")) {
                String sellerSku = summary.path("sellerSku").asText("");
                if (!sellerSku.isBlank()) {
                    fulfillable.merge(target.hubSku(sellerSku),
                            summary.path("inventoryDetails").path("fulfillableQuantity").asLong(0), Long::sum);
                }
            }
            token = page.path("pagination").path("nextToken").asText(null);
        } while (token != null && !token.isBlank());
        Map<String, Long> changed = new LinkedHashMap<>();
        fulfillable.forEach((sku, quantity) -> {
            long current = ledger.levels(sku).stream().filter(l -> l.location().equals(account.fbaLocation()))
                    .mapToLong(StockLevel::onHand).findFirst().orElse(-1);
            if (current != quantity) {
                try {
                    ledger.setOnHand(sku, account.fbaLocation(), quantity, "Amazon FBA inventory", "amazon");
                    changed.put(sku, quantity);
                } catch (StockInputException e) {
                    LOG.warn("amazon FBA inventory for {}: {} not set: {}", channel, sku, e.getMessage());
                }
            }
        });
        LOG.info("amazon FBA inventory for {}: {} skus read, {} changed", channel, fulfillable.size(), changed.size());
        return changed;
    }
}
