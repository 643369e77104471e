package dev.orderhub.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderhub.HubClient;
import dev.orderhub.HubTest;
import dev.orderhub.OrderJson;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * A channel with a webhook secret whose settings also accept keyed orders
 * ({@code webhook.acceptKeyedOrders: true}): an integration key naming the channel may post
 * unsigned; any other caller, even an admin or an integration key for all channels, may not.
 */
@HubTest
@TestPropertySource(properties = "orderhub.channels.b2b.webhook.accept-keyed-orders=true")
class KeyedWebhookChannelTest {

    @LocalServerPort
    int port;

    @Test
    void onlyAnIntegrationKeyForTheChannelPostsUnsigned() {
        HubClient admin = new HubClient(port);
        String forB2b = admin.post("/api/keys", "{\"name\":\"b2b portal\",\"role\":\"integration\",\"channels\":[\"b2b\"]}")
                .text("key");
        String forAll = admin.post("/api/keys", "{\"name\":\"erp\",\"role\":\"integration\"}").text("key");

        assertThat(HubClient.withKey(port, forB2b).post("/api/channels/b2b/orders", OrderJson.of("KEYED-1", "KEYED", 1))
                .status()).isEqualTo(202);
        HubClient.Response allChannels = HubClient.withKey(port, forAll).post("/api/channels/b2b/orders",
                OrderJson.of("KEYED-2", "KEYED", 1));
        assertThat(allChannels.status()).isEqualTo(403);
        assertThat(allChannels.text("detail")).contains("or with an integration key for b2b");
        assertThat(admin.post("/api/channels/b2b/orders", OrderJson.of("KEYED-3", "KEYED", 1)).status()).isEqualTo(403);
    }
}
