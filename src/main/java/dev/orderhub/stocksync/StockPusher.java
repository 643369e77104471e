package dev.orderhub.stocksync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.orderhub.connector.http.Backoff;
import dev.orderhub.channel.Channel;
import dev.orderhub.channel.ChannelHealth;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.listing.Listings;
import dev.orderhub.connector.http.RateLimiter;
import dev.orderhub.inventory.LockConflicts;
import dev.orderhub.messaging.ExceptionStore;
import dev.orderhub.messaging.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The second half of the stock-sync flow: pushes due values to each channel, one worker per
 * channel, urgent values first, in batches, within the channel's token bucket. A 429 (or an
 * exhausted rate window) pauses the channel for as long as the remote asked; other failures
 * retry with exponential backoff. An accepted value is recorded only if no newer one was, and
 * published as stock.pushed. Pushes run on one instance per cluster (route stock-push is
 * {@code master:stock-push:timer:...}), so a channel sees its values in the order they were computed.
 */
@Component("stockPusher")
public class StockPusher implements DisposableBean {

    public static final String STOCK_PUSHED = "stock.pushed";
    private static final Logger LOG = LoggerFactory.getLogger(StockPusher.class);
    /** At most this many batches per channel per run, so one busy channel does not hold its worker forever. */
    private static final int BATCHES_PER_RUN = 50;

