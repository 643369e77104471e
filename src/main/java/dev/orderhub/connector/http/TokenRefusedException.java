package dev.orderhub.connector.http;

import dev.orderhub.connector.ChannelUnusable;

/**
 * The token endpoint refused the account's grant (a revoked refresh token, a wrong client
 * secret): retrying will not help until someone fixes the account. The message names the
 * account and the endpoint's error code, never a secret.
 */
public class TokenRefusedException extends ChannelUnusable {

    TokenRefusedException(String message) {
        super(message);
    }
}
