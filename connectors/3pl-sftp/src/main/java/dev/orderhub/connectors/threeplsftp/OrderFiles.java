package dev.orderhub.connectors.threeplsftp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import dev.orderhub.connector.FulfilmentService;

/**
 * The files the hub writes for the 3PL (README.md, "Files to the 3PL"): an order file per order
 * and a cancel file per cancellation. Name and content are a function of the request alone (no
 * time of writing in either), so writing one again is writing the same file. Every field is
 * checked first; a request that cannot be written is refused with the field and the problem,
 * never its value (names and addresses are personal data).
 */
final class OrderFiles {

    static final List<String> ORDER_HEADER = List.of("order_id", "channel_order_id", "placed_at", "ship_to_name",
            "ship_to_line1", "ship_to_line2", "ship_to_city", "ship_to_region", "ship_to_postal_code", "ship_to_country",
            "line_id", "sku", "qty");
    static final List<String> CANCEL_HEADER = List.of("order_id");
    static final Pattern ORDER_ID = Pattern.compile("[A-Za-z0-9._-]{1,40}");
    static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
    static final int MAX_LINES = 1000;
    static final int MAX_QTY = 10_000;

    private OrderFiles() {
    }

    /** A file to write: its name and bytes. */
    record File(String name, byte[] content) {

        String checksum() {
            return sha256(content);
        }
    }

    static String orderFileName(String hubOrderId) {
        return "ORDER_" + hubOrderId + ".csv";
    }

    static String cancelFileName(String hubOrderId) {
        return "CANCEL_" + hubOrderId + ".csv";
    }

    /** What is wrong with the request, one problem per field (empty: it can be written). */
    static List<String> problems(FulfilmentService.Request request) {
        List<String> problems = new ArrayList<>();
        if (request.hubOrderId() == null || !ORDER_ID.matcher(request.hubOrderId()).matches()) {
            problems.add("order id: must be 1 to 40 letters, digits, dots, dashes or underscores (it names the file)");
        }
        text(problems, "channel order id", request.channelOrderId(), 100, false);
        FulfilmentService.Destination to = request.destination();
        if (to == null) {
            problems.add("ship-to: missing (the 3PL needs an address)");
        } else {
            text(problems, "ship-to name", to.name(), 200, true);
            text(problems, "ship-to line1", to.line1(), 200, true);
            text(problems, "ship-to line2", to.line2(), 200, false);
            text(problems, "ship-to city", to.city(), 100, true);
            text(problems, "ship-to region", to.region(), 100, false);
            text(problems, "ship-to postal code", to.postalCode(), 20, false);
            if (to.country() == null || !COUNTRY.matcher(to.country()).matches()) {
                problems.add("ship-to country: must be an ISO 3166-1 alpha-2 code (two capital letters)");
            }
        }
        List<FulfilmentService.Item> items = request.items() == null ? List.of() : request.items();
        if (items.isEmpty() || items.size() > MAX_LINES) {
            problems.add("lines: 1 to " + MAX_LINES + " lines, has " + items.size());
        }
        Set<String> lineIds = new HashSet<>();
        for (int i = 0; i < items.size() && i < MAX_LINES; i++) {
            FulfilmentService.Item item = items.get(i);
            text(problems, "lines[" + i + "].lineId", item.lineId(), 100, true);
            text(problems, "lines[" + i + "].sku", item.sku(), 100, true);
            if (item.lineId() != null && !lineIds.add(item.lineId())) {
                problems.add("lines[" + i + "].lineId: repeats an earlier line's id");
            }
            if (item.qty() < 1 || item.qty() > MAX_QTY) {
                problems.add("lines[" + i + "].qty: must be 1 to " + MAX_QTY + ", is " + item.qty());
            }
        }
        return problems;
    }

    /** The order file: the header, then one row per line with the order's fields repeated. Check {@link #problems} first. */
    static File order(FulfilmentService.Request request) {
        StringBuilder csv = new StringBuilder(Csv.line(ORDER_HEADER));
        FulfilmentService.Destination to = request.destination();
        for (FulfilmentService.Item item : request.items()) {
            csv.append(Csv.line(List.of(request.hubOrderId(), orEmpty(request.channelOrderId()),
                    request.placedAt() == null ? "" : request.placedAt().toString(), to.name(), to.line1(), orEmpty(to.line2()),
                    to.city(), orEmpty(to.region()), orEmpty(to.postalCode()), to.country(), item.lineId(), item.sku(),
                    Integer.toString(item.qty()))));
        }
        return new File(orderFileName(request.hubOrderId()), csv.toString().getBytes(StandardCharsets.UTF_8));
    }

    static File cancel(String hubOrderId) {
        return new File(cancelFileName(hubOrderId), (Csv.line(CANCEL_HEADER) + Csv.line(List.of(hubOrderId)))
                .getBytes(StandardCharsets.UTF_8));
    }

    /** Printable text of at most {@code max} characters; never quotes the value. */
    static void text(List<String> problems, String field, String value, int max, boolean required) {
        if (value == null || value.isBlank()) {
            if (required) {
                problems.add(field + ": missing");
            }
            return;
        }
        if (value.length() > max) {
            problems.add(field + ": at most " + max + " characters, has " + value.length());
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                problems.add(field + ": holds a control character (a line break or tab) at position " + i);
                return;
            }
        }
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
