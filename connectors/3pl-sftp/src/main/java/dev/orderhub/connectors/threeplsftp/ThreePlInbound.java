package dev.orderhub.connectors.threeplsftp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.orderhub.connector.ChannelProblems;
import dev.orderhub.connector.TargetStock;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The steps of route 3pl-sftp-inbound (3pl-sftp.camel.yaml) for one file of the 3PL's inbound
 * folder. {@link #read} reads it whole (at most {@link InboundFiles#MAX_BYTES}) and tells what it
 * is; {@link #take} applies it in ONE database transaction: the file is recorded in
 * sftp3pl_files (name, modification time, checksum), its parcels stored, its counts applied
 * through {@link TargetStock}, its bad rows raised for a person. Only after that commit does the
 * route's consumer move the file away on the server; a file seen again (the hub died between
 * the commit and the move) is already recorded, so nothing of it is applied twice, and it is
 * only moved. A file that is no CSV the connector knows is recorded, raised and moved to the
 * failed folder ({@link #refuse}).
 */
@Component("threePlInbound")
public class ThreePlInbound {

    /** The header the route sets: the folder, relative to the inbound one, the file is moved to once done. */
    public static final String MOVE_TO = "ThreePlSftpMoveTo";
    /** The header {@link #read} sets: SHIPMENTS, STOCK or UNREADABLE. */
    public static final String KIND = "ThreePlSftpKind";
    private static final Logger LOG = LoggerFactory.getLogger(ThreePlInbound.class);
    private static final int LISTED_BAD_ROWS = 20;
    private static final int MAX_PAYLOAD_ROWS = 500;

    private final ThreePlAccounts accounts;
    private final ThreePlRecords records;
    private final TargetStock stock;
    private final ChannelProblems problems;
    private final TransactionTemplate transaction;

    public ThreePlInbound(ThreePlAccounts accounts, ThreePlRecords records, TargetStock stock, ChannelProblems problems,
                          PlatformTransactionManager transactions) {
        this.accounts = accounts;
        this.records = records;
        this.stock = stock;
        this.problems = problems;
        this.transaction = new TransactionTemplate(transactions);
    }

    /** Step 1: the file's bytes, checksum and rows, as the message body; its kind in header {@value #KIND}. */
    public void read(Exchange exchange) {
        InboundFiles.InboundFile file = readFile(exchange);
        exchange.getMessage().setBody(file);
        exchange.getMessage().setHeader(KIND, file.kind().name());
    }

    private InboundFiles.InboundFile readFile(Exchange exchange) {
        String name = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        Long modified = exchange.getMessage().getHeader(Exchange.FILE_LAST_MODIFIED, Long.class);
        Long length = exchange.getMessage().getHeader(Exchange.FILE_LENGTH, Long.class);
        long modifiedMs = modified == null ? 0 : modified;
        if (name == null || name.length() > 255) {
            throw new IllegalStateException("a file of the 3PL's inbound folder without a usable name");
        }
        if (length != null && length > InboundFiles.MAX_BYTES) {
            return InboundFiles.unreadable(name, modifiedMs, length, "size-" + length, "larger than "
                    + InboundFiles.MAX_BYTES + " bytes (" + length + ")");
        }
        byte[] bytes;
        try (InputStream in = exchange.getMessage().getMandatoryBody(InputStream.class)) {
            bytes = in.readNBytes((int) InboundFiles.MAX_BYTES + 1);
        } catch (IOException e) {
            throw new UncheckedIOException("3PL file " + name + ": reading it failed", e);
        } catch (org.apache.camel.InvalidPayloadException e) {
            throw new IllegalStateException("3PL file " + name + ": no content to read", e);
        }
        if (bytes.length > InboundFiles.MAX_BYTES) {
            return InboundFiles.unreadable(name, modifiedMs, bytes.length, OrderFiles.sha256(bytes), "larger than "
                    + InboundFiles.MAX_BYTES + " bytes");
        }
        return InboundFiles.read(name, modifiedMs, bytes);
    }

    /** Step 2 for a shipment confirmation or stock count file: applied once, in one transaction. */
    public String take(InboundFiles.InboundFile file) {
        ThreePlAccounts.Account account = accounts.require();
        String outcome = transaction.execute(status -> apply(account, file));
        LOG.info("3PL file {} ({}): {}", file.name(), file.kind(), outcome);
        return outcome;
    }

    /** Step 2 for a file that is no CSV of ours: recorded and raised once; the route moves it to the failed folder. */
    public String refuse(InboundFiles.InboundFile file) {
        ThreePlAccounts.Account account = accounts.require();
        String outcome = transaction.execute(status -> {
            if (!records.taken(account.channel(), file)) {
                return "seen before (" + file.unreadable() + "); moved to the failed folder";
            }
            problems.raise(ThreePlAccounts.CONNECTOR, account.channel(), "inbound", "3PL file " + file.name() + " was not taken: "
                    + file.unreadable() + "; it was moved to " + account.inboundFolder() + "/" + account.failedFolder()
                    + " on the 3PL's server", file.name());
            return "not taken: " + file.unreadable();
        });
        LOG.warn("3PL file {}: {}", file.name(), outcome);
        return outcome;
    }

    private String apply(ThreePlAccounts.Account account, InboundFiles.InboundFile file) {
        if (!records.taken(account.channel(), file)) {
            return "taken before (recorded with the same name, time and checksum): nothing applied again";
        }
        List<InboundFiles.BadRow> bad = new ArrayList<>(file.bad());
        int taken = file.kind() == InboundFiles.Kind.SHIPMENTS ? shipments(account, file, bad) : counts(account, file, bad);
        records.outcome(account.channel(), file, taken, bad.size());
        if (!bad.isEmpty()) {
            bad.sort((a, b) -> Integer.compare(a.line(), b.line()));
            String listed = bad.stream().limit(LISTED_BAD_ROWS).map(row -> "line " + row.line() + ": " + row.problem())
                    .collect(Collectors.joining("; "));
            problems.raise(ThreePlAccounts.CONNECTOR, account.channel(), "inbound", "3PL file " + file.name() + ": "
                    + bad.size() + " rows not taken (" + taken + " taken): " + listed + (bad.size() > LISTED_BAD_ROWS
                    ? "; and " + (bad.size() - LISTED_BAD_ROWS) + " more (listed in the payload)" : ""),
                    bad.stream().limit(MAX_PAYLOAD_ROWS).map(row -> "line " + row.line() + ": " + row.problem()
                            + (row.fields().isEmpty() ? "" : " | " + row.fields())).collect(Collectors.joining("\n")));
        }
        return taken + " rows taken, " + bad.size() + " not";
    }

    /**
     * Parcels: a row must be a line of an order written for the 3PL, within what is still
     * unconfirmed; rows of one tracking number form one parcel, which comes in one file (a
     * parcel of an earlier file is never given more lines). A row exactly as an earlier file
     * confirmed it (a 3PL that sends its confirmations again) is a repeat, not an error.
     */
    private int shipments(ThreePlAccounts.Account account, InboundFiles.InboundFile file, List<InboundFiles.BadRow> bad) {
        Map<String, Map<String, Integer>> ordered = new HashMap<>();
        Map<String, List<ThreePlRecords.ParcelLine>> confirmed = new HashMap<>();
        Set<String> inThisFile = new HashSet<>();
        Set<String> cancelled = new HashSet<>();
        int taken = 0;
        for (InboundFiles.Shipped row : file.shipped()) {
            String order = row.hubOrderId();
            ThreePlRecords.SentOrder sent = records.lockOrder(order).orElse(null);
            if (sent == null) {
                bad.add(new InboundFiles.BadRow(row.line(), "order_id: " + order + " is no order the hub sent to the 3PL", ""));
                continue;
            }
            Map<String, Integer> lines = ordered.computeIfAbsent(order, records::lines);
            List<ThreePlRecords.ParcelLine> before = confirmed.computeIfAbsent(order, records::parcels);
            Integer qty = lines.get(row.lineId());
            if (qty == null) {
                bad.add(new InboundFiles.BadRow(row.line(), "line_id: " + row.lineId() + " is no line of order " + order, ""));
                continue;
            }
            ThreePlRecords.ParcelLine same = before.stream().filter(p -> p.trackingNumber().equals(row.trackingNumber())
                    && p.lineId().equals(row.lineId())).findFirst().orElse(null);
            if (same != null) {
                if (same.qty() == row.qty() && same.carrier().equals(row.carrier()) && !inThisFile.contains(order + "\n"
                        + row.trackingNumber() + "\n" + row.lineId())) {
                    continue; // confirmed before exactly so: a repeat
                }
                bad.add(new InboundFiles.BadRow(row.line(), "tracking_number " + row.trackingNumber() + " line " + row.lineId()
                        + " of order " + order + " was confirmed before (" + same.qty() + " units, " + same.carrier() + ", file "
                        + same.fileName() + ")", ""));
                continue;
            }
            boolean earlierParcel = before.stream().anyMatch(p -> p.trackingNumber().equals(row.trackingNumber())
                    && !p.fileName().equals(file.name()));
            if (earlierParcel) {
                bad.add(new InboundFiles.BadRow(row.line(), "tracking_number " + row.trackingNumber() + " of order " + order
                        + " was confirmed in an earlier file with other lines: a parcel's lines come in one file", ""));
                continue;
            }
            int shippedBefore = before.stream().filter(p -> p.lineId().equals(row.lineId()))
                    .mapToInt(ThreePlRecords.ParcelLine::qty).sum();
            if (shippedBefore + row.qty() > qty) {
                bad.add(new InboundFiles.BadRow(row.line(), "qty: " + row.qty() + " more of line " + row.lineId() + " of order "
                        + order + " would confirm " + (shippedBefore + row.qty()) + " of " + qty + " ordered", ""));
                continue;
            }
            records.parcelLine(order, row, file.name());
            before.add(new ThreePlRecords.ParcelLine(row.trackingNumber(), row.lineId(), row.qty(), row.carrier(),
                    row.service(), row.shippedAt(), file.name()));
            inThisFile.add(order + "\n" + row.trackingNumber() + "\n" + row.lineId());
            if (ThreePlRecords.CANCEL_SENT.equals(sent.status())) {
                cancelled.add(order);
            }
            taken++;
        }
        for (String order : cancelled) {
            problems.raise(ThreePlAccounts.CONNECTOR, account.channel(), "inbound", "3PL file " + file.name() + " confirms "
                    + "parcels of order " + order + ", which the hub had cancelled at the 3PL (a cancel file): it shipped "
                    + "anyway; a person must decide (recall the parcel, or charge the buyer)", order);
        }
        return taken;
    }

    /** Counts: applied as the on-hand at the 3PL's location, unless a newer count of the sku was taken already. */
    private int counts(ThreePlAccounts.Account account, InboundFiles.InboundFile file, List<InboundFiles.BadRow> bad) {
        Set<String> seen = new HashSet<>();
        int taken = 0;
        for (InboundFiles.Counted row : file.counted()) {
            if (!seen.add(row.sku())) {
                bad.add(new InboundFiles.BadRow(row.line(), "sku: " + row.sku() + " was counted on an earlier line of this file", ""));
                continue;
            }
            var last = records.lastCount(account.location(), row.sku()).orElse(null);
            if (last != null && last.getValue().equals(row.countedAt()) && last.getKey() == row.onHand()) {
                continue; // the same count again: a repeat
            }
            if (last != null && !row.countedAt().isAfter(last.getValue())) {
                bad.add(new InboundFiles.BadRow(row.line(), "counted_at: " + row.countedAt() + " is not after the count of "
                        + last.getValue() + " taken already (" + last.getKey() + " on hand)", ""));
                continue;
            }
            String refused = stock.counted(ThreePlAccounts.CONNECTOR, account.location(), row.sku(), row.onHand(),
                    "3PL count of " + row.countedAt() + ", " + file.name() + " line " + row.line());
            if (refused != null) {
                bad.add(new InboundFiles.BadRow(row.line(), refused, ""));
                continue;
            }
            records.count(account.location(), row, file.name());
            taken++;
        }
        return taken;
    }
}
