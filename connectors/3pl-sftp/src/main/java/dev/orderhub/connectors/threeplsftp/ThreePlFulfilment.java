package dev.orderhub.connectors.threeplsftp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.orderhub.connector.ChannelProblems;
import dev.orderhub.connector.FulfilmentService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The 3PL as the fulfilment target {@value #TARGET}. An order is recorded (with its lines and the
 * checksum of its file) before its file is written, then written as {@code ORDER_<hub order id>.csv};
 * a send again (the hub's retry) finds it recorded and writes nothing when it was written, or
 * the same bytes under the same name when the last attempt may have stopped before the rename
 * was recorded. Followed from the shipment confirmations the inbound route took
 * ({@link ThreePlInbound}); cancelled with {@code CANCEL_<hub order id>.csv}, refused once a
 * parcel of it was confirmed.
 */
@Component
public class ThreePlFulfilment implements FulfilmentService {

    static final String TARGET = "3pl-sftp";
    private static final Logger LOG = LoggerFactory.getLogger(ThreePlFulfilment.class);

    private final ThreePlAccounts accounts;
    private final ThreePlUploads uploads;
    private final ThreePlRecords records;
    private final ChannelProblems problems;
    private final TransactionTemplate transaction;

    public ThreePlFulfilment(ThreePlAccounts accounts, ThreePlUploads uploads, ThreePlRecords records,
                             ChannelProblems problems, PlatformTransactionManager transactions) {
        this.accounts = accounts;
        this.uploads = uploads;
        this.records = records;
        this.problems = problems;
        this.transaction = new TransactionTemplate(transactions);
    }

    @Override
    public String connector() {
        return ThreePlAccounts.CONNECTOR;
    }

    @Override
    public boolean serves(String channel) {
        return accounts.serves(channel);
    }

    @Override
    public String target() {
        return TARGET;
    }

    @Override
    public String location() {
        return accounts.account().map(ThreePlAccounts.Account::location).orElse(null);
    }

    @Override
    public String send(Request request) {
        ThreePlAccounts.Account account = accounts.require();
        List<String> wrong = OrderFiles.problems(request);
        if (!wrong.isEmpty()) {
            return "the order file cannot be written: " + String.join("; ", wrong);
        }
        OrderFiles.File file = OrderFiles.order(request);
        ThreePlRecords.SentOrder recorded = transaction.execute(status -> {
            records.writing(account.channel(), request, file);
            return records.order(request.hubOrderId()).orElseThrow();
        });
        if (!recorded.checksum().equals(file.checksum())) {
            // A second version under the same name is never written: the 3PL would ship one of the two.
            if (ThreePlRecords.WRITING.equals(recorded.status())) {
                return "the order was recorded for the 3PL with other content, and whether that first file reached it is "
                        + "not known: check " + recorded.fileName() + " with the 3PL";
            }
            problems.raise(connector(), account.channel(), "orders", "order " + request.hubOrderId() + " was sent to the 3PL "
                    + "before with other content (" + recorded.fileName() + "); the 3PL keeps the first version: change it "
                    + "with the 3PL if it must change", request.hubOrderId());
            return null;
        }
        if (!ThreePlRecords.WRITING.equals(recorded.status())) {
            LOG.info("3PL order file {} was written before: not written again", file.name());
            return null;
        }
        uploads.upload(account, file.name(), file.content());
        transaction.executeWithoutResult(status -> records.status(request.hubOrderId(), ThreePlRecords.SENT));
        LOG.info("3PL order file {} written ({} lines)", file.name(), request.items().size());
        return null;
    }

    @Override
    public Progress follow(String hubOrderId) {
        Map<String, Integer> ordered = records.lines(hubOrderId);
        if (ordered.isEmpty()) {
            throw new IllegalStateException("order " + hubOrderId + " was never written for the 3PL");
        }
        Map<String, List<ThreePlRecords.ParcelLine>> byTracking = new LinkedHashMap<>();
        records.parcels(hubOrderId).forEach(line -> byTracking.computeIfAbsent(line.trackingNumber(), t -> new ArrayList<>())
                .add(line));
        List<Parcel> parcels = new ArrayList<>();
        int shipped = 0;
        for (List<ThreePlRecords.ParcelLine> lines : byTracking.values()) {
            ThreePlRecords.ParcelLine first = lines.get(0);
            parcels.add(new Parcel(first.carrier(), first.service(), first.trackingNumber(), first.shippedAt(),
                    lines.stream().map(l -> new Line(l.lineId(), l.qty())).toList()));
            shipped += lines.stream().mapToInt(ThreePlRecords.ParcelLine::qty).sum();
        }
        int units = ordered.values().stream().mapToInt(Integer::intValue).sum();
        State state = shipped >= units ? State.SHIPPED : State.OPEN;
        return new Progress(state, parcels, shipped + " of " + units + " units confirmed shipped by the 3PL");
    }

    /**
     * Holds the order's row while it checks for parcels and writes the cancel file, so a
     * confirmation the inbound route takes meanwhile waits, then finds the order cancelled (and
     * raises the parcel that shipped anyway) instead of slipping in unseen.
     */
    @Override
    public String cancel(String hubOrderId) {
        ThreePlAccounts.Account account = accounts.require();
        return transaction.execute(status -> {
            ThreePlRecords.SentOrder recorded = records.lockOrder(hubOrderId).orElse(null);
            if (recorded == null) {
                return null; // never written: the 3PL has nothing to cancel
            }
            List<ThreePlRecords.ParcelLine> parcels = records.parcels(hubOrderId);
            if (!parcels.isEmpty()) {
                return "the 3PL already confirmed " + parcels.stream().mapToInt(ThreePlRecords.ParcelLine::qty).sum()
                        + " units of it shipped (tracking " + String.join(", ", parcels.stream()
                        .map(ThreePlRecords.ParcelLine::trackingNumber).distinct().toList()) + ")";
            }
            if (!ThreePlRecords.CANCEL_SENT.equals(recorded.status())) {
                OrderFiles.File file = OrderFiles.cancel(hubOrderId);
                uploads.upload(account, file.name(), file.content());
                records.status(hubOrderId, ThreePlRecords.CANCEL_SENT);
                LOG.info("3PL cancel file {} written", file.name());
            }
            return null;
        });
    }
}
