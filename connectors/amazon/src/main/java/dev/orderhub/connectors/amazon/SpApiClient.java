package dev.orderhub.connectors.amazon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.connector.http.HttpAnswer;
import dev.orderhub.connector.http.HttpCall;
import dev.orderhub.connector.http.DeclaredPolicies;
import dev.orderhub.connector.manifest.ConnectorManifests;
import org.springframework.stereotype.Component;

/**
 * Selling Partner API calls through the toolkit's client of each account: the LWA access token
 * in {@code x-amz-access-token}, each operation within the token bucket and retry policy
 * connectors/amazon/connector.yaml declares (the rate replaced by the {@code x-amzn-RateLimit-Limit}
 * Amazon answers with), throttling and 5xx retried, and what outlasts the retries a
 * {@link dev.orderhub.connector.http.RetryLater} the hub's flow backs off on. What is Amazon's
 * alone is here: reading its {@code ErrorList}.
 */
@Component
public class SpApiClient {

    /** A 4xx (or a 2xx without what it must carry): Amazon's final word on this request, with its error. */
    public static class SpApiException extends RuntimeException {
        private final int status;

        public SpApiException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final DeclaredPolicies policies;

    public SpApiClient(ConnectorManifests manifests) {
        this.policies = new DeclaredPolicies(manifests, AmazonAccounts.CONNECTOR);
    }

    /**
     * Sends the call and answers its JSON when Amazon answered 2xx.
     *
     * @throws SpApiException a 4xx, or a 2xx that is not JSON
     * @throws dev.orderhub.connector.http.RetryLater throttled, 5xx or unreachable after the operation's attempts
     */
    public JsonNode get(AmazonAccounts.Account account, String operation, HttpCall call) {
        HttpAnswer answer = call(account, operation, call);
        if (!answer.ok()) {
            throw new SpApiException(answer.status(), operation + " for " + account.channel() + " answered "
                    + answer.status() + ": " + error(answer));
        }
        if (!answer.json().isContainerNode()) {
            throw new SpApiException(answer.status(), operation + " for " + account.channel() + ": the answer is not JSON");
        }
        return answer.json();
    }

    /**
     * Sends the call and answers whatever Amazon answered finally (2xx, 3xx or 4xx).
     *
     * @throws dev.orderhub.connector.http.RetryLater throttled, 5xx or unreachable after the operation's attempts
     */
    public HttpAnswer call(AmazonAccounts.Account account, String operation, HttpCall call) {
        return account.client().send(policies.get(operation), call);
    }

    /** Amazon's first error ({"errors": [{"code", "message", "details"}]}), else the body's start. */
    public static String error(HttpAnswer answer) {
        JsonNode first = answer.json().path("errors").path(0);
        if (first.has("message")) {
            return first.path("code").asText() + ": " + first.path("message").asText()
                    + (first.hasNonNull("details") && !first.path("details").asText().isBlank()
                    ? " (" + first.path("details").asText() + ")" : "");
        }
        return answer.excerpt();
    }
}
