package dev.orderhub.channel;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a channel's order webhook: {@code X-Orderhub-Timestamp} (Unix seconds) and
 * {@code X-Orderhub-Signature: sha256=<hex>}, the HMAC-SHA256 under the channel's secret of
 * {@code <timestamp>.<raw body>}. The timestamp is signed too, so a captured request cannot be
 * replayed once it is outside the channel's tolerance.
 */
public final class WebhookSignature {

    public static final String TIMESTAMP_HEADER = "X-Orderhub-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Orderhub-Signature";
    private static final String PREFIX = "sha256=";

    private WebhookSignature() {
    }

    /** Why a webhook is refused; the message names the header and the problem, never the secret. */
    public static final class Refused extends RuntimeException {
        private final String reason;

        Refused(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        /** A short tag for metrics: missing, timestamp, signature. */
        public String reason() {
            return reason;
        }
    }

    /** The header value a sender puts in {@value #SIGNATURE_HEADER}. */
    public static String sign(String secret, long timestamp, byte[] body) {
        return PREFIX + HexFormat.of().formatHex(hmac(secret, timestamp, body));
    }

    /** Checks a received webhook; throws {@link Refused} when it is not signed by the channel's secret now. */
    public static void verify(Channel.Webhook webhook, String timestampHeader, String signatureHeader, byte[] body, Instant now) {
        if (timestampHeader == null || signatureHeader == null) {
            throw new Refused("missing", TIMESTAMP_HEADER + " and " + SIGNATURE_HEADER + " are required on a webhook");
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(timestampHeader.trim());
        } catch (NumberFormatException e) {
            throw new Refused("timestamp", TIMESTAMP_HEADER + ": must be Unix seconds");
        }
        long skew = Math.abs(now.getEpochSecond() - timestamp);
        if (skew > webhook.toleranceSeconds()) {
            throw new Refused("timestamp", TIMESTAMP_HEADER + ": " + timestamp + " is " + skew + " s from the hub's clock, "
                    + "outside the " + webhook.toleranceSeconds() + " s tolerance");
        }
        String given = signatureHeader.trim();
        byte[] presented;
        try {
            presented = given.startsWith(PREFIX) ? HexFormat.of().parseHex(given.substring(PREFIX.length())) : null;
        } catch (IllegalArgumentException e) {
            presented = null;
        }
        if (presented == null || !MessageDigest.isEqual(presented, hmac(webhook.secret(), timestamp, body))) {
            throw new Refused("signature", SIGNATURE_HEADER + ": does not match the timestamp and body under the channel's secret");
        }
    }

    private static byte[] hmac(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
