package dev.orderhub.connectors.threeplsftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** The 3PL's files told apart by their header, each row checked on its own, bad ones kept with their line. */
class InboundFilesTest {

    private static InboundFiles.InboundFile read(String text) {
        return InboundFiles.read("f.csv", 1_000L, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aShipmentConfirmationsRowsAreReadAndEachBadOneNamesItsLineAndField() {
        InboundFiles.InboundFile file = read(" Order_ID , line_id,qty,carrier,service,tracking_number,shipped_at\n"
                + "oh-1,1,2, DHL ,,JJD1,2026-11-27T15:05:00+01:00\n"
                + "oh-1,1,0,DHL,,JJD1,2026-11-27T14:05:00Z\n"
                + ",1,1,,,JJD1,2026-11-27T14:05:00Z\n"
                + "oh-1,1,1,DHL,," + "T".repeat(101) + ",1999-12-31T23:59:59Z\n"
                + "oh-1,1,1,DHL,,JJD1,2026-11-27\n");

        assertThat(file.kind()).isEqualTo(InboundFiles.Kind.SHIPMENTS);
        assertThat(file.checksum()).hasSize(64);
        assertThat(file.shipped()).containsExactly(new InboundFiles.Shipped(2, "oh-1", "1", 2, "DHL", null, "JJD1",
                Instant.parse("2026-11-27T14:05:00Z")));
        assertThat(file.bad()).extracting(InboundFiles.BadRow::line, InboundFiles.BadRow::problem).containsExactly(
                org.assertj.core.groups.Tuple.tuple(3, "qty: must be 1 to 10000, is 0"),
                org.assertj.core.groups.Tuple.tuple(4, "order_id: missing; carrier: missing"),
                org.assertj.core.groups.Tuple.tuple(5, "tracking_number: at most 100 characters, has 101; shipped_at: must lie "
                        + "between 2000 and 2099"),
                org.assertj.core.groups.Tuple.tuple(6, "shipped_at: not an ISO-8601 time with offset, e.g. 2026-11-27T14:05:00Z"));
    }

    @Test
    void aStockCountsRowsAreRead() {
        InboundFiles.InboundFile file = read("sku,on_hand,counted_at\r\nA,0,2026-11-27T06:00:00Z\r\nB,-1,2026-11-27T06:00:00Z\r\n"
                + "C,1e3,2026-11-27T06:00:00Z\r\n");

        assertThat(file.kind()).isEqualTo(InboundFiles.Kind.STOCK);
        assertThat(file.counted()).containsExactly(new InboundFiles.Counted(2, "A", 0, Instant.parse("2026-11-27T06:00:00Z")));
        assertThat(file.bad()).extracting(InboundFiles.BadRow::problem).containsExactly("on_hand: must be 0 to 1000000000, is -1",
                "on_hand: not a whole number");
    }

    @Test
    void aFileWithAnotherHeaderOrNoneIsUnreadable() {
        assertThat(read("hello,world\n1,2\n").unreadable()).startsWith("its header row is neither a shipment confirmation's");
        assertThat(read("").unreadable()).isEqualTo("empty: no header row");
        assertThat(read("sku,on_hand,counted_at\n\"A").kind()).isEqualTo(InboundFiles.Kind.UNREADABLE);
    }
}
