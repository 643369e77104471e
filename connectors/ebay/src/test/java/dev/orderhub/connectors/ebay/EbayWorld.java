package dev.orderhub.connectors.ebay;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.conformance.StubTap;
import dev.orderhub.connector.ChannelSettings;
import dev.orderhub.connector.http.ChannelClients;
import dev.orderhub.connector.http.Pause;
import dev.orderhub.connector.http.RateBuckets;
import dev.orderhub.connector.manifest.ConnectorManifests;
import dev.orderhub.connector.manifest.ConnectorSettings;
import dev.orderhub.connector.manifest.WrittenValues;
import dev.orderhub.connectors.ebay.sandbox.EbaySandbox;

/**
 * The eBay beans on a fresh sandbox without the hub: one channel, {@code ebay-test}, configured
 * through the real manifest (defaults, validation), the toolkit's real client with in-memory
 * buckets, and a {@link StubTap} recording every exchange. For the connector's own tests.
 */
final class EbayWorld implements AutoCloseable {

    static final String CHANNEL = "ebay-test";
    static final ObjectMapper JSON = new ObjectMapper();

    final EbaySandbox sandbox = new EbaySandbox();
    final StubTap tap = new StubTap(EbaySandbox::errorBody);
    final EbayAccounts accounts;
    final EbayOrders orders;
    final EbayShipments shipments;
    final EbayStockOut stock;
    final EbayListings listings;

    EbayWorld(Map<String, String> overrides) {
        Map<String, String> properties = new java.util.LinkedHashMap<>(sandbox.start(CHANNEL, List.of(), null));
        sandbox.contexts().forEach(tap::on);
        properties.putAll(overrides);
        ConnectorManifests manifests = ConnectorManifests.discover(Path.of("connectors"));
        ConnectorSettings settings = ConnectorSettings.validate(manifests.get("ebay").orElseThrow(), CHANNEL, null, properties,
                WrittenValues.unknown());
        ChannelSettings channels = new ChannelSettings() {
            @Override
            public List<String> channels(String connector) {
                return connector.equals("ebay") ? List.of(CHANNEL) : List.of();
            }

            @Override
            public Optional<ConnectorSettings> settings(String connector, String channel) {
                return connector.equals("ebay") && channel.equals(CHANNEL) ? Optional.of(settings) : Optional.empty();
            }
        };
        ChannelClients clients = new ChannelClients(JSON, new MemoryBuckets(), Clock.systemUTC(), null, Pause.sleeping());
        accounts = new EbayAccounts(channels, clients, manifests, JSON, Clock.systemUTC());
        orders = new EbayOrders(accounts, JSON, Clock.systemUTC());
        shipments = new EbayShipments(accounts, JSON);
        stock = new EbayStockOut(accounts, JSON);
        listings = new EbayListings(accounts);
    }

    EbayWorld() {
        this(Map.of());
    }

    List<StubTap.Exchange> calls(String method, String pathEnd) {
        return tap.exchanges().stream().filter(e -> e.call().method().equals(method) && e.call().path().endsWith(pathEnd)).toList();
    }

    @Override
    public void close() {
        sandbox.close();
    }

    /** Token buckets in memory: always a token, unless a 429 blocked the bucket for a while. */
    static final class MemoryBuckets implements RateBuckets {
        private final Map<String, Long> blocked = new ConcurrentHashMap<>();

        @Override
        public boolean tryTake(String bucket, double rate, double burst) {
            return blockedFor(bucket) == 0;
        }

        @Override
        public void blockUntil(String bucket, long untilMillis) {
            blocked.merge(bucket, untilMillis, Math::max);
        }

        @Override
        public long blockedFor(String bucket) {
            return Math.max(0, blocked.getOrDefault(bucket, 0L) - System.currentTimeMillis());
        }
    }
}
