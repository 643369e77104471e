package dev.orderhub.connector.http;

/** Where an access token goes on a request: a header, with an optional prefix before the token. */
public record TokenPlacement(String header, String prefix) {

    public TokenPlacement {
        if (header == null || header.isBlank()) {
            throw new IllegalArgumentException("token placement: the header name is blank");
        }
        prefix = prefix == null ? "" : prefix;
    }

    /** {@code Authorization: Bearer <token>}. */
    public static TokenPlacement bearer() {
        return new TokenPlacement("Authorization", "Bearer ");
    }

    /** The bare token in a header of its own, e.g. SP-API's {@code x-amz-access-token}. */
    public static TokenPlacement header(String name) {
        return new TokenPlacement(name, "");
    }

    String value(String token) {
        return prefix + token;
    }
}
