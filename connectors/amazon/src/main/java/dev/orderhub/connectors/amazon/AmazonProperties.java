package dev.orderhub.connectors.amazon;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Amazon seller accounts the hub reads (orderhub.connectors.amazon.accounts.&lt;channel&gt;):
 * the SP-API region endpoint and the Login with Amazon token endpoint (configuration, so the
 * hub can be pointed at a stub), the app's credentials and the seller's refresh token (from
 * the environment), its marketplaces, and how orders are polled. {@code mcfAccount} names the
 * account whose FBA stock ships Multi-Channel Fulfilment orders (target amazon-mcf).
 */
@ConfigurationProperties("orderhub.connectors.amazon")
public record AmazonProperties(Long pollIntervalMs, Map<String, Account> accounts, String mcfAccount) {
    // pollIntervalMs is read by the routes as a placeholder too (connectors/amazon/*.camel.yaml).

    /** The connector's name: its folder and its manifest's name. */
    public static final String CONNECTOR = "amazon";

    public AmazonProperties {
        pollIntervalMs = pollIntervalMs == null ? 60_000L : pollIntervalMs;
        accounts = accounts == null ? Map.of() : new LinkedHashMap<>(accounts);
    }

    /**
     * One seller account, keyed by its channel id in channels.yaml.
     *
     * @param overlapSeconds      each poll reads again this far back before the cursor, for orders whose
     *                            last-updated time Amazon set just before the previous poll's end
     * @param initialLookbackHours where the first poll starts
     * @param pageSize            maxResultsPerPage (1-100)
     * @param fbaLocation         the channel-owned location (channels.yaml) holding this account's FBA stock;
     *                            its on-hand is refreshed from getInventorySummaries. None: no refresh
     * @param sellerId            the merchant token, needed to update listings (stock out)
     */
    public record Account(URI endpoint, URI tokenUrl, String clientId, String clientSecret, String refreshToken,
                          List<String> marketplaceIds, Integer overlapSeconds, Integer initialLookbackHours,
                          Integer pageSize, String fbaLocation, String sellerId) {

        public int overlap() {
            return overlapSeconds == null ? 120 : overlapSeconds;
        }

        public int lookbackHours() {
            return initialLookbackHours == null ? 24 : initialLookbackHours;
        }

        public int pageSizeOrDefault() {
            return pageSize == null ? 100 : Math.max(1, Math.min(100, pageSize));
        }

        @Override
        public String toString() {
            return "Account[endpoint=" + endpoint + ", tokenUrl=" + tokenUrl + ", clientId=" + clientId
                    + ", clientSecret=****, refreshToken=****, marketplaceIds=" + marketplaceIds + "]";
        }
    }
}
