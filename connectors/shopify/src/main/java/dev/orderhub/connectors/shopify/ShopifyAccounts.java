package dev.orderhub.connectors.shopify;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.connector.ChannelSettings;
import dev.orderhub.connector.ChannelUnusable;
import dev.orderhub.connector.RetryLater;
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
 * The channels whose {@code connector.name} is shopify, each with its toolkit client, and the one
 * way every capability calls the Admin GraphQL API: a POST of {@code {query, variables}} to
 * {@code /admin/api/2026-04/graphql.json} as the manifest's operation, within the shop's cost
 * budget ({@link CostBudget}: a call that would find too few points waits for them when that is
 * short, else it is not sent but a {@link RetryLater} for the time they take to restore; a
 * THROTTLED answer is waited out and sent once more the same way),
 * and a refused token into {@link ChannelUnusable}.
 */
@Component
public class ShopifyAccounts {

    public static final String CONNECTOR = "shopify";
    public static final String API_PATH = "/admin/api/2026-04/graphql.json";
    /**
     * Shopify reads no idempotency header; the toolkit re-sends a POST after a 5xx or a timeout
     * only when it carries a key, and a query (or a mutation with {@code @idempotent(key:)}) is
     * safe to send again, so such calls carry one in this header of ours.
     */
    static final String RETRY_KEY_HEADER = "X-Orderhub-Retry-Key";

    record Account(String channel, ChannelClient client, String webhookSecret, String locationId, int pageSize,
                   boolean notifyCustomer, CostBudget budget) {
    }

    private final Map<String, Account> accounts = new LinkedHashMap<>();
    private final DeclaredPolicies policies;
    /** The requested cost each operation last had, per channel: what the next call of it must find in the bucket. */
    private final Map<String, Double> lastCost = new ConcurrentHashMap<>();

    public ShopifyAccounts(ChannelSettings settings, ChannelClients clients, ConnectorManifests manifests) {
        this.policies = new DeclaredPolicies(manifests, CONNECTOR);
        for (String channel : settings.channels(CONNECTOR)) {
            ConnectorSettings properties = settings.settings(CONNECTOR, channel).orElseThrow();
            URI base = properties.getUri("endpoint")
                    .orElse(URI.create("https://" + properties.getString("shop").orElseThrow() + ".myshopify.com"));
            ChannelAccount account = ChannelAccount.of(CONNECTOR, channel, base, new AllowedHosts(List.copyOf(properties.allowedHosts())),
                    new Credentials.StaticToken(properties.getString("accessToken").orElseThrow(),
                            TokenPlacement.header("X-Shopify-Access-Token")));
            int pageSize = Math.max(1, Math.min(10, properties.getInt("pageSize").orElse(10)));
            accounts.put(channel, new Account(channel, clients.forAccount(account), properties.getString("webhookSecret").orElseThrow(),
                    properties.getString("locationId").orElseThrow(), pageSize, properties.getBoolean("notifyCustomer").orElse(true),
                    new CostBudget()));
        }
    }

    boolean serves(String channel) {
        return accounts.containsKey(channel);
    }

    Account get(String channel) {
        Account account = accounts.get(channel);
        if (account == null) {
            throw new IllegalArgumentException("channel " + channel + " does not use the shopify connector");
        }
        return account;
    }

