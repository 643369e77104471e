package dev.orderhub.connectors.webhook.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import dev.orderhub.connectors.webhook.WebhookStockStub;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Channels bench-1..bench-N, each pushing to its own path on one webhook stub at 5 requests/s. */
final class BenchStubs {

    private BenchStubs() {
    }

    static WebhookStockStub start() {
        try {
            return new WebhookStockStub();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> names(int count) {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            names.add("bench-" + i);
        }
        return names;
    }

    static void channels(DynamicPropertyRegistry registry, WebhookStockStub stub, int count, List<String> locations) {
        for (String channel : names(count)) {
            String prefix = "orderhub.channels." + channel + ".";
            registry.add(prefix + "name", () -> channel);
            for (int i = 0; i < locations.size(); i++) {
                String location = locations.get(i);
                registry.add(prefix + "locations[" + i + "]", () -> location);
            }
            registry.add(prefix + "connector.name", () -> "webhook");
            registry.add(prefix + "connector.properties.url", () -> stub.url(channel));
            // rate and burst: the webhook connector's manifest defaults (5 requests/s, evenly spaced)
            registry.add(prefix + "stock-sink.batch-size", () -> "100");
        }
        // Production intervals, not the test profile's faster ones.
        registry.add("orderhub.outbox.poll-interval-ms", () -> "100");
        registry.add("orderhub.stock-sync.push-interval-ms", () -> "50");
        registry.add("orderhub.stock-sync.reconcile-interval-ms", () -> "3600000");
    }
}
