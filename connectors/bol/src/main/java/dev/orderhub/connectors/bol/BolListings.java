package dev.orderhub.connectors.bol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.orderhub.connector.ListingsIn;
import dev.orderhub.connector.http.HttpAnswer;
import dev.orderhub.connector.http.HttpCall;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Listings in ({@code listings-in}): the seller's offers from the offer export, bol's one way to
 * list them all: {@code POST /retailer/offers/export} (CSV), followed through its process status
 * to the report id, then {@code GET /retailer/offers/export/{report-id}}. The columns are read by
 * name (bol adds columns over time). An offer's listing sku is its reference (the seller's own
 * sku), or its offer id when it has none; FBB offers are channel-fulfilled, offers on hold
 * inactive. Each offer's id is kept in {@code bol_offers} for the stock push.
 */
@Component
public class BolListings implements ListingsIn {

    static final String EXPORT = "post-offer-export";
    static final String REPORT = "get-offer-export";

    private final BolAccounts accounts;
    private final BolProcesses processes;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    public BolListings(BolAccounts accounts, BolProcesses processes, JdbcClient jdbc, PlatformTransactionManager transactions) {
        this.accounts = accounts;
        this.processes = processes;
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactions);
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
    public ListingsPage read(String channel, String page) {
        BolAccounts.Account account = accounts.get(channel);
        if (!processes.underWay(channel, "offer-export", "offers")) {
            processes.forget(channel, "offer-export", "offers"); // the last export is done: ask for a fresh one
        }
        BolProcesses.Outcome outcome = processes.run(account, "offer-export", "offers", null, "CREATE_OFFER_EXPORT",
                () -> accounts.send(account, EXPORT, HttpCall.post("/retailer/offers/export").body("{\"format\":\"CSV\"}", BolAccounts.MEDIA)));
        if (!outcome.success() || outcome.entityId() == null) {
            throw new IllegalStateException("bol/" + channel + " offer export: " + outcome.status() + " " + outcome.error());
        }
        HttpAnswer report = accounts.send(account, REPORT, HttpCall.get("/retailer/offers/export/{id}", outcome.entityId())
                .header("Accept", BolAccounts.CSV));
        if (!report.ok()) {
            throw new IllegalStateException("bol/" + channel + " offer export " + outcome.entityId() + ": " + BolAccounts.problem(report));
        }
        List<Listing> listings = new ArrayList<>();
        List<Map<String, String>> offers = new ArrayList<>();
        String[] lines = report.body().split("\r?\n");
        List<String> header = Arrays.asList(lines[0].split(",", -1));
        Set<String> seen = new HashSet<>();
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].split(",", -1);
            String offerId = cell(cells, header, "offerId");
            if (offerId.isBlank()) {
                continue;
            }
            String reference = cell(cells, header, "referenceCode");
            String sku = reference.isBlank() ? offerId : reference;
            String fulfilment = "FBB".equals(cell(cells, header, "fulfilmentType")) ? "FBB" : "FBR";
            if (!seen.add(sku)) {
                continue; // two offers of one reference: the first is the one pushed (docs/listings.md, "Limits")
            }
            listings.add(new Listing(sku, fulfilment.equals("FBB") ? "CHANNEL" : "MERCHANT",
                    "true".equals(cell(cells, header, "onHoldByRetailer")) ? "INACTIVE" : "ACTIVE"));
            offers.add(Map.of("channel", channel, "reference", sku, "offer", offerId, "ean", cell(cells, header, "ean"),
                    "fulfilment", fulfilment));
        }
        transactions.executeWithoutResult(tx -> {
            jdbc.sql("DELETE FROM bol_offers WHERE channel = :channel").param("channel", channel).update();
            offers.forEach(offer -> jdbc.sql("INSERT INTO bol_offers (channel, reference, offer_id, ean, fulfilment) "
                    + "VALUES (:channel, :reference, :offer, :ean, :fulfilment)").params(offer).update());
        });
        return new ListingsPage(listings, null);
    }

    private static String cell(String[] cells, List<String> header, String column) {
        int at = header.indexOf(column);
        return at < 0 || at >= cells.length ? "" : cells[at].trim();
    }
}
