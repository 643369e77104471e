package dev.orderhub.connectors.bol;

import java.util.Map;

import dev.orderhub.connector.StockOut;
import dev.orderhub.connector.http.HttpAnswer;
import dev.orderhub.connector.http.HttpCall;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * One offer's stock at bol: {@code PUT /retailer/offers/{offer-id}/stock}, which the v10 spec
 * flags deprecated (every /retailer/offers operation is). Kept in this one class, behind
 * {@link BolStockOut}, so its replacement changes nothing else. The amount is capped at the
 * spec's 999; {@code managedByRetailer: true} makes bol subtract only orders placed after this
 * update, the ones the hub has not read yet. A 202 is taken as accepted (bol applies it a moment
 * later); its process status is not followed.
 */
@Component
public class BolOfferStock {

    static final String OPERATION = "update-offer-stock";
    static final int MAX_AMOUNT = 999;

    private final BolAccounts accounts;
    private final JdbcClient jdbc;

    public BolOfferStock(BolAccounts accounts, JdbcClient jdbc) {
        this.accounts = accounts;
        this.jdbc = jdbc;
    }

    /** @return null when bol took it, else bol's reason */
    String update(BolAccounts.Account account, String listingSku, long quantity) {
        String offerId = offerId(account.channel, listingSku);
        String body = BolAccounts.JSON.valueToTree(Map.of("amount", Math.max(0, Math.min(MAX_AMOUNT, quantity)), "managedByRetailer", true))
                .toString();
        HttpAnswer answer = accounts.send(account, OPERATION, HttpCall.put("/retailer/offers/{id}/stock", offerId).body(body, BolAccounts.MEDIA));
        return answer.ok() ? null : "bol refused the stock of offer " + offerId + " (" + listingSku + "): " + BolAccounts.problem(answer);
    }

    /** The offer of the listing sku (its reference), as the offer export listed it; else the sku is taken as an offer id. */
    String offerId(String channel, String listingSku) {
        return jdbc.sql("SELECT offer_id FROM bol_offers WHERE channel = :channel AND reference = :reference")
                .param("channel", channel).param("reference", listingSku).query(String.class).optional().orElse(listingSku);
    }
}
