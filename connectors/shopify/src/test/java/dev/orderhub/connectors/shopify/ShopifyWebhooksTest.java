package dev.orderhub.connectors.shopify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orderhub.connector.ChannelOrder;
import dev.orderhub.connector.OrdersPushed;
import dev.orderhub.connectors.shopify.sandbox.ShopifySandbox;
import org.junit.jupiter.api.Test;

/** Webhooks: the HMAC check on the exact bytes, and the REST-shaped payload mapped like the GraphQL order (ids past 2^53 exact). */
class ShopifyWebhooksTest {

    static final String SECRET = "test-webhook-secret-not-real";
    static final ObjectMapper JSON = new ObjectMapper();

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = ShopifyWebhooksTest.class.getResourceAsStream("/shopify/" + name)) {
            return in.readAllBytes();
        }
    }

    static Map<String, String> headers(byte[] body, String secret, String topic) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.put("X-Shopify-Hmac-Sha256", Base64.getEncoder().encodeToString(ShopifyWebhooks.sign(secret, body)));
        headers.put("X-Shopify-Topic", topic);
        headers.put("X-Shopify-Webhook-Id", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043");
        return headers;
    }

    @Test
    void aGenuineDeliveryIsItsWebhookIdTopicAndBody() throws Exception {
        byte[] body = fixture("order-created.json");
        OrdersPushed.Delivery delivery = ShopifyWebhooks.verify("shop", SECRET, headers(body, SECRET, "orders/create")::get, body);
        assertThat(delivery.id()).isEqualTo("b54557e4-bdd9-4b37-8a5f-bf7d70bcd043");
        assertThat(delivery.topic()).isEqualTo("orders/create");
        assertThat(delivery.body()).isEqualTo(new String(body, StandardCharsets.UTF_8));
    }

    @Test
    void tamperedUnsignedWronglySignedAndGarbledSignaturesAreRefusedWithoutTheSecret() throws Exception {
        byte[] body = fixture("order-created.json");
        Map<String, String> good = headers(body, SECRET, "orders/create");
        byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("\"quantity\": 2", "\"quantity\": 20").getBytes(StandardCharsets.UTF_8);
        assertThat(tampered).isNotEqualTo(body);
        Map<String, String> unsigned = new TreeMap<>(good);
        unsigned.remove("X-Shopify-Hmac-Sha256");
        Map<String, String> otherSecret = headers(body, "another-secret", "orders/create");
        Map<String, String> garbled = new TreeMap<>(good);
        garbled.put("X-Shopify-Hmac-Sha256", "not base64 at all!");

        for (var attempt : List.<Map.Entry<Map<String, String>, byte[]>>of(Map.entry(good, tampered), Map.entry(unsigned, body),
                Map.entry(otherSecret, body), Map.entry(garbled, body))) {
            assertThatThrownBy(() -> ShopifyWebhooks.verify("shop", SECRET, attempt.getKey()::get, attempt.getValue()))
                    .isInstanceOf(OrdersPushed.Refused.class).hasMessageContaining("shop").hasMessageNotContaining(SECRET);
        }
    }

    @Test
    void anOrderMapsEveryFieldWithIdsAbove2To53ExactAndShopMoneyAsText() throws Exception {
        List<ChannelOrder> read = ShopifyWebhooks.read(JSON, new OrdersPushed.Delivery("d1", "orders/create",
                new String(fixture("order-created.json"), StandardCharsets.UTF_8)));

        assertThat(read).singleElement().isInstanceOf(ChannelOrder.Placed.class);
        ChannelOrder.Placed placed = (ChannelOrder.Placed) read.get(0);
        assertThat(placed.channelOrderId()).isEqualTo("9007199254740993123"); // as a double it would read 9007199254740993000
        JsonNode canonical = JSON.readTree(placed.canonical());
        assertThat(canonical.path("channelOrderId").asText()).isEqualTo("9007199254740993123");
        assertThat(canonical.path("fulfilmentMode").asText()).isEqualTo("MERCHANT");
        assertThat(canonical.path("placedAt").asText()).isEqualTo("2026-11-26T09:15:00+01:00");
        assertThat(canonical.path("currency").asText()).isEqualTo("EUR");
        assertThat(canonical.path("shipTo")).isEqualTo(JSON.readTree("""
                {"name":"Erika Mustermann","line1":"Heidestrasse 17","line2":"Hinterhaus","city":"Koeln","region":"NW",
                 "postalCode":"51147","country":"DE"}"""));
        assertThat(canonical.path("lines")).hasSize(2);
        JsonNode first = canonical.path("lines").get(0);
        assertThat(first.path("lineId").asText()).isEqualTo("9007199254740995001");
        assertThat(first.path("sku").asText()).isEqualTo("MUG-BLUE");
        assertThat(first.path("qty").asInt()).isEqualTo(2);
        assertThat(first.path("unitPrice").isTextual()).as("money stays text").isTrue();
        assertThat(first.path("unitPrice").asText()).as("the shop's money, not the buyer's presentment price").isEqualTo("19.99");
        assertThat(placed.payload()).contains("9007199254740993123");
    }

    @Test
    void cancelledAtOrTheCancelledTopicIsACancellation() throws Exception {
        ObjectNode order = (ObjectNode) JSON.readTree(fixture("order-created.json"));
        order.put("cancelled_at", "2026-11-26T10:00:00+01:00").put("cancel_reason", "customer");
        assertThat(ShopifyWebhooks.read(JSON, new OrdersPushed.Delivery("d2", "orders/updated", order.toString())))
                .containsExactly(new ChannelOrder.Cancelled("9007199254740993123", "cancelled on Shopify (customer)"));
        assertThat(ShopifyWebhooks.read(JSON, new OrdersPushed.Delivery("d3", "orders/cancelled",
                new String(fixture("order-created.json"), StandardCharsets.UTF_8))))
                .singleElement().isInstanceOf(ChannelOrder.Cancelled.class)
                .extracting(ChannelOrder::channelOrderId).isEqualTo("9007199254740993123");
    }

    @Test
    void refundsAndOtherTopicsCarryNoOrderAndABodyThatIsNotJsonIsUnreadable() throws Exception {
        String refund = new String(fixture("refund-created.json"), StandardCharsets.UTF_8);
        assertThat(ShopifyWebhooks.read(JSON, new OrdersPushed.Delivery("d4", "refunds/create", refund))).isEmpty();
        assertThat(ShopifyWebhooks.read(JSON, new OrdersPushed.Delivery("d5", "products/update", "{}"))).isEmpty();
        assertThat(ShopifyWebhooks.read(JSON, new OrdersPushed.Delivery("d6", "orders/create", "{not json")))
                .singleElement().isInstanceOf(ChannelOrder.Unreadable.class);
    }

    @Test
    void anIdThatWentThroughADoubleIsNoIdAndAGidIsItsNumber() throws Exception {
        assertThat(ShopifyOrderMapping.idText(JSON.readTree("9.007199254740993E18"))).isNull();
        assertThat(ShopifyOrderMapping.idText(JSON.readTree("18446744073709551615"))).isEqualTo("18446744073709551615");
        assertThat(ShopifyOrderMapping.idText(JSON.readTree("\"gid://shopify/Order/820982911946154508\""))).isEqualTo("820982911946154508");
    }

    @Test
    void theSandboxsDeliveryVerifiesAndMapsToTheSameOrderAsItsGraphqlAnswer() throws Exception {
        ShopifySandbox sandbox = new ShopifySandbox("token-not-real", SECRET);
        sandbox.putOrder(9_007_199_254_740_999L, List.<Object[]>of(new Object[] {"MUG-BLUE", 3}), java.time.Instant.now());
        ShopifySandbox.Delivery delivery = sandbox.delivery("orders/create", 9_007_199_254_740_999L);
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(delivery.headers());
        OrdersPushed.Delivery verified = ShopifyWebhooks.verify("shop", SECRET, headers::get, delivery.body());
        ChannelOrder.Placed pushed = (ChannelOrder.Placed) ShopifyWebhooks.read(JSON, verified).get(0);

        JsonNode answer = sandbox.execute("query { order(id: \"gid://shopify/Order/9007199254740999\") { "
                + ShopifyOrders.ORDER_FIELDS + " lineItems(first: 5) { nodes { " + ShopifyOrders.LINE_FIELDS + " } } } }", JSON.createObjectNode());
        ChannelOrder.Placed polled = (ChannelOrder.Placed) ShopifyOrderMapping.fromGraphql(answer.path("data").path("order"));

        assertThat(pushed.channelOrderId()).isEqualTo("9007199254740999").isEqualTo(polled.channelOrderId());
        JsonNode a = JSON.readTree(pushed.canonical());
        JsonNode b = JSON.readTree(polled.canonical());
        assertThat(a.path("lines")).isEqualTo(b.path("lines"));
        assertThat(a.path("shipTo")).isEqualTo(b.path("shipTo"));
        assertThat(a.path("currency")).isEqualTo(b.path("currency"));
        assertThat(java.time.Instant.parse(a.path("placedAt").asText())).isEqualTo(java.time.Instant.parse(b.path("placedAt").asText()));
    }
}
