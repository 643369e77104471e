package dev.orderhub.order;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.connector.ChannelOrder;
import dev.orderhub.connector.ChannelSettings;
import dev.orderhub.connector.InvalidInput;
import dev.orderhub.connector.OrdersPushed;

/**
 * A test-only {@link OrdersPushed} of connector {@code signing}
 * (src/test/resources/test-connectors/signing): deliveries are canonical orders signed with
 * HMAC-SHA256 of the body under the channel's {@code secret}. A test may hold {@link #read}
 * (to see the answer come before the work) or make it fail once (to see redelivery).
 */
public class SigningOrdersPushed implements OrdersPushed {

    static final String CONNECTOR = "signing";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChannelSettings settings;
    volatile CountDownLatch hold = new CountDownLatch(0);
    final AtomicInteger failNext = new AtomicInteger();
    final AtomicInteger reads = new AtomicInteger();

    SigningOrdersPushed(ChannelSettings settings) {
        this.settings = settings;
    }

    static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String connector() {
        return CONNECTOR;
    }

    @Override
    public boolean serves(String channel) {
        return settings.settings(CONNECTOR, channel).isPresent();
    }

    @Override
    public Delivery verify(String channel, Function<String, String> headers, byte[] body) throws Refused {
        String secret = settings.settings(CONNECTOR, channel).orElseThrow().getString("secret").orElseThrow();
        String signature = headers.apply("X-Test-Signature");
        if (signature == null) {
            throw new Refused("X-Test-Signature is missing");
        }
        if (!MessageDigest.isEqual(sign(secret, body).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII))) {
            throw new Refused("X-Test-Signature does not match the body");
        }
        return new Delivery(headers.apply("X-Test-Delivery"), headers.apply("X-Test-Topic"),
                new String(body, StandardCharsets.UTF_8));
    }

    @Override
    public List<ChannelOrder> read(String channel, Delivery delivery) {
        reads.incrementAndGet();
        try {
            if (!hold.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("held for 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IllegalStateException("the database is down (scripted)");
        }
        JsonNode order;
        try {
            order = JSON.readTree(delivery.body());
        } catch (java.io.IOException e) {
            throw new InvalidInput("delivery " + delivery.id() + ": not JSON");
        }
        String id = order.path("channelOrderId").asText();
        if ("cancelled".equals(delivery.topic())) {
            return List.of(new ChannelOrder.Cancelled(id, "cancelled by the shop"));
        }
        if ("noise".equals(delivery.topic())) {
            return List.of();
        }
        return List.of(new ChannelOrder.Placed(id, delivery.body(), delivery.body()));
    }
}
