package dev.orderhub.connector;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * A connector's sandbox: a stand-in of its remote (the same stateful stub its tests use, built
 * from the remote's published spec) that the hub serves in-process when it runs as a demo
 * ({@code orderhub.demo.enabled=true}) and never otherwise. Found with
 * {@link java.util.ServiceLoader}: the connector lists its class in
 * {@code src/main/resources/META-INF/services/dev.orderhub.connector.Sandbox}; it needs a
 * public no-argument constructor.
 *
 * <p>The demo starts each sandbox before the hub's channels are configured, makes one demo
 * channel of its connector with the properties {@link #start} answers, and then plays buyers:
 * now and then {@link #placeOrder} on a sandbox, which the connector reads (polled, or pushed
 * by the sandbox to the hub's webhook) like any order of the remote.
 */
public interface Sandbox extends AutoCloseable {

    /** The connector it stands in for: its folder's name. */
    String connector();

    /**
     * Starts serving on 127.0.0.1 at a free port, with every sku of the catalogue listed for
     * sale (merchant-fulfilled), and answers the channel's {@code connector.properties} pointing
     * the connector at it (endpoint, demo credentials, webhook secret, ...).
     *
     * @param hub the hub's own base URL, for a sandbox that pushes (webhooks) to it
     */
    Map<String, String> start(String channel, List<String> skus, URI hub);

    /** A buyer orders {@code qty} of the sku now; answers the remote's order id. */
    String placeOrder(String sku, int qty);

    /** What buyers are shown per sku: the last quantity the hub pushed (absent: never pushed). */
    Map<String, Long> shown();

    /**
     * The tracking numbers the remote received per order (its order id as {@link #placeOrder}
     * answered it): what the buyer is shown.
     */
    default Map<String, List<String>> tracking() {
        throw new UnsupportedOperationException(connector() + "'s sandbox does not say which tracking it received");
    }

    /** Stops serving. */
    @Override
    void close();
}
