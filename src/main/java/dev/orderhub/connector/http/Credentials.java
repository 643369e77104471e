package dev.orderhub.connector.http;

import java.net.URI;

/**
 * How a channel account proves who it is. The records' {@code toString} shows no secret, so a
 * {@link ChannelAccount} can be logged whole.
 */
public sealed interface Credentials {

    /** The remote needs no credentials (or they travel in the URL, as in a pre-signed one). */
    record None() implements Credentials {
    }

    /** A token that does not expire: an API key, a personal access token. */
    record StaticToken(String token, TokenPlacement placement) implements Credentials {
        @Override
        public String toString() {
            return "StaticToken[token=****, placement=" + placement + "]";
        }
    }

    /** OAuth 2.0 client-credentials grant; client id and secret go in the form (client_secret_post). */
    record ClientCredentials(URI tokenUrl, String clientId, String clientSecret, String scope,
                             TokenPlacement placement) implements Credentials {
        @Override
        public String toString() {
            return "ClientCredentials[tokenUrl=" + tokenUrl + ", clientId=" + clientId + ", clientSecret=****, scope="
                    + scope + ", placement=" + placement + "]";
        }
    }

    /** OAuth 2.0 refresh-token grant as Login with Amazon and eBay do it: one seller's long-lived refresh token. */
    record RefreshToken(URI tokenUrl, String clientId, String clientSecret, String refreshToken,
                        TokenPlacement placement) implements Credentials {
        @Override
        public String toString() {
            return "RefreshToken[tokenUrl=" + tokenUrl + ", clientId=" + clientId + ", clientSecret=****, refreshToken=****, "
                    + "placement=" + placement + "]";
        }
    }

    static Credentials none() {
        return new None();
    }

    /** Replaces every secret of these credentials in {@code text} (an error body may echo a request) by ****. */
    default String scrub(String text) {
        if (text == null) {
            return null;
        }
        String clean = text;
        for (String secret : secrets()) {
            if (secret != null && !secret.isEmpty()) {
                clean = clean.replace(secret, "****");
            }
        }
        return clean;
    }

    private String[] secrets() {
        if (this instanceof StaticToken t) {
            return new String[] {t.token()};
        }
        if (this instanceof ClientCredentials c) {
            return new String[] {c.clientSecret()};
        }
        if (this instanceof RefreshToken r) {
            return new String[] {r.clientSecret(), r.refreshToken()};
        }
        return new String[0];
    }
}
