package dev.orderhub.connectors.bol;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.DeserializationFeature;
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
import dev.orderhub.connector.manifest.ConnectorManifests;
import dev.orderhub.connector.manifest.ConnectorSettings;
import org.springframework.stereotype.Component;

/**
 * The bol.com seller accounts (every channel whose {@code connector.name} is bol), each with a
 * toolkit client for the Retailer API and one for login.bol.com, and the one way every
 * capability calls bol: as the manifest's operation, in bol's media type, with an access token
 * fetched by the client-credentials grant in HTTP Basic as bol asks (the toolkit's grant sends
 * the secret in the form, which bol's login does not document), fetched again once when bol
 * answers 401 (its tokens live about five minutes). Refused credentials are {@link ChannelUnusable}.
 */
@Component
public class BolAccounts {

    public static final String CONNECTOR = "bol";
    public static final String MEDIA = "application/vnd.retailer.v10+json";
    static final String CSV = "application/vnd.retailer.v10+csv";
    /** bol's prices are JSON numbers: read them as BigDecimal, never as double. */
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** One seller account. */
    static final class Account {
        final String channel;
        final String fulfilmentMethod;
        final Duration processWait;
        final ChannelClient api;
        final ChannelClient login;
        final String basic;
        final URI tokenUrl;
        private String token;
        private Instant tokenUntil = Instant.EPOCH;

        Account(String channel, String fulfilmentMethod, Duration processWait, ChannelClient api, ChannelClient login, String basic,
                URI tokenUrl) {
            this.channel = channel;
            this.fulfilmentMethod = fulfilmentMethod;
            this.processWait = processWait;
            this.api = api;
            this.login = login;
            this.basic = basic;
            this.tokenUrl = tokenUrl;
        }

        @Override
        public String toString() {
            return "bol/" + channel;
        }
    }

    private final Map<String, Account> accounts = new LinkedHashMap<>();
    private final DeclaredPolicies policies;

    public BolAccounts(ChannelSettings settings, ChannelClients clients, ConnectorManifests manifests) {
        this.policies = new DeclaredPolicies(manifests, CONNECTOR);
        for (String channel : settings.channels(CONNECTOR)) {
            ConnectorSettings properties = settings.settings(CONNECTOR, channel).orElseThrow();
            AllowedHosts hosts = new AllowedHosts(List.copyOf(properties.allowedHosts()));
            URI tokenUrl = properties.getUri("tokenUrl").orElseThrow();
            ChannelClient api = clients.forAccount(ChannelAccount.of(CONNECTOR, channel, properties.getUri("endpoint").orElseThrow(),
                    hosts, new Credentials.None()));
            ChannelClient login = clients.forAccount(ChannelAccount.of(CONNECTOR, channel, tokenUrl, hosts, new Credentials.None()));
            String basic = "Basic " + Base64.getEncoder().encodeToString((properties.getString("clientId").orElseThrow() + ":"
                    + properties.getString("clientSecret").orElseThrow()).getBytes(StandardCharsets.UTF_8));
            accounts.put(channel, new Account(channel, properties.getString("fulfilmentMethod").orElse("ALL"),
                    properties.getDuration("processWait").orElse(Duration.ofSeconds(5)), api, login, basic, tokenUrl));
        }
    }

    boolean serves(String channel) {
        return accounts.containsKey(channel);
    }

    Account get(String channel) {
        Account account = accounts.get(channel);
        if (account == null) {
            throw new IllegalArgumentException("channel " + channel + " does not use the bol connector");
        }
        return account;
    }

    /**
     * Sends the call as the manifest's operation, in bol's media type, with a valid token.
     *
     * @throws ChannelUnusable bol refused the client credentials
     * @throws dev.orderhub.connector.RetryLater throttled or failing after the operation's attempts
     */
    HttpAnswer send(Account account, String operation, HttpCall call) {
        HttpCall typed = call.header("Accept", CSV.equals(call.headers().get("Accept")) ? CSV : MEDIA);
        if (call.body() != null) {
            typed = typed.body(call.body() instanceof String text ? text : JSON.valueToTree(call.body()).toString(), MEDIA);
        }
        String token = token(account, false);
        HttpAnswer answer = account.api.send(policies.get(operation), typed.header("Authorization", "Bearer " + token));
        if (answer.status() == 401) { // expired (bol's tokens live five minutes) or revoked: once more with a fresh one
            answer = account.api.send(policies.get(operation), typed.header("Authorization", "Bearer " + token(account, true)));
            if (answer.status() == 401) {
                throw new ChannelUnusable("channel " + account.channel + ": bol refused a fresh access token (401); check the API "
                        + "credentials' permissions in the bol seller dashboard");
            }
        }
        if (answer.status() == 403) {
            throw new ChannelUnusable("channel " + account.channel + ": bol refused " + operation + " (403): the API credentials lack "
                    + "the permission for it");
        }
        return answer;
    }

    /** The cached token, or a new one from login.bol.com (one grant at a time per account). */
    private String token(Account account, boolean renew) {
        synchronized (account) {
            if (!renew && account.token != null && Instant.now().isBefore(account.tokenUntil)) {
                return account.token;
            }
            HttpAnswer answer = account.login.send(policies.get("token"), HttpCall.to("POST", account.tokenUrl).header("Authorization", account.basic)
                    .header("Accept", "application/json").body("grant_type=client_credentials", "application/x-www-form-urlencoded"));
            JsonNode grant = json(answer);
            if (answer.status() == 400 || answer.status() == 401 || answer.status() == 403) {
                throw new ChannelUnusable("channel " + account.channel + ": bol's login refused the client credentials ("
                        + answer.status() + " " + grant.path("error").asText("") + "); check orderhub.channels." + account.channel
                        + ".connector.properties.clientId and clientSecret");
            }
            if (!answer.ok() || !grant.path("access_token").isTextual()) {
                throw new IllegalStateException("channel " + account.channel + ": bol's login answered " + answer.status()
                        + " without an access token");
            }
            long lifetime = Math.max(1, grant.path("expires_in").asLong(299));
            account.token = grant.path("access_token").asText();
            account.tokenUntil = Instant.now().plusSeconds(lifetime - Math.min(30, lifetime / 2));
            return account.token;
        }
    }

    /** The answer's JSON, prices as BigDecimal; a missing node when it is not JSON. */
    static JsonNode json(HttpAnswer answer) {
        try {
            return answer.body() == null || answer.body().isBlank() ? JSON.missingNode() : JSON.readTree(answer.body());
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }

    /** bol's Problem: status, detail and each violation's reason. */
    static String problem(HttpAnswer answer) {
        JsonNode problem = json(answer);
        StringBuilder text = new StringBuilder().append(answer.status()).append(' ')
                .append(problem.path("detail").asText(problem.path("title").asText(answer.excerpt())));
        for (JsonNode violation : problem.path("violations")) {
            text.append("; ").append(violation.path("name").asText()).append(": ").append(violation.path("reason").asText());
        }
        return text.toString();
    }
}
