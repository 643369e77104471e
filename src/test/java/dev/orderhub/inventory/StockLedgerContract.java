package dev.orderhub.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The stock ledger's guarantees, run against each database the hub supports
 * ({@link StockLedgerH2Test}, {@link StockLedgerPostgresTest}).
 */
abstract class StockLedgerContract {

    @Autowired
    StockLedger ledger;

    @Autowired
    TransactionTemplate transaction;

    @Autowired
    JdbcClient jdbc;

    String sku;

    @BeforeEach
    void newSku() {
        sku = "LEDGER-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private ReservationOutcome reserve(String order, LineToReserve... lines) {
        return transaction.execute(s -> ledger.reserveAll(order, Instant.parse("2026-12-01T12:00:00Z"), List.of(lines),
                List.of("main")));
    }

    @Test
    void reservationHoldsStockAndReleaseGivesItBack() {
        ledger.setOnHand(sku, "main", 10, "test", "test");

        ReservationOutcome outcome = reserve("o-1", new LineToReserve("1", sku, 4));

        assertThat(outcome.reserved()).isTrue();
        assertThat(ledger.level(sku, "main").orElseThrow().reserved()).isEqualTo(4);
        assertThat(ledger.reservationsOf("o-1")).containsExactly(new Reservation("o-1", "1", sku, "main", 4));

        transaction.executeWithoutResult(s -> ledger.release("o-1", "test"));
        assertThat(ledger.level(sku, "main").orElseThrow().available()).isEqualTo(10);
        assertThat(ledger.reservationsOf("o-1")).isEmpty();
    }

    @Test
    void shortOrderHoldsNothingEvenWhenItsFirstLinesFit() {
        String other = sku + "-Z";
        ledger.setOnHand(sku, "main", 10, "test", "test");
        ledger.setOnHand(other, "main", 1, "test", "test");

        ReservationOutcome outcome = reserve("o-2", new LineToReserve("1", sku, 5), new LineToReserve("2", other, 2));

        assertThat(outcome.reserved()).isFalse();
        assertThat(outcome.shortSku()).isEqualTo(other);
        assertThat(ledger.level(sku, "main").orElseThrow().reserved()).isZero();
        assertThat(ledger.level(other, "main").orElseThrow().reserved()).isZero();
        assertThat(ledger.reservationsOf("o-2")).isEmpty();
    }

    @Test
    void countBelowReservationsReleasesLatestShipByUntilAvailableIsZeroOrMore() {
        ledger.setOnHand(sku, "main", 6, "test", "test");
        transaction.execute(s -> ledger.reserveAll("early", Instant.parse("2026-11-27T12:00:00Z"),
                List.of(new LineToReserve("1", sku, 3)), List.of("main")));
        transaction.execute(s -> ledger.reserveAll("late", Instant.parse("2026-12-09T12:00:00Z"),
                List.of(new LineToReserve("1", sku, 3)), List.of("main")));

        StockLevel after = ledger.setOnHand(sku, "main", 4, "cycle count", "test");

        assertThat(after.onHand()).isEqualTo(4);
        assertThat(after.reserved()).isEqualTo(3);
        assertThat(ledger.reservationsOf("late")).isEmpty();
        assertThat(ledger.reservationsOf("early")).hasSize(1);
    }

    @Test
    void deltaThatWouldTakeOnHandBelowZeroIsRefused() {
        ledger.setOnHand(sku, "main", 2, "test", "test");

        assertThatThrownBy(() -> ledger.adjust(sku, "main", -3, "damage", "test"))
                .isInstanceOf(StockInputException.class)
                .hasMessageContaining("delta -3 would take onHand from 2 to -1");
        assertThat(ledger.adjust(sku, "main", 5, "receipt", "test").onHand()).isEqualTo(7);
    }

    @Test
    void databaseRefusesAnyWriteThatMakesAvailableNegative() {
        ledger.setOnHand(sku, "main", 1, "test", "test");

        assertThatThrownBy(() -> jdbc.sql("UPDATE stock SET reserved = 2 WHERE sku = :sku").param("sku", sku).update())
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThatThrownBy(() -> jdbc.sql("UPDATE stock SET reserved = -1 WHERE sku = :sku").param("sku", sku).update())
                .isInstanceOf(DataIntegrityViolationException.class);
    }

    @Test
    void parallelReservationsNeverHoldMoreThanOnHand() throws Exception {
        ledger.setOnHand(sku, "main", 50, "test", "test");
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Callable<Boolean>> attempts = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String order = sku + "-o" + i;
                attempts.add(() -> reserve(order, new LineToReserve("1", sku, 1)).reserved());
            }
            int held = 0;
            for (Future<Boolean> attempt : pool.invokeAll(attempts)) {
                held += attempt.get() ? 1 : 0;
            }
            assertThat(held).isEqualTo(50);
        } finally {
            pool.shutdownNow();
        }
        StockLevel level = ledger.level(sku, "main").orElseThrow();
        assertThat(level.reserved()).isEqualTo(50);
        assertThat(level.available()).isZero();
        assertThat(jdbc.sql("SELECT COALESCE(SUM(qty), 0) FROM reservations WHERE sku = :sku").param("sku", sku)
                .query(Long.class).single()).isEqualTo(50);
    }

    @Test
    void everyChangeIsInTheHistoryWithItsReason() {
        ledger.setOnHand(sku, "main", 5, "cycle count", "test");
        ledger.adjust(sku, "main", -2, "damage", "test");

        List<String> history = jdbc.sql("SELECT kind || ':' || on_hand_delta || ':' || reason FROM stock_movements "
                + "WHERE sku = :sku ORDER BY id").param("sku", sku).query(String.class).list();
        assertThat(history).containsExactly("COUNT:5:cycle count", "ADJUST:-2:damage");
    }
}
