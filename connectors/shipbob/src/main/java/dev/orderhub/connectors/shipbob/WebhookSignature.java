package dev.orderhub.connectors.shipbob;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.function.Function;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.orderhub.connector.FulfilmentService;

/**
 * ShipBob's webhook signatures, the Standard Webhooks scheme: header {@code webhook-signature}
 * holds space-separated {@code v1,<base64>} entries, each an HMAC-SHA256, keyed with the
 * subscription secret after {@code whsec_} (base64-decoded), of
 * {@code <webhook-id>.<webhook-timestamp>.<exact body>}. A delivery is genuine when one entry
 * matches (compared in constant time) and its timestamp (Unix seconds) is within
 * {@link #TOLERANCE} of now, so a recorded delivery cannot be replayed later.
 */
final class WebhookSignature {

    static final Duration TOLERANCE = Duration.ofMinutes(5);
    static final int MAX_ID = 100;

    private WebhookSignature() {
    }

    /** The delivery's id once it is verified. */
    static String verify(byte[] key, Function<String, String> headers, byte[] body, Instant now) {
        if (key == null) {
            throw new FulfilmentService.Refused("shipbob: no webhook secret is configured (connector property webhookSecret)");
        }
        String id = headers.apply("webhook-id");
        String timestamp = headers.apply("webhook-timestamp");
        String signatures = headers.apply("webhook-signature");
        if (id == null || timestamp == null || signatures == null) {
            throw new FulfilmentService.Refused("shipbob: the delivery lacks webhook-id, webhook-timestamp or webhook-signature");
        }
        if (id.isBlank() || id.length() > MAX_ID || !id.matches("[\\x21-\\x7E]+")) {
            throw new FulfilmentService.Refused("shipbob: webhook-id must be 1 to " + MAX_ID + " visible ASCII characters");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw new FulfilmentService.Refused("shipbob: webhook-timestamp is not Unix seconds");
        }
        if (Math.abs(now.getEpochSecond() - seconds) > TOLERANCE.toSeconds()) {
            throw new FulfilmentService.Refused("shipbob: webhook-timestamp is more than " + TOLERANCE.toMinutes()
                    + " minutes from now (a stale or replayed delivery)");
        }
        byte[] expected = sign(key, id, timestamp.trim(), body);
        for (String entry : signatures.trim().split(" +")) {
            int comma = entry.indexOf(',');
            if (comma < 0 || !"v1".equals(entry.substring(0, comma))) {
                continue;
            }
            byte[] given;
            try {
                given = Base64.getDecoder().decode(entry.substring(comma + 1));
            } catch (IllegalArgumentException notBase64) {
                continue;
            }
            if (MessageDigest.isEqual(expected, given)) {
                return id;
            }
        }
        throw new FulfilmentService.Refused("shipbob: no v1 signature of the delivery matches (wrong secret, or the body was changed)");
    }

    /** The HMAC of one delivery: what a stub signs with and what {@link #verify} compares. */
    static byte[] sign(byte[] key, String id, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
