package dev.orderhub.connectors.threeplsftp;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The files the 3PL writes for the hub (README.md, "Files from the 3PL"), told apart by their
 * header row: shipment confirmations and stock counts. Each data row is checked on its own
 * (fields, lengths, numbers, times); a bad row is kept with its line number and what is wrong,
 * so the good rows of the same file are still taken.
 */
final class InboundFiles {

    static final List<String> SHIPMENT_HEADER = List.of("order_id", "line_id", "qty", "carrier", "service",
            "tracking_number", "shipped_at");
    static final List<String> STOCK_HEADER = List.of("sku", "on_hand", "counted_at");
    /** The largest file taken (16 MiB) and the most data rows in one. */
    static final long MAX_BYTES = 16L * 1024 * 1024;
    static final int MAX_ROWS = 200_000;
    static final long MAX_ON_HAND = 1_000_000_000L;
    static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("2099-12-31T23:59:59Z");

    private InboundFiles() {
    }

    enum Kind { SHIPMENTS, STOCK, UNREADABLE }

    /**
     * One file as read from the inbound folder: its identity on the server (name, modification
     * time, size, SHA-256 of its bytes), what kind it is, its rows, and, for an unreadable one, why.
     */
    record InboundFile(String name, long modifiedMs, long size, String checksum, Kind kind, List<Shipped> shipped,
                       List<Counted> counted, List<BadRow> bad, String unreadable) {
    }

    /** A shipment confirmation row. */
    record Shipped(int line, String hubOrderId, String lineId, int qty, String carrier, String service, String trackingNumber,
                   Instant shippedAt) {
    }

    /** A stock count row. */
    record Counted(int line, String sku, long onHand, Instant countedAt) {
    }

    /** A row that was not taken: its line, what is wrong, and its fields as written (bounded). */
    record BadRow(int line, String problem, String fields) {
    }

    static InboundFile unreadable(String name, long modifiedMs, long size, String checksum, String why) {
        return new InboundFile(name, modifiedMs, size, checksum, Kind.UNREADABLE, List.of(), List.of(), List.of(), why);
    }

    /** Reads the file's bytes: its kind from the header row, then every row. */
    static InboundFile read(String name, long modifiedMs, byte[] bytes) {
        String checksum = OrderFiles.sha256(bytes);
        List<Csv.Row> rows;
        try {
            rows = Csv.read(bytes);
        } catch (Csv.NotCsv e) {
            return unreadable(name, modifiedMs, bytes.length, checksum, "not a CSV file: " + e.getMessage());
        }
        if (rows.isEmpty()) {
            return unreadable(name, modifiedMs, bytes.length, checksum, "empty: no header row");
        }
        List<String> header = rows.get(0).fields().stream().map(f -> f.strip().toLowerCase(Locale.ROOT)).toList();
        Kind kind = header.equals(SHIPMENT_HEADER) ? Kind.SHIPMENTS : header.equals(STOCK_HEADER) ? Kind.STOCK : null;
        if (kind == null) {
            return unreadable(name, modifiedMs, bytes.length, checksum, "its header row is neither a shipment confirmation's ("
                    + String.join(",", SHIPMENT_HEADER) + ") nor a stock count's (" + String.join(",", STOCK_HEADER) + ")");
        }
        if (rows.size() - 1 > MAX_ROWS) {
            return unreadable(name, modifiedMs, bytes.length, checksum, "more than " + MAX_ROWS + " rows");
        }
        List<Shipped> shipped = new ArrayList<>();
        List<Counted> counted = new ArrayList<>();
        List<BadRow> bad = new ArrayList<>();
        for (Csv.Row row : rows.subList(1, rows.size())) {
            List<String> problems = new ArrayList<>();
            List<String> f = row.fields().stream().map(String::strip).toList();
            if (f.size() != header.size()) {
                bad.add(new BadRow(row.line(), "has " + f.size() + " fields, the header " + header.size(), fields(row)));
                continue;
            }
            if (kind == Kind.SHIPMENTS) {
                String order = text(problems, "order_id", f.get(0), 40, true);
                String lineId = text(problems, "line_id", f.get(1), 100, true);
                long qty = number(problems, "qty", f.get(2), 1, OrderFiles.MAX_QTY);
                String carrier = text(problems, "carrier", f.get(3), 100, true);
                String service = text(problems, "service", f.get(4), 100, false);
                String tracking = text(problems, "tracking_number", f.get(5), 100, true);
                Instant at = instant(problems, "shipped_at", f.get(6));
                if (problems.isEmpty()) {
                    shipped.add(new Shipped(row.line(), order, lineId, (int) qty, carrier, service, tracking, at));
                }
            } else {
                String sku = text(problems, "sku", f.get(0), 100, true);
                long onHand = number(problems, "on_hand", f.get(1), 0, MAX_ON_HAND);
                Instant at = instant(problems, "counted_at", f.get(2));
                if (problems.isEmpty()) {
                    counted.add(new Counted(row.line(), sku, onHand, at));
                }
            }
            if (!problems.isEmpty()) {
                bad.add(new BadRow(row.line(), String.join("; ", problems), fields(row)));
            }
        }
        return new InboundFile(name, modifiedMs, bytes.length, checksum, kind, shipped, counted, bad, null);
    }

    private static String text(List<String> problems, String field, String value, int max, boolean required) {
        List<String> found = new ArrayList<>();
        OrderFiles.text(found, field, value, max, required);
        problems.addAll(found);
        return found.isEmpty() && !value.isEmpty() ? value : null;
    }

    private static long number(List<String> problems, String field, String value, long min, long max) {
        try {
            long n = Long.parseLong(value);
            if (n >= min && n <= max) {
                return n;
            }
            problems.add(field + ": must be " + min + " to " + max + ", is " + n);
        } catch (NumberFormatException e) {
            problems.add(field + ": not a whole number" + (value.isEmpty() ? " (empty)" : ""));
        }
        return -1;
    }

    /** An ISO-8601 time with its offset (2026-11-27T14:05:00Z, 2026-11-27T15:05:00+01:00) between 2000 and 2099. */
    private static Instant instant(List<String> problems, String field, String value) {
        try {
            Instant at = OffsetDateTime.parse(value).toInstant();
            if (!at.isBefore(EARLIEST) && !at.isAfter(LATEST)) {
                return at;
            }
            problems.add(field + ": must lie between 2000 and 2099");
        } catch (DateTimeParseException e) {
            problems.add(field + ": not an ISO-8601 time with offset, e.g. 2026-11-27T14:05:00Z");
        }
        return null;
    }

    /** The row as written, for the person who fixes it (shipment and stock rows hold no personal data); bounded. */
    private static String fields(Csv.Row row) {
        String text = Csv.line(row.fields()).strip();
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
