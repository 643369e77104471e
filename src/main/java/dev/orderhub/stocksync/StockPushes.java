package dev.orderhub.stocksync;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.orderhub.channel.Channel;
import dev.orderhub.channel.Connectors;
import dev.orderhub.connector.ChannelUnusable;
import dev.orderhub.connector.RetryLater;
import dev.orderhub.connector.StockOut;
import org.springframework.stereotype.Component;

/**
 * Hands one batch of stock updates to the channel's {@link StockOut} connector and reads its
 * typed answer back as a {@link PushOutcome}: per item accepted, rejected or to retry; the
 * whole batch throttled ({@link RetryLater} with a wait) or failed.
 */
@Component
public class StockPushes {

    private final Connectors connectors;

    public StockPushes(Connectors connectors) {
        this.connectors = connectors;
    }

    public PushOutcome push(Channel channel, List<StockUpdate> updates) {
        StockOut out = connectors.stockOut(channel.id()).orElse(null);
        if (out == null) {
            return PushOutcome.failed("no installed connector takes stock for channel " + channel.id());
        }
        List<StockOut.ListingQuantity> batch = updates.stream()
                .map(u -> new StockOut.ListingQuantity(u.listingSku(), u.quantity(), u.version())).toList();
        StockOut.Pushed results;
        try {
            results = out.push(channel.id(), batch, idempotencyKey(channel, updates));
        } catch (RetryLater e) {
            long wait = e.after().toMillis();
            return new PushOutcome(false, wait > 0, wait, Map.of(), Map.of(), e.getMessage());
        } catch (ChannelUnusable e) {
            return PushOutcome.unusable(e.getMessage());
        } catch (RuntimeException e) {
            return PushOutcome.failed(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        Map<String, String> rejected = new LinkedHashMap<>();
        Map<String, Long> retry = new LinkedHashMap<>();
        for (StockOut.ItemResult result : results == null ? List.<StockOut.ItemResult>of() : results.items()) {
            switch (result.outcome()) {
                case REJECTED -> rejected.put(result.listingSku(), result.reason() == null ? "rejected" : result.reason());
                case RETRY -> retry.put(result.listingSku(), Math.max(1, result.retryAfter().toMillis()));
                default -> { }
            }
        }
        return new PushOutcome(true, false, results == null ? 0 : results.pause().toMillis(), rejected, retry, null);
    }

    /**
     * The same for every attempt at the same batch (channel, and each sku's value and version),
     * so a remote that keeps keys applies a retried batch once even when it applied the first
     * attempt and only its answer was lost (a timeout, a reset).
     */
    static String idempotencyKey(Channel channel, List<StockUpdate> updates) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(channel.id().getBytes(StandardCharsets.UTF_8));
            for (StockUpdate u : updates) {
                sha.update(("\n" + u.listingSku() + "=" + u.quantity() + "@" + u.version()).getBytes(StandardCharsets.UTF_8));
            }
            return "stock-" + HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
