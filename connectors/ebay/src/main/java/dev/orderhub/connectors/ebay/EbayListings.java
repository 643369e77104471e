package dev.orderhub.connectors.ebay;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.connector.ListingsIn;
import dev.orderhub.connector.http.HttpAnswer;
import dev.orderhub.connector.http.HttpCall;
import org.springframework.stereotype.Component;

/**
 * Listings in ({@code listings-in}): the seller's inventory items, Inventory API
 * {@code getInventoryItems}, 200 a page, following {@code next} (on an allowed host only).
 * Each inventory item's sku is a listing sku the hub pushes quantities to; eBay ships nothing
 * itself, so every one is fulfilled by the MERCHANT. Whether an item has a published offer
 * would take one getOffers call per sku, so every item counts as ACTIVE (an unpublished one is
 * sent its quantity too, which eBay keeps for when it is published).
 */
@Component("ebayListings")
public class EbayListings implements ListingsIn {

    static final String OPERATION = "getInventoryItems";
    static final String PATH = EbayAccounts.INVENTORY + "/inventory_item";
    static final int PAGE_SIZE = 200;

    private final EbayAccounts accounts;

    public EbayListings(EbayAccounts accounts) {
        this.accounts = accounts;
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
    public ListingsPage read(String channel, String page) {
        EbayAccounts.Account account = accounts.get(channel);
        HttpCall call;
        if (page == null) {
            call = HttpCall.get(PATH).query("limit", PAGE_SIZE).query("offset", 0);
        } else {
            URI next = URI.create(page);
            call = HttpCall.to("GET", next.isAbsolute() ? next : account.client().account().baseUrl().resolve(next));
        }
        HttpAnswer answer = accounts.send(account, OPERATION, call);
        if (answer.status() == 404) { // eBay's answer for a seller with no inventory items at all
            return new ListingsPage(List.of(), null);
        }
        if (!answer.ok()) {
            throw new IllegalStateException("getInventoryItems for " + channel + " answered " + EbayAccounts.error(answer));
        }
        List<Listing> listings = new ArrayList<>();
        for (JsonNode item : answer.json().path("inventoryItems")) {
            String sku = item.path("sku").asText("");
            if (!sku.isBlank()) {
                listings.add(new Listing(sku, "MERCHANT", "ACTIVE"));
            }
        }
        String next = answer.json().path("next").asText(null);
        return new ListingsPage(listings, next == null || next.isBlank() || listings.isEmpty() ? null : next);
    }
}