    private final ChannelRegistry channels;
    private final ChannelStockStore store;
    private final RateLimiter rateLimiter;
    private final StockPushes client;
    private final Outbox outbox;
    private final ExceptionStore exceptions;
    private final ChannelHealth health;
    private final Listings listings;
    private final Clock clock;
    private final TransactionTemplate transaction;
    private final Duration claimFor = Duration.ofSeconds(60);
    private final long backoffMs;
    private final long maxBackoffMs;
    private final double rateMargin;
    private final int retryBudget;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "stock-push");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, AtomicBoolean> running = new ConcurrentHashMap<>();
    /** Failed pushes per channel since its last accepted one (whatever values they carried). */
    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    private final io.micrometer.core.instrument.MeterRegistry meters;

    /** How long one push (a batch to one channel) took, by channel and outcome. */
    public static final String PUSH_TIMER = "orderhub.stock.push";
    /** Pushes that failed (not accepted, not merely throttled), by channel and reason. */
    public static final String PUSH_FAILURES = "orderhub.stock.push.failures";
    /** The timer's histogram buckets: enough for a p95 in Prometheus without hundreds of series per channel. */
    private static final Duration[] PUSH_BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};

    public StockPusher(ChannelRegistry channels, ChannelStockStore store, RateLimiter rateLimiter, StockPushes client,
                       Outbox outbox, ExceptionStore exceptions, ChannelHealth health, Listings listings, Clock clock,
                       PlatformTransactionManager transactions, io.micrometer.core.instrument.MeterRegistry meters,
                       @Value("${orderhub.stock-sync.backoff-ms:500}") long backoffMs,
                       @Value("${orderhub.stock-sync.max-backoff-ms:60000}") long maxBackoffMs,
                       @Value("${orderhub.stock-sync.rate-margin:0.9}") double rateMargin,
                       @Value("${orderhub.stock-sync.retry-budget:8}") int retryBudget) {
        this.meters = meters;
        this.rateMargin = rateMargin;
        this.retryBudget = retryBudget;
        this.channels = channels;
        this.store = store;
        this.rateLimiter = rateLimiter;
        this.client = client;
        this.outbox = outbox;
        this.exceptions = exceptions;
        this.health = health;
        this.listings = listings;
        this.clock = clock;
        this.transaction = new TransactionTemplate(transactions);
        this.backoffMs = backoffMs;
        this.maxBackoffMs = maxBackoffMs;
    }

    /** Stops the workers before the database closes (a clean stop logs no failed push). */
    @jakarta.annotation.PreDestroy
    void stop() throws InterruptedException {
        workers.shutdownNow();
        workers.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Starts a worker for every pushed channel that has due values and no worker running. */
    public void pushDue() {
        for (Channel channel : channels.pushedChannels()) {
            AtomicBoolean busy = running.computeIfAbsent(channel.id(), id -> new AtomicBoolean());
            if (busy.compareAndSet(false, true)) {
                workers.execute(() -> {
                    try {
                        drain(channel);
                    } catch (RuntimeException e) {
                        LOG.warn("stock push to {} stopped for this round: {}", channel.id(), e.getMessage());
                    } finally {
                        busy.set(false);
                    }
                });
            }
        }
    }

    private void drain(Channel channel) {
        String bucket = channel.id() + ":stock-push";
        Channel.StockSink sink = channel.stockSink();
        for (int batch = 0; batch < BATCHES_PER_RUN; batch++) {
            Instant now = clock.instant();
            if (!store.anyDue(channel.id(), now) || !rateLimiter.tryTake(bucket, sink.rate() * rateMargin, sink.burst())) {
                return;
            }
            List<ChannelStockStore.Row> claimed = transaction.execute(s ->
                    store.claim(channel.id(), sink.batchSize(), now, now.plus(claimFor)));
            if (claimed == null || claimed.isEmpty()) {
                return;
            }
            List<StockUpdate> updates = claimed.stream().map(row -> new StockUpdate(row.sku(),
                    listings.listingSku(channel, row.sku()), row.ats(), row.version(), row.changedAt())).toList();
            try {
                PushOutcome outcome = timedPush(channel, updates);
                LockConflicts.retry(() -> {
                    record(channel, bucket, claimed, updates, outcome);
                    return null;
                });
            } catch (RuntimeException e) {
                // Whatever happened, the values must not wait for their claim to expire.
                store.release(channel.id(), updates.stream().map(StockUpdate::sku).toList());
                throw e;
            }
        }
    }

    /** One push, timed ({@link #PUSH_TIMER}) and, when it failed, counted ({@link #PUSH_FAILURES}). */
    private PushOutcome timedPush(Channel channel, List<StockUpdate> updates) {
        long start = System.nanoTime();
        String outcome = "error";
        try {
            PushOutcome answer = client.push(channel, updates);
            outcome = answer.unusable() ? "unusable" : answer.accepted() ? "accepted" : answer.throttled() ? "throttled" : "failed";
            return answer;
        } finally {
            io.micrometer.core.instrument.Timer.builder(PUSH_TIMER).description("one stock push to a channel (a batch of values)")
                    .tag("channel", channel.id()).tag("outcome", outcome).serviceLevelObjectives(PUSH_BUCKETS)
                    .register(meters).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
            if (!outcome.equals("accepted") && !outcome.equals("throttled")) {
                meters.counter(PUSH_FAILURES, "channel", channel.id(), "reason", outcome).increment();
            }
        }
    }

    private void record(Channel channel, String bucket, List<ChannelStockStore.Row> claimed, List<StockUpdate> updates,
                        PushOutcome outcome) {
        Instant now = clock.instant();
        List<String> skus = updates.stream().map(StockUpdate::sku).toList();
        if (outcome.retryAfterMillis() > 0) {
            rateLimiter.blockUntil(bucket, now.toEpochMilli() + outcome.retryAfterMillis());
        }
        if (outcome.unusable()) {
            // Nothing soon will change it: slow retries, the channel DOWN, a person told once.
            store.failed(channel.id(), skus, outcome.error(), now.plusMillis(maxBackoffMs), true);
            if (health.down(channel.id(), "stock-push", outcome.error())) {
                transaction.executeWithoutResult(s -> exceptions.park("channel:" + channel.id() + ":stock-push",
                        "stock push to channel " + channel.id() + " cannot work as configured: " + outcome.error()
                                + "; the channel's health is DOWN and its values are tried again every "
                                + Duration.ofMillis(maxBackoffMs).toString().substring(2).toLowerCase(),
                        String.join(", ", skus)));
                LOG.error("stock push to {} cannot work as configured: {}", channel.id(), outcome.error());
            }
            return;
        }
        if (health.up(channel.id(), "stock-push")) {
            LOG.info("stock push to {} works again", channel.id());
        }
        if (!outcome.accepted()) {
            boolean throttled = outcome.throttled();
            int attempts = claimed.stream().mapToInt(ChannelStockStore.Row::attempts).max().orElse(0);
            Instant retryAt = throttled ? now.plusMillis(Math.max(outcome.retryAfterMillis(), 1))
                    : now.plusMillis(Backoff.millis(backoffMs, attempts, maxBackoffMs));
            store.failed(channel.id(), skus, outcome.error(), retryAt, !throttled);
            int inARow = throttled ? failuresInARow(channel).get() : failuresInARow(channel).incrementAndGet();
            if (!throttled && inARow == retryBudget) {
                // Once per run of failures: the values keep being retried, a person should look.
                transaction.executeWithoutResult(s -> exceptions.park("channel:" + channel.id() + ":stock-push",
                        "stock push to channel " + channel.id() + " failed " + retryBudget + " times in a row, still "
                                + "retrying every " + Duration.ofMillis(maxBackoffMs).toString().substring(2).toLowerCase()
                                + "; last error: " + outcome.error(),
                        String.join(", ", skus)));
            }
            LOG.info("stock push to {} ({} values) not accepted: {}; next try at {}", channel.id(), skus.size(),
                    outcome.error(), retryAt);
            return;
        }
        failuresInARow(channel).set(0);
        List<StockUpdate> inLockOrder = new ArrayList<>(updates);
        inLockOrder.sort(Comparator.comparing(StockUpdate::sku)); // the order StockSync locks rows in
        transaction.executeWithoutResult(s -> {
            List<String> rejected = new ArrayList<>();
            for (StockUpdate update : inLockOrder) {
                String reason = outcome.rejected().get(update.listingSku());
                Long wait = outcome.retry().get(update.listingSku());
                if (wait != null) {
                    store.failed(channel.id(), List.of(update.sku()), "not taken now by the channel", now.plusMillis(wait),
                            false);
                } else if (reason != null) {
                    rejected.add(update.sku());
                    exceptions.park("channel:" + channel.id() + ":stock-push", "channel " + channel.id() + " rejected "
                            + update.listingSku() + " = " + update.quantity() + ": " + reason, update.toString());
                } else if (store.pushed(channel.id(), update.sku(), update.quantity(), update.version(), now)) {
                    outbox.append(STOCK_PUSHED, update.sku(), new StockPushed(channel.id(), update.sku(),
                            update.listingSku(), update.quantity(), update.version(), update.changedAt(), now));
                }
            }
            if (!rejected.isEmpty()) {
                // Retrying the same value at once cannot help: again in an hour, or as soon as the value changes.
                store.failed(channel.id(), rejected, "rejected by the channel", now.plus(Duration.ofHours(1)), true);
            }
        });
    }

    private AtomicInteger failuresInARow(Channel channel) {
        return failures.computeIfAbsent(channel.id(), id -> new AtomicInteger());
    }

    /** Payload of stock.pushed: the channel accepted this value at this time. */
    public record StockPushed(String channel, String sku, String listingSku, long quantity, long version,
                              Instant changedAt, Instant pushedAt) {
    }

    @Override
    public void destroy() {
        workers.shutdownNow();
    }
}
