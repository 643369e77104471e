package dev.orderhub.connectors.bol;

import java.util.ArrayList;
import java.util.List;

import dev.orderhub.connector.StockOut;
import org.springframework.stereotype.Component;

/** Stock out ({@code stock-out}): one offer stock update per listing quantity, through {@link BolOfferStock}. */
@Component
public class BolStockOut implements StockOut {

    static final String OPERATION = "stock-push";

    private final BolAccounts accounts;
    private final BolOfferStock stock;

    public BolStockOut(BolAccounts accounts, BolOfferStock stock) {
        this.accounts = accounts;
        this.stock = stock;
    }

    @Override
    public String connector() {
        return BolAccounts.CONNECTOR;
    }

    @Override
    public boolean serves(String channel) {
        return accounts.serves(channel);
    }

    @Override
    public Pushed push(String channel, List<ListingQuantity> batch, String idempotencyKey) {
        BolAccounts.Account account = accounts.get(channel);
        List<ItemResult> results = new ArrayList<>();
        for (ListingQuantity q : batch) {
            String refused = stock.update(account, q.listingSku(), q.quantity());
            results.add(refused == null ? ItemResult.accepted(q.listingSku()) : ItemResult.rejected(q.listingSku(), refused));
        }
        return Pushed.of(results);
    }
}
