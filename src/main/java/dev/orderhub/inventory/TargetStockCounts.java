package dev.orderhub.inventory;

import java.util.Optional;

import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.channel.Connectors;
import dev.orderhub.channel.Location;
import dev.orderhub.channel.LocationKind;
import dev.orderhub.connector.FulfilmentService;
import dev.orderhub.connector.TargetStock;
import dev.orderhub.input.InputRules;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The stock a fulfilment target's connector counted at the target's location (a 3PL's stock
 * file), set as the absolute on-hand there with the ledger's rules for any count. Checked as a
 * CSV import row is (sku, range); the location must be the one a target of that connector ships
 * from, so a connector can never count another location. Each count runs in a savepoint of the
 * caller's transaction: one the ledger refuses leaves the caller's other work intact.
 */
@Component
public class TargetStockCounts implements TargetStock {

    static final long MAX_ON_HAND = 1_000_000_000L;
    /** The stock movement's reason column. */
    static final int MAX_REASON = 200;

    private final Connectors connectors;
    private final ChannelRegistry registry;
    private final StockLedger ledger;
    private final TransactionTemplate savepoint;

    public TargetStockCounts(Connectors connectors, ChannelRegistry registry, StockLedger ledger,
                             PlatformTransactionManager transactions) {
        this.connectors = connectors;
        this.registry = registry;
        this.ledger = ledger;
        this.savepoint = new TransactionTemplate(transactions);
        this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
    }

    @Override
    public String counted(String connector, String location, String sku, long onHand, String reason) {
        Optional<FulfilmentService> target = connectors.fulfilmentTargets().stream()
                .filter(t -> t.connector().equals(connector) && location != null && location.equals(t.location()))
                .findFirst();
        if (target.isEmpty()) {
            return "location " + location + " is not where a fulfilment target of connector " + connector + " ships from";
        }
        Location known = registry.location(location).orElse(null);
        if (known == null || known.kind() == LocationKind.CHANNEL_OWNED) {
            return "location " + location + " is " + (known == null ? "not configured" : "channel-owned stock");
        }
        String skuProblem = InputRules.skuProblem(sku);
        if (skuProblem != null) {
            return "sku: " + skuProblem;
        }
        if (onHand < 0 || onHand > MAX_ON_HAND) {
            return "on hand " + onHand + " must be between 0 and " + MAX_ON_HAND;
        }
        String text = reason == null ? connector + " count" : reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason;
        try {
            LockConflicts.retry(() -> savepoint.execute(status -> ledger.setOnHand(sku, location, onHand, text, connector)));
            return null;
        } catch (StockInputException e) {
            return e.getMessage();
        }
    }
}
