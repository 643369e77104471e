package dev.orderhub.connector.http;

import java.net.URI;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * One connector's view of one channel account: where its API is, which hosts it may be called
 * on, how it proves who it is. {@link #toString} is {@code connector/channel} and nothing more.
 *
 * @param tokenRejected which answers mean "this access token is no good" (401 unless told
 *                      otherwise; SP-API says it with a 403 that mentions the expiry): the
 *                      client then fetches a fresh token and sends the request once more
 */
public record ChannelAccount(String connector, String channel, URI baseUrl, AllowedHosts allowedHosts,
                             Credentials credentials, Duration connectTimeout, Predicate<HttpAnswer> tokenRejected) {

    public ChannelAccount {
        if (connector == null || connector.isBlank() || channel == null || channel.isBlank()) {
            throw new IllegalArgumentException("channel account: connector \"" + connector + "\" and channel \"" + channel
                    + "\" must both be named");
        }
        String name = connector + "/" + channel;
        if (baseUrl == null || !baseUrl.isAbsolute() || baseUrl.getHost() == null) {
            throw new IllegalArgumentException(name + ": base URL \"" + baseUrl + "\" is not an absolute http(s) URL");
        }
        if (allowedHosts == null || credentials == null || connectTimeout == null || tokenRejected == null) {
            throw new IllegalArgumentException(name + ": allowed hosts, credentials, connect timeout and tokenRejected "
                    + "must be given (Credentials.None when it needs none)");
        }
        allowedHosts.check(baseUrl, name + " base URL");
        URI tokenUrl = credentials instanceof Credentials.RefreshToken r ? r.tokenUrl()
                : credentials instanceof Credentials.ClientCredentials c ? c.tokenUrl() : null;
        if (tokenUrl != null) {
            allowedHosts.check(tokenUrl, name + " token URL");
        }
    }

    /** An account whose remote rejects a token with 401, connecting within 5 s. */
    public static ChannelAccount of(String connector, String channel, URI baseUrl, AllowedHosts allowedHosts,
                                    Credentials credentials) {
        return new ChannelAccount(connector, channel, baseUrl, allowedHosts, credentials, Duration.ofSeconds(5),
                answer -> answer.status() == 401);
    }

    public ChannelAccount withConnectTimeout(Duration timeout) {
        return new ChannelAccount(connector, channel, baseUrl, allowedHosts, credentials, timeout, tokenRejected);
    }

    public ChannelAccount withTokenRejectedWhen(Predicate<HttpAnswer> rejected) {
        return new ChannelAccount(connector, channel, baseUrl, allowedHosts, credentials, connectTimeout, rejected);
    }

    @Override
    public String toString() {
        return connector + "/" + channel;
    }
}
