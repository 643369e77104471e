package dev.orderhub.stocksync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.orderhub.connector.ChannelSettings;
import dev.orderhub.connector.ChannelUnusable;
import dev.orderhub.connector.RetryLater;
import dev.orderhub.connector.StockOut;

/**
 * A test-only {@link StockOut} for connector {@code recording}
 * (src/test/resources/test-connectors/recording/connector.yaml): it records every batch the hub
 * pushes, with its idempotency key and arrival time, and answers each call as the test scripted
 * it. Unscripted, every item is accepted. Like a remote that keeps keys, a batch whose key was
 * already applied is answered "accepted" and not applied again.
 */
public class RecordingStockOut implements StockOut {

    public static final String CONNECTOR = "recording";

    /** One call of {@link #push}: what the hub sent, with the time it arrived (System.nanoTime). */
    public record Call(String channel, List<ListingQuantity> batch, String idempotencyKey, long atNanos) {

        public boolean carries(String listingSku) {
            return batch.stream().anyMatch(q -> q.listingSku().equals(listingSku));
        }
    }

    /** One value applied, with the time it arrived. */
    public record Received(String channel, String sku, long quantity, long version, long atNanos) {
    }

    /** How the next call carrying a scripted sku is answered. */
    public record Answer(Kind kind, Duration after, String reason) {

        public enum Kind { ACCEPT, REJECT, RETRY_ITEM, RETRY_LATER, FAIL, UNUSABLE, APPLIED_ANSWER_LOST, PAUSE, SLOW }

        public static Answer accept() {
            return new Answer(Kind.ACCEPT, Duration.ZERO, null);
        }

        /** This item is refused (ItemResult.rejected); the rest of the batch is taken. */
        public static Answer reject(String reason) {
            return new Answer(Kind.REJECT, Duration.ZERO, reason);
        }

        /** This item is not taken now (ItemResult.retry after). */
        public static Answer retryItem(Duration after) {
            return new Answer(Kind.RETRY_ITEM, after, "busy (scripted)");
        }

        /** The whole call throws {@link RetryLater}: nothing taken, try again after. */
        public static Answer retryLater(Duration after) {
            return new Answer(Kind.RETRY_LATER, after, "throttled (scripted)");
        }

        /** The whole call throws a RuntimeException with this message: nothing taken. */
        public static Answer fail(String reason) {
            return new Answer(Kind.FAIL, Duration.ZERO, reason);
        }

        /** The whole call throws {@link ChannelUnusable}: the sink cannot work as configured. */
        public static Answer unusable(String reason) {
            return new Answer(Kind.UNUSABLE, Duration.ZERO, reason);
        }

        /** The batch is applied, then the call throws as if its answer were lost (a timeout). */
        public static Answer appliedAnswerLost() {
            return new Answer(Kind.APPLIED_ANSWER_LOST, Duration.ZERO, "answer lost (scripted)");
        }

        /** Accepted, and the remote's window is spent: the channel waits {@code after}. */
        public static Answer pause(Duration after) {
            return new Answer(Kind.PAUSE, after, null);
        }

        /** A slow remote: the call is held until the test calls {@link RecordingStockOut#release()}, then accepted. */
        public static Answer slow() {
            return new Answer(Kind.SLOW, Duration.ZERO, null);
        }
    }

    private final ChannelSettings settings;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Received> latest = new ConcurrentHashMap<>();
    private final Map<String, Queue<Answer>> scripts = new ConcurrentHashMap<>();
    private final Set<String> appliedKeys = ConcurrentHashMap.newKeySet();
    private volatile String failAll;
    /** Released by {@link #release()}; a fresh one whenever a slow answer is scripted. */
    private final java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CountDownLatch> held =
            new java.util.concurrent.atomic.AtomicReference<>(new java.util.concurrent.CountDownLatch(1));

    public RecordingStockOut(ChannelSettings settings) {
        this.settings = settings;
    }

    @Override
    public String connector() {
        return CONNECTOR;
    }

    @Override
    public boolean serves(String channel) {
        return settings.of(CONNECTOR, channel).isPresent();
    }

    /** The next calls of this channel that carry this listing sku are answered so, one answer each. */
    public void script(String channel, String listingSku, Answer... next) {
        if (List.of(next).stream().anyMatch(a -> a.kind() == Answer.Kind.SLOW)) {
            held.set(new java.util.concurrent.CountDownLatch(1));
        }
        scripts.computeIfAbsent(channel + "|" + listingSku, k -> new ConcurrentLinkedQueue<>()).addAll(List.of(next));
    }

