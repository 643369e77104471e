package dev.orderhub.retention;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import dev.orderhub.inventory.StockImports;
import dev.orderhub.inventory.StockLedger;
import dev.orderhub.messaging.ExceptionStore;
import dev.orderhub.order.PushedOrders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Deletes what the hub no longer needs, by age (routes/retention.camel.yaml runs it on a
 * timer): resolved exceptions, stock history and finished imports, each through its own
 * feature's service. Once per cluster: the route is {@code master:retention:timer:...}, so
 * only the instance holding the retention lease cleans up. A setting of 0 days or less
 * keeps that data for ever.
 */
@Component("retention")
public class Retention {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    private final ExceptionStore exceptions;
    private final StockLedger ledger;
    private final StockImports imports;
    private final Clock clock;
    private final int exceptionsDays;
    private final int stockHistoryDays;
    private final int importsDays;
    private final PushedOrders pushed;
    private final int webhookDeliveriesDays;

    public Retention(ExceptionStore exceptions, StockLedger ledger, StockImports imports, Clock clock,
                     @Value("${orderhub.retention.exceptions-days:90}") int exceptionsDays,
                     @Value("${orderhub.retention.stock-history-days:365}") int stockHistoryDays,
                     @Value("${orderhub.retention.imports-days:30}") int importsDays, PushedOrders pushed,
                     @Value("${orderhub.retention.webhook-deliveries-days:7}") int webhookDeliveriesDays) {
        this.exceptions = exceptions;
        this.ledger = ledger;
        this.imports = imports;
        this.clock = clock;
        this.exceptionsDays = exceptionsDays;
        this.stockHistoryDays = stockHistoryDays;
        this.importsDays = importsDays;
        this.pushed = pushed;
        this.webhookDeliveriesDays = webhookDeliveriesDays;
    }

    /** What one clean-up deleted. */
    public record Deleted(int exceptions, int stockMovements, int imports, int webhookDeliveries) {
    }

    public Deleted run() {
        Instant now = clock.instant();
        Deleted deleted = new Deleted(
                exceptionsDays > 0 ? exceptions.deleteResolvedBefore(now.minus(Duration.ofDays(exceptionsDays))) : 0,
                stockHistoryDays > 0 ? ledger.deleteMovementsBefore(now.minus(Duration.ofDays(stockHistoryDays))) : 0,
                importsDays > 0 ? imports.deleteFinishedBefore(now.minus(Duration.ofDays(importsDays))) : 0,
                webhookDeliveriesDays > 0 ? pushed.deleteReceivedBefore(now.minus(Duration.ofDays(webhookDeliveriesDays))) : 0);
        if (deleted.exceptions() + deleted.stockMovements() + deleted.imports() + deleted.webhookDeliveries() > 0) {
            LOG.info("retention: deleted {} resolved exceptions (older than {} days), {} stock movements ({} days), "
                            + "{} finished imports ({} days), {} webhook delivery ids ({} days)", deleted.exceptions(),
                    exceptionsDays, deleted.stockMovements(), stockHistoryDays, deleted.imports(), importsDays,
                    deleted.webhookDeliveries(), webhookDeliveriesDays);
        }
        return deleted;
    }
}