    /**
     * Sends one GraphQL operation and answers its {@code data}.
     *
     * @param retryKey a key when the call is safe to send again (a query, an {@code @idempotent} mutation); null otherwise
     * @throws ChannelUnusable the shop refused the token (401), or the app lacks access (403), or the shop is locked (423)
     * @throws RetryLater      too few cost points now, THROTTLED, or 5xx/timeouts after the operation's attempts
     * @throws IllegalStateException a 4xx or a GraphQL error: the request as it stands will not pass
     */
    JsonNode graphql(Account account, String operation, String document, Map<String, Object> variables, String retryKey) {
        for (int throttled = 0; ; throttled++) {
            String costKey = account.channel() + ":" + operation;
            Duration wait = account.budget().waitFor(lastCost.getOrDefault(costKey, 0.0));
            if (wait.compareTo(LONGEST_COST_WAIT) > 0) {
                throw new RetryLater(wait, "channel " + account.channel() + " " + operation + ": too few Shopify cost points for "
                        + lastCost.get(costKey) + "; waiting " + wait.toMillis() + " ms for them to restore");
            }
            pause(wait);
            OperationPolicy policy = policies.get(operation);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("query", document);
            body.put("variables", variables);
            HttpCall call = HttpCall.post(API_PATH).json(body);
            if (retryKey != null) {
                policy = policy.withIdempotencyHeader(RETRY_KEY_HEADER);
                call = call.idempotencyKey(retryKey);
            }
            HttpAnswer answer = account.client().send(policy, call);
            if (answer.status() == 401 || answer.status() == 403 || answer.status() == 423) {
                throw new ChannelUnusable("channel " + account.channel() + ": Shopify refused the access token (" + answer.status()
                        + (answer.status() == 423 ? ", shop locked" : answer.status() == 403 ? ", missing access scope" : "")
                        + "); check orderhub.channels." + account.channel() + ".connector.properties.accessToken");
            }
            if (!answer.ok()) {
                throw new IllegalStateException("channel " + account.channel() + " " + operation + ": Shopify answered "
                        + answer.status() + ": " + answer.excerpt());
            }
            JsonNode cost = answer.json().path("extensions").path("cost");
            if (cost.has("requestedQueryCost")) {
                lastCost.put(costKey, cost.path("requestedQueryCost").asDouble());
                account.budget().learn(cost.path("throttleStatus"));
            }
            JsonNode errors = answer.json().path("errors");
            if (!errors.isArray() || errors.isEmpty()) {
                return answer.json().path("data");
            }
            boolean isThrottled = false;
            for (JsonNode error : errors) {
                isThrottled |= "THROTTLED".equals(error.path("extensions").path("code").asText());
            }
            if (!isThrottled) {
                throw new IllegalStateException("channel " + account.channel() + " " + operation + ": " + errors.get(0).path("message").asText()
                        + " (" + errors.get(0).path("extensions").path("code").asText("no code") + ")");
            }
            // Not run by Shopify: safe to send again once the points are back, if that is soon and this is the first time.
            Duration restore = account.budget().waitFor(cost.path("requestedQueryCost").asDouble(1));
            if (throttled > 0 || restore.compareTo(LONGEST_COST_WAIT) > 0) {
                throw new RetryLater(restore.isZero() ? Duration.ofMillis(500) : restore, "channel " + account.channel() + " "
                        + operation + ": THROTTLED by Shopify (requested " + cost.path("requestedQueryCost").asText("?")
                        + ", available " + cost.path("throttleStatus").path("currentlyAvailable").asText("?") + ")");
            }
        }
    }

    /**
     * A call waits in its thread for at most this many points to restore (a page of orders drains
     * the bucket by its actual cost and must find its requested cost again, which takes a second
     * or less): the core keeps a poll's progress only once its last page is read, so a poll that
     * gave up after every few pages would start over forever. A longer wait is a RetryLater.
     */
    static final Duration LONGEST_COST_WAIT = Duration.ofSeconds(2);

    /** Waiting for Shopify's points to restore, bounded by LONGEST_COST_WAIT: it synchronises nothing. */
    private static void pause(Duration wait) {
        if (wait.isZero()) {
            return;
        }
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryLater(wait, "interrupted while waiting for Shopify's cost points");
        }
    }

    /** The id at the end of a Shopify global id: gid://shopify/Order/820982911946154508 → 820982911946154508. */
    static String legacyId(String gid) {
        return gid == null ? null : gid.substring(gid.lastIndexOf('/') + 1);
    }

    static String gid(String type, String id) {
        return "gid://shopify/" + type + "/" + id;
    }

    /** A mutation's user errors as one line: "code field: message; ...". */
    static String userErrors(Iterable<JsonNode> errors) {
        StringBuilder text = new StringBuilder();
        for (JsonNode error : errors) {
            text.append(text.length() == 0 ? "" : "; ").append(error.path("code").asText("")).append(error.has("code") ? " " : "")
                    .append(error.path("field").isArray() ? String.join(".", fieldPath(error.path("field"))) + ": " : "")
                    .append(error.path("message").asText());
        }
        return text.toString();
    }

    static List<String> fieldPath(JsonNode field) {
        return java.util.stream.StreamSupport.stream(field.spliterator(), false).map(JsonNode::asText).toList();
    }
}