    /** From now on every call throws a RuntimeException with this message (null: normal service again). */
    public void failAll(String reason) {
        this.failAll = reason;
    }

    /** Normal service: no scripts, no failures. What was recorded stays. */
    public void reset() {
        failAll = null;
        scripts.clear();
    }

    @Override
    public Pushed push(String channel, List<ListingQuantity> batch, String idempotencyKey) {
        calls.add(new Call(channel, List.copyOf(batch), idempotencyKey, System.nanoTime()));
        String failing = failAll;
        if (failing != null) {
            throw new IllegalStateException(failing);
        }
        Map<String, Answer> answers = new ConcurrentHashMap<>();
        Answer whole = null;
        for (ListingQuantity item : batch) {
            Queue<Answer> script = scripts.get(channel + "|" + item.listingSku());
            Answer next = script == null ? null : script.poll();
            if (next == null) {
                continue;
            }
            answers.put(item.listingSku(), next);
            boolean batchWide = switch (next.kind()) {
                case RETRY_LATER, FAIL, UNUSABLE, APPLIED_ANSWER_LOST, PAUSE, SLOW -> true;
                default -> false;
            };
            whole = whole == null && batchWide ? next : whole;
        }
        if (whole != null && whole.kind() == Answer.Kind.RETRY_LATER) {
            throw new RetryLater(whole.after(), whole.reason());
        }
        if (whole != null && whole.kind() == Answer.Kind.FAIL) {
            throw new IllegalStateException(whole.reason());
        }
        if (whole != null && whole.kind() == Answer.Kind.UNUSABLE) {
            throw new ChannelUnusable(whole.reason());
        }
        if (whole != null && whole.kind() == Answer.Kind.SLOW) {
            holdUntilReleased();
        }
        if (idempotencyKey != null && !appliedKeys.add(idempotencyKey)) {
            return Pushed.of(batch.stream().map(q -> ItemResult.accepted(q.listingSku())).toList()); // a repeat: not applied again
        }
        List<ItemResult> results = new ArrayList<>();
        long now = System.nanoTime();
        for (ListingQuantity item : batch) {
            Answer answer = answers.get(item.listingSku());
            Answer.Kind kind = answer == null ? Answer.Kind.ACCEPT : answer.kind();
            if (kind == Answer.Kind.REJECT) {
                results.add(ItemResult.rejected(item.listingSku(), answer.reason()));
            } else if (kind == Answer.Kind.RETRY_ITEM) {
                results.add(ItemResult.retry(item.listingSku(), answer.after(), answer.reason()));
            } else {
                Received r = new Received(channel, item.listingSku(), item.quantity(), item.version(), now);
                received.add(r);
                latest.put(channel + "|" + item.listingSku(), r);
                results.add(ItemResult.accepted(item.listingSku()));
            }
        }
        if (whole != null && whole.kind() == Answer.Kind.APPLIED_ANSWER_LOST) {
            throw new IllegalStateException(whole.reason());
        }
        if (idempotencyKey != null && results.stream().anyMatch(r -> r.outcome() != ItemResult.Outcome.ACCEPTED)) {
            appliedKeys.remove(idempotencyKey); // not all of it was taken: the same batch again is not a repeat
        }
        return new Pushed(results, whole != null && whole.kind() == Answer.Kind.PAUSE ? whole.after() : Duration.ZERO);
    }

    /** Lets every held (slow) call answer. */
    public void release() {
        held.get().countDown();
    }

    private void holdUntilReleased() {
        try {
            if (!held.get().await(30, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new IllegalStateException("held call never released by the test");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The quantity a channel shows for a listing sku now (null: never applied). */
    public Long shown(String channel, String listingSku) {
        Received r = latest.get(channel + "|" + listingSku);
        return r == null ? null : r.quantity();
    }

    public List<Received> received(String channel, String listingSku) {
        return received.stream().filter(r -> r.channel().equals(channel) && r.sku().equals(listingSku)).toList();
    }

    public List<Received> received(String channel) {
        return received.stream().filter(r -> r.channel().equals(channel)).toList();
    }

    /** Every call to this channel, in arrival order. */
    public List<Call> calls(String channel) {
        return calls.stream().filter(c -> c.channel().equals(channel)).toList();
    }

    /** The calls to this channel that carried this listing sku, whatever their answer. */
    public List<Call> calls(String channel, String listingSku) {
        return calls.stream().filter(c -> c.channel().equals(channel) && c.carries(listingSku)).toList();
    }
}
