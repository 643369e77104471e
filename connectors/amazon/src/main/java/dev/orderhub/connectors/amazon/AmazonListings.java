package dev.orderhub.connectors.amazon;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.connector.ListingsIn;
import dev.orderhub.connector.http.HttpCall;
import org.springframework.stereotype.Component;

/**
 * Listings in ({@code listings-in}): Listings Items API {@code searchListingsItems} for the
 * account's seller, with summaries and fulfillment availability, 20 a page. A listing whose
 * fulfillment availability names Amazon's network ({@code AMAZON_EU}, {@code AMAZON_NA}, …:
 * FBA) is fulfilled by the CHANNEL, so the hub never sends it a merchant quantity (a
 * {@code DEFAULT} quantity would turn it into a merchant offer and strand the FBA stock); one
 * with only {@code DEFAULT} is the MERCHANT's. BUYABLE in its summary is ACTIVE, else INACTIVE.
 */
@Component("amazonListings")
public class AmazonListings implements ListingsIn {

    static final String OPERATION = "searchListingsItems";
    static final int PAGE_SIZE = 20;

    private final AmazonAccounts accounts;
    private final SpApiClient api;

    public AmazonListings(AmazonAccounts accounts, SpApiClient api) {
        this.accounts = accounts;
        this.api = api;
    }

    @Override
    public String connector() {
        return AmazonAccounts.CONNECTOR;
    }

    /** An account with a seller id: listings are searched by it. */
    @Override
    public boolean serves(String channel) {
        return accounts.serves(channel) && accounts.get(channel).sellerId() != null;
    }

    @Override
    public ListingsPage read(String channel, String page) {
        AmazonAccounts.Account account = accounts.get(channel);
        JsonNode answer = api.get(account, OPERATION, HttpCall.get("/listings/2021-08-01/items/{sellerId}", account.sellerId())
                .query("marketplaceIds", List.of(account.marketplaceId()))
                .query("includedData", List.of("summaries", "fulfillmentAvailability"))
                .query("pageSize", PAGE_SIZE)
                .query("pageToken", page));
        if (!answer.path("items").isArray()) {
            throw new SpApiClient.SpApiException(200, OPERATION + " for " + channel + ": the answer has no items array");
        }
        List<Listing> listings = new ArrayList<>();
        for (JsonNode item : answer.path("items")) {
            String sku = item.path("sku").asText("");
            if (sku.isBlank()) {
                continue;
            }
            boolean byAmazon = false;
            for (JsonNode availability : item.path("fulfillmentAvailability")) {
                byAmazon |= !"DEFAULT".equals(availability.path("fulfillmentChannelCode").asText("DEFAULT"));
            }
            boolean buyable = false;
            for (JsonNode summary : item.path("summaries")) {
                if (account.marketplaceId().equals(summary.path("marketplaceId").asText())) {
                    for (JsonNode status : summary.path("status")) {
                        buyable |= "BUYABLE".equals(status.asText());
                    }
                }
            }
            listings.add(new Listing(sku, byAmazon ? "CHANNEL" : "MERCHANT", buyable ? "ACTIVE" : "INACTIVE"));
        }
        String next = answer.path("pagination").path("nextToken").asText(null);
        return new ListingsPage(listings, next == null || next.isBlank() ? null : next);
    }
}
