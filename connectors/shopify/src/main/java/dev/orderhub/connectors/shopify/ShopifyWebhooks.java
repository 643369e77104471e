package dev.orderhub.connectors.shopify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.connector.ChannelOrder;
import dev.orderhub.connector.OrdersPushed;
import org.springframework.stereotype.Component;

/**
 * Orders pushed ({@code orders-pushed}): Shopify's webhooks to
 * {@code POST /api/channels/{channel}/webhooks/shopify}. {@link #verify} recomputes the
 * base64 HMAC-SHA256 of the raw body under the channel's webhook secret and compares it with
 * {@code X-Shopify-Hmac-Sha256} in constant time; the delivery is {@code X-Shopify-Webhook-Id}
 * (the same on Shopify's retries, so the hub takes it once) and {@code X-Shopify-Topic}.
 * {@link #read}, after the answer: orders/create and orders/updated are the order (or its
 * cancellation when {@code cancelled_at} is set), orders/cancelled its cancellation;
 * refunds/create and any other topic carry nothing the hub acts on.
 */
@Component
public class ShopifyWebhooks implements OrdersPushed {

    static final List<String> ORDER_TOPICS = List.of("orders/create", "orders/updated", "orders/cancelled");

    private final ShopifyAccounts accounts;
    private final ObjectMapper json;

    public ShopifyWebhooks(ShopifyAccounts accounts, ObjectMapper json) {
        this.accounts = accounts;
        this.json = json;
    }

    @Override
    public String connector() {
        return ShopifyAccounts.CONNECTOR;
    }

    @Override
    public boolean serves(String channel) {
        return accounts.serves(channel);
    }

    @Override
    public Delivery verify(String channel, Function<String, String> headers, byte[] body) throws Refused {
        return verify(channel, accounts.get(channel).webhookSecret(), headers, body);
    }

    static Delivery verify(String channel, String secret, Function<String, String> headers, byte[] body) throws Refused {
        String signature = headers.apply("X-Shopify-Hmac-Sha256");
        if (signature == null || signature.isBlank()) {
            throw new Refused("channel " + channel + ": webhook without X-Shopify-Hmac-Sha256");
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(signature.trim());
        } catch (IllegalArgumentException e) {
            throw new Refused("channel " + channel + ": X-Shopify-Hmac-Sha256 is not base64");
        }
        if (!MessageDigest.isEqual(given, sign(secret, body))) {
            throw new Refused("channel " + channel + ": X-Shopify-Hmac-Sha256 does not match the body");
        }
        return new Delivery(headers.apply("X-Shopify-Webhook-Id"), headers.apply("X-Shopify-Topic"),
                new String(body, StandardCharsets.UTF_8));
    }

    /** HMAC-SHA256 of the exact body bytes under the secret (Shopify's webhook signature, before base64). */
    static byte[] sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    @Override
    public List<ChannelOrder> read(String channel, Delivery delivery) {
        return read(json, delivery);
    }

    static List<ChannelOrder> read(ObjectMapper json, Delivery delivery) {
        if (delivery.topic() == null || !ORDER_TOPICS.contains(delivery.topic())) {
            return List.of(); // refunds/create and the rest: no order change for the hub (README, "Not supported")
        }
        JsonNode order;
        try {
            order = json.readTree(delivery.body());
        } catch (IOException e) {
            return List.of(new ChannelOrder.Unreadable("", "webhook " + delivery.topic() + " " + delivery.id()
                    + ": the body is not JSON", delivery.body()));
        }
        ChannelOrder mapped = ShopifyOrderMapping.fromWebhook(order);
        if (delivery.topic().equals("orders/cancelled") && mapped instanceof ChannelOrder.Placed placed) {
            return List.of(new ChannelOrder.Cancelled(placed.channelOrderId(), "cancelled on Shopify"));
        }
        return List.of(mapped);
    }
}
