package dev.orderhub.connectors.ebay;

import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.connector.ChannelSettings;
import dev.orderhub.connector.ChannelUnusable;
import dev.orderhub.connector.http.AllowedHosts;
import dev.orderhub.connector.http.ChannelAccount;
import dev.orderhub.connector.http.ChannelClient;
import dev.orderhub.connector.http.ChannelClients;
import dev.orderhub.connector.http.Credentials;
import dev.orderhub.connector.http.DeclaredPolicies;
import dev.orderhub.connector.http.HttpAnswer;
import dev.orderhub.connector.http.HttpCall;
import dev.orderhub.connector.manifest.ConnectorConfigurationException;
import dev.orderhub.connector.manifest.ConnectorManifests;
import dev.orderhub.connector.manifest.ConnectorSettings;
import org.springframework.stereotype.Component;

/**
 * The eBay seller accounts: every channel whose {@code connector.name} is ebay, each with its
 * toolkit client (allow-list, shared rate buckets, retries) and its user access token, and the
 * one way every capability calls eBay: as the manifest's operation, with the token, a rejected
 * token replaced once, a refused grant turned into {@link ChannelUnusable}.
 */
@Component
public class EbayAccounts {

    public static final String CONNECTOR = "ebay";
    static final String FULFILLMENT = "/sell/fulfillment/v1";
    static final String INVENTORY = "/sell/inventory/v1";
    /** How long the identity endpoint has to answer a refresh-token grant. */
    static final java.time.Duration GRANT_TIMEOUT = java.time.Duration.ofSeconds(15);

    /** One seller account, keyed by its channel id. */
    record Account(String channel, int pageSize, int overlapSeconds, int lookbackHours, ChannelClient client, EbayUserToken token) {

        @Override
        public String toString() {
            return "ebay/" + channel;
        }
    }

    private final Map<String, Account> accounts = new LinkedHashMap<>();
    private final DeclaredPolicies policies;

    public EbayAccounts(ChannelSettings settings, ChannelClients clients, ConnectorManifests manifests, ObjectMapper json, Clock clock) {
        this.policies = new DeclaredPolicies(manifests, CONNECTOR);
        for (String channel : settings.channels(CONNECTOR)) {
            ConnectorSettings properties = settings.settings(CONNECTOR, channel).orElseThrow();
            AllowedHosts hosts = new AllowedHosts(List.copyOf(properties.allowedHosts()));
            URI tokenUrl = properties.getUri("tokenUrl").orElseThrow();
            if (!hosts.permits(tokenUrl.getHost())) {
                ConnectorConfigurationException.throwIfAny(List.of("channels.yaml: orderhub.channels." + channel
                        + ".connector.properties.tokenUrl: host " + tokenUrl.getHost() + " is not among the allowed hosts"));
            }
            // The token travels in each call's Authorization header (EbayUserToken says why), so the
            // toolkit account carries none; it still holds the allow-list, buckets and retries.
            ChannelAccount account = ChannelAccount.of(CONNECTOR, channel, properties.getUri("endpoint").orElseThrow(), hosts,
                    new Credentials.None());
            EbayUserToken token = new EbayUserToken(channel, tokenUrl, properties.getString("clientId").orElseThrow(),
                    properties.getString("clientSecret").orElseThrow(), properties.getString("refreshToken").orElseThrow(),
                    properties.getList("scopes"), GRANT_TIMEOUT, json, clock);
            accounts.put(channel, new Account(channel, Math.max(1, Math.min(200, properties.getInt("pageSize").orElseThrow())),
                    Math.max(0, properties.getInt("overlapSeconds").orElseThrow()),
                    Math.max(1, properties.getInt("initialLookbackHours").orElseThrow()), clients.forAccount(account), token));
        }
    }

    boolean serves(String channel) {
        return accounts.containsKey(channel);
    }

    /** @throws IllegalArgumentException when the channel is not an eBay account */
    Account get(String channel) {
        Account account = accounts.get(channel);
        if (account == null) {
            throw new IllegalArgumentException("channel " + channel + " is not an eBay account (its connector.name is not ebay)");
        }
        return account;
    }

    /**
     * Sends the call as the manifest's operation with the seller's token; eBay answering 401
     * (an expired or revoked access token: errorId 1001) gets a fresh token and the call once
     * more: a 401 was not processed, so this holds for a POST too.
     *
     * @throws ChannelUnusable                  eBay refused the refresh-token grant, or a fresh token too
     * @throws dev.orderhub.connector.RetryLater throttled, failing, or a POST whose answer was lost
     */
    HttpAnswer send(Account account, String operation, HttpCall call) {
        String token = account.token().current();
        HttpAnswer answer = account.client().send(policies.get(operation), authorised(account, call, token));
        if (answer.status() == 401) {
            account.token().rejected(token);
            answer = account.client().send(policies.get(operation), authorised(account, call, account.token().current()));
            if (answer.status() == 401) {
                throw new ChannelUnusable("channel " + account.channel() + ": eBay rejects a fresh access token for " + operation
                        + " (" + error(answer) + "); the refresh token may lack the scopes "
                        + "(orderhub.channels." + account.channel() + ".connector.properties.scopes)");
            }
        }
        if (answer.status() == 403) {
            throw new ChannelUnusable("channel " + account.channel() + ": eBay refuses " + operation + " to this seller ("
                    + error(answer) + "); check the consent's scopes");
        }
        return answer;
    }

    /** The token goes only to the account's own host: a link elsewhere (allowed or not) never carries it. */
    private static HttpCall authorised(Account account, HttpCall call, String token) {
        URI base = account.client().account().baseUrl();
        boolean own = call.url() == null || base.getHost().equalsIgnoreCase(call.url().getHost()) && base.getPort() == call.url().getPort();
        return own ? call.header("Authorization", "Bearer " + token) : call;
    }

    /** eBay's error: {"errors": [{"errorId", "domain", "category", "message", "longMessage"}]}, the first of them. */
    static String error(HttpAnswer answer) {
        JsonNode first = answer.json().path("errors").path(0);
        if (first.isMissingNode()) {
            return "HTTP " + answer.status() + " " + answer.excerpt();
        }
        return "HTTP " + answer.status() + " errorId " + first.path("errorId").asText("?") + ": "
                + first.path("longMessage").asText(first.path("message").asText(""));
    }
}
