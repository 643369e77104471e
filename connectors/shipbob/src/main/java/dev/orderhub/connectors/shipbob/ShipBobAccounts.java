package dev.orderhub.connectors.shipbob;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import dev.orderhub.connector.ChannelSettings;
import dev.orderhub.connector.http.AllowedHosts;
import dev.orderhub.connector.http.ChannelAccount;
import dev.orderhub.connector.http.ChannelClient;
import dev.orderhub.connector.http.ChannelClients;
import dev.orderhub.connector.http.Credentials;
import dev.orderhub.connector.http.DeclaredPolicies;
import dev.orderhub.connector.http.TokenPlacement;
import dev.orderhub.connector.manifest.ConnectorConfigurationException;
import dev.orderhub.connector.manifest.ConnectorManifests;
import dev.orderhub.connector.manifest.ConnectorSettings;
import org.springframework.stereotype.Component;

/**
 * The ShipBob account: the one entry under {@code orderhub.channels} whose {@code connector.name}
 * is shipbob, with the properties connectors/shipbob/connector.yaml declares (validated by the
 * hub at start-up). Its token travels only in the client's Authorization header; its webhook
 * secret is kept as the decoded HMAC key, never as text.
 */
@Component
public class ShipBobAccounts {

    /** The connector's name: its folder and its manifest's name. */
    public static final String CONNECTOR = "shipbob";

    /**
     * The account, keyed by its entry under orderhub.channels.
     *
     * @param webhookKey the HMAC key of webhook deliveries (the secret after {@code whsec_}, base64-decoded); null: none configured
     */
    public record Account(String channel, java.net.URI endpoint, long channelId, String location, String shippingMethod, byte[] webhookKey,
                          Duration pollInterval, Duration stockInterval, ChannelClient api, DeclaredPolicies policies) {

        boolean takesWebhooks() {
            return webhookKey != null;
        }

        @Override
        public String toString() {
            return CONNECTOR + "/" + channel;
        }
    }

    private final Account account;

    public ShipBobAccounts(ChannelSettings settings, ChannelClients clients, ConnectorManifests manifests) {
        List<String> problems = new ArrayList<>();
        List<String> channels = settings.channels(CONNECTOR);
        if (channels.size() > 1) {
            problems.add("channels.yaml: orderhub.channels." + channels.get(1) + ".connector: one ShipBob account per hub uses "
                    + CONNECTOR + ", and " + channels.get(0) + " already does");
        }
        Account found = null;
        for (String channel : channels.stream().limit(1).toList()) {
            ConnectorSettings properties = settings.settings(CONNECTOR, channel).orElseThrow();
            String at = "channels.yaml: orderhub.channels." + channel + ".connector.properties.";
            long channelId = properties.getLong("channelId").orElseThrow();
            if (channelId < 1 || channelId > Integer.MAX_VALUE) {
                problems.add(at + "channelId: must be a ShipBob channel id (1 to " + Integer.MAX_VALUE + "), is " + channelId);
            }
            byte[] key = properties.getString("webhookSecret").map(secret -> Base64.getDecoder()
                    .decode(secret.substring("whsec_".length()))).orElse(null);
            Duration poll = properties.getDuration("pollInterval").orElseThrow();
            Duration stock = properties.getDuration("stockInterval").orElseThrow();
            atLeast100ms(problems, at + "pollInterval", poll);
            atLeast100ms(problems, at + "stockInterval", stock);
            ChannelClient api = clients.forAccount(ChannelAccount.of(CONNECTOR, channel, properties.getUri("endpoint").orElseThrow(),
                    new AllowedHosts(List.copyOf(properties.allowedHosts())),
                    new Credentials.StaticToken(properties.getString("apiToken").orElseThrow(),
                            new TokenPlacement("Authorization", "Bearer "))));
            found = new Account(channel, properties.getUri("endpoint").orElseThrow(), channelId, properties.getString("location").orElseThrow(),
                    properties.getString("shippingMethod").orElseThrow(), key, poll, stock, api,
                    new DeclaredPolicies(manifests, CONNECTOR));
        }
        ConnectorConfigurationException.throwIfAny(problems);
        this.account = found;
    }

    private static void atLeast100ms(List<String> problems, String property, Duration interval) {
        if (interval.toMillis() < 100) {
            problems.add(property + ": at least 100ms, is " + interval.toMillis() + "ms");
        }
    }

    /** The account, if one is configured. */
    public Optional<Account> account() {
        return Optional.ofNullable(account);
    }

    boolean serves(String channel) {
        return account != null && account.channel().equals(channel);
    }

    Account require() {
        return account().orElseThrow(() -> new IllegalStateException("no ShipBob account uses connector " + CONNECTOR
                + " (an entry under orderhub.channels with connector.name: " + CONNECTOR + ")"));
    }
}
