package dev.orderhub.order;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hub order id is fixed by (channel, channelOrderId): the same channel order always maps
 * to the same id, on every instance, before it is stored. That is what makes intake idempotent.
 */
public final class HubOrderIds {

    private HubOrderIds() {
    }

    public static String of(String channel, String channelOrderId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(channel.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(channelOrderId.getBytes(StandardCharsets.UTF_8));
            byte[] digest = sha.digest();
            return "oh-" + HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
