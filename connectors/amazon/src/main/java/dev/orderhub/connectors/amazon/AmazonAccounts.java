package dev.orderhub.connectors.amazon;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.orderhub.connector.ChannelSettings;
import dev.orderhub.connector.http.AllowedHosts;
import dev.orderhub.connector.http.ChannelAccount;
import dev.orderhub.connector.http.ChannelClient;
import dev.orderhub.connector.http.ChannelClients;
import dev.orderhub.connector.http.Credentials;
import dev.orderhub.connector.http.TokenPlacement;
import dev.orderhub.connector.manifest.ConnectorConfigurationException;
import dev.orderhub.connector.manifest.ConnectorSettings;
import org.springframework.stereotype.Component;

/**
 * The Amazon seller accounts: every channel whose {@code connector.name} is amazon, with the
 * properties connectors/amazon/connector.yaml declares (validated by the hub at start-up), and
 * the toolkit client each account calls SP-API with. The one lookup every Amazon capability
 * asks "is this channel an Amazon account, and which".
 */
@Component
public class AmazonAccounts {

    /** The connector's name: its folder and its manifest's name. */
    public static final String CONNECTOR = "amazon";

    /**
     * One seller account, keyed by its channel id.
     *
     * @param overlapSeconds each poll reads again this far back before the cursor
     * @param lookbackHours  where the first poll starts
     * @param pageSize       searchOrders' maxResultsPerPage (1-100)
     * @param fbaLocation    the channel-owned location holding this account's FBA stock, or null
     * @param mcf            whether this account's FBA stock ships the hub's Multi-Channel Fulfilment orders
     */
    public record Account(String channel, List<String> marketplaceIds, String sellerId, String fbaLocation,
                          int overlapSeconds, int lookbackHours, int pageSize, boolean mcf, ChannelClient client) {

        /** The first marketplace: the one MCF orders, FBA stock and confirmations are for. */
        public String marketplaceId() {
            return marketplaceIds.get(0);
        }

        @Override
        public String toString() {
            return "amazon/" + channel;
        }
    }

    private final Map<String, Account> accounts = new LinkedHashMap<>();

    public AmazonAccounts(ChannelSettings settings, ChannelClients clients) {
        List<String> problems = new ArrayList<>();
        for (String channel : settings.channels(CONNECTOR)) {
            ConnectorSettings account = settings.settings(CONNECTOR, channel).orElseThrow();
            accounts.put(channel, account(channel, account, clients));
        }
        List<Account> mcf = accounts.values().stream().filter(Account::mcf).toList();
        String at = "channels.yaml: orderhub.channels.";
        if (mcf.size() > 1) {
            problems.add(at + mcf.get(1).channel() + ".connector.properties.mcf: only one Amazon account ships MCF orders, "
                    + "and " + mcf.get(0).channel() + " already does");
        }
        mcf.stream().filter(a -> a.fbaLocation() == null).forEach(a -> problems.add(at + a.channel()
                + ".connector.properties.mcf: an account that ships MCF orders needs its fbaLocation (the stock it ships from)"));
        ConnectorConfigurationException.throwIfAny(problems);
    }

    private static Account account(String channel, ConnectorSettings settings, ChannelClients clients) {
        URI endpoint = settings.getUri("endpoint").orElseThrow();
        Credentials credentials = new Credentials.RefreshToken(settings.getUri("tokenUrl").orElseThrow(),
                settings.getString("clientId").orElseThrow(), settings.getString("clientSecret").orElseThrow(),
                settings.getString("refreshToken").orElseThrow(), TokenPlacement.header("x-amz-access-token"));
        // SP-API says an access token is no good with a 403 that mentions its expiry (401 for a malformed one).
        ChannelAccount account = ChannelAccount.of(CONNECTOR, channel, endpoint,
                        new AllowedHosts(List.copyOf(settings.allowedHosts())), credentials)
                .withTokenRejectedWhen(answer -> answer.status() == 401
                        || answer.status() == 403 && answer.body().toLowerCase().contains("expired"));
        return new Account(channel, settings.getList("marketplaceIds"), settings.getString("sellerId").orElse(null),
                settings.getString("fbaLocation").orElse(null), settings.getInt("overlapSeconds").orElseThrow(),
                settings.getInt("initialLookbackHours").orElseThrow(),
                Math.max(1, Math.min(100, settings.getInt("pageSize").orElseThrow())),
                settings.getBoolean("mcf").orElse(false), clients.forAccount(account));
    }

    public boolean serves(String channel) {
        return accounts.containsKey(channel);
    }

    /** @throws IllegalArgumentException when the channel is not an Amazon account */
    public Account get(String channel) {
        Account account = accounts.get(channel);
        if (account == null) {
            throw new IllegalArgumentException("channel " + channel + " is not an Amazon account (its connector.name is not amazon)");
        }
        return account;
    }

    public Collection<Account> all() {
        return List.copyOf(accounts.values());
    }

    /** The account that ships MCF orders, if one does. */
    public Optional<Account> mcf() {
        return accounts.values().stream().filter(Account::mcf).findFirst();
    }

    /** The account that sells on {@code marketplaceId}, if one does. */
    public Optional<Account> forMarketplace(String marketplaceId) {
        return accounts.values().stream().filter(a -> a.marketplaceIds().contains(marketplaceId)).findFirst();
    }
}
