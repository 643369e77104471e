package dev.orderhub.connectors.template;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
import dev.orderhub.connector.http.OperationPolicy;
import dev.orderhub.connector.http.TokenPlacement;
import dev.orderhub.connector.manifest.ConnectorManifests;
import dev.orderhub.connector.manifest.ConnectorSettings;
import org.springframework.stereotype.Component;

/**
 * The channels whose {@code connector.name} is template, each with its toolkit client, and the
 * one way every capability calls the API: as the manifest's operation (rate, retries), a
 * refused key turned into {@link ChannelUnusable}.
 */
@Component
public class TemplateAccounts {

    public static final String CONNECTOR = "template";

    record Account(String channel, int pageSize, ChannelClient client) {
    }

    private final Map<String, Account> accounts = new LinkedHashMap<>();
    private final DeclaredPolicies policies;

    public TemplateAccounts(ChannelSettings settings, ChannelClients clients, ConnectorManifests manifests) {
        this.policies = new DeclaredPolicies(manifests, CONNECTOR);
        for (String channel : settings.channels(CONNECTOR)) {
            ConnectorSettings properties = settings.settings(CONNECTOR, channel).orElseThrow();
            ChannelAccount account = ChannelAccount.of(CONNECTOR, channel, properties.getUri("endpoint").orElseThrow(),
                    new AllowedHosts(List.copyOf(properties.allowedHosts())),
                    new Credentials.StaticToken(properties.getString("apiKey").orElseThrow(), TokenPlacement.bearer()));
            int pageSize = Math.max(1, Math.min(100, properties.getInt("pageSize").orElseThrow()));
            accounts.put(channel, new Account(channel, pageSize, clients.forAccount(account)));
        }
    }

    boolean serves(String channel) {
        return accounts.containsKey(channel);
    }

    Account get(String channel) {
        Account account = accounts.get(channel);
        if (account == null) {
            throw new IllegalArgumentException("channel " + channel + " does not use the template connector");
        }
        return account;
    }

    /**
     * Sends the call as the manifest's operation; a POST carries its idempotency key.
     *
     * @throws ChannelUnusable the API refused the key (401, 403)
     * @throws dev.orderhub.connector.RetryLater throttled or failing after the operation's attempts
     */
    HttpAnswer send(Account account, String operation, HttpCall call) {
        OperationPolicy policy = policies.get(operation);
        HttpAnswer answer = account.client().send(call.idempotencyKey() == null ? policy
                : policy.withIdempotencyHeader("Idempotency-Key"), call);
        if (answer.status() == 401 || answer.status() == 403) {
            throw new ChannelUnusable("channel " + account.channel() + ": the marketplace refused the API key ("
                    + answer.status() + "); check orderhub.channels." + account.channel() + ".connector.properties.apiKey");
        }
        return answer;
    }

    /** The API's error: {"error": code, "message": text}. */
    static String error(HttpAnswer answer) {
        return answer.status() + " " + answer.json().path("error").asText("") + ": " + answer.json().path("message").asText(answer.excerpt());
    }
}
