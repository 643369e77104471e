package dev.orderhub.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.orderhub.HubClient;
import dev.orderhub.HubTest;
import dev.orderhub.OrderJson;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The zero-setup default (H2): a person on this machine uses the API without a key, as the
 * README's walk-through does; the same request through a proxy, or from another address, is not
 * anonymous-local and needs a key.
 */
@HubTest
class LocalCallerTest {

    @LocalServerPort
    int port;

    @Test
    void theReadmeWalkThroughWorksWithoutAKeyFromThisMachine() {
        HubClient local = HubClient.anonymous(port);
        assertThat(local.get("/api/channels").status()).isEqualTo(200);
        assertThat(local.put("/api/stock/LOCAL-1/locations/main", "{\"onHand\": 5}").status()).isEqualTo(200);
        HubClient.Response posted = local.post("/api/channels/webshop/orders", OrderJson.of("LOCAL-ORDER-1", "LOCAL-1", 2));
        assertThat(posted.status()).isEqualTo(202);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() ->
                "RESERVED".equals(local.get("/api/orders/" + posted.text("hubOrderId")).text("status")));
        assertThat(local.post("/api/stock/adjustments",
                "{\"sku\":\"LOCAL-1\",\"location\":\"main\",\"delta\":10,\"reason\":\"receipt\"}").status()).isEqualTo(200);
        assertThat(local.get("/actuator/health").text("status")).isEqualTo("UP");
        assertThat(local.get("/actuator/health").json().has("components")).as("details need a key, even here").isFalse();
    }

    @Test
    void aRequestThroughAProxyIsNotLocal() {
        HubClient local = HubClient.anonymous(port);
        HubClient.Response proxied = local.send("GET", "/api/orders", null, null, Map.of("X-Forwarded-For", "203.0.113.9"));
        assertThat(proxied.status()).isEqualTo(401);
        assertThat(proxied.text("error")).isEqualTo("unauthorized");
        assertThat(local.send("GET", "/api/orders", null, null, Map.of("Forwarded", "for=203.0.113.9")).status()).isEqualTo(401);
    }

    @Test
    void aRequestFromAnotherAddressIsNotLocal() throws Exception {
        CallerFilter filter = new CallerFilter(null, new Refusals(new SimpleMeterRegistry(),
                new com.fasterxml.jackson.databind.ObjectMapper()), true, false);
        assertThat(callerSeenBy(filter, "10.1.2.3")).as("from 10.1.2.3").isNull();
        assertThat(callerSeenBy(filter, "192.0.2.1")).as("from 192.0.2.1").isNull();
        assertThat(callerSeenBy(filter, "127.0.0.1")).as("from loopback").isNotNull();
        assertThat(callerSeenBy(filter, "::1")).as("from IPv6 loopback").isNotNull();
        CallerFilter production = new CallerFilter(null, new Refusals(new SimpleMeterRegistry(),
                new com.fasterxml.jackson.databind.ObjectMapper()), false, false);
        assertThat(callerSeenBy(production, "127.0.0.1")).as("loopback with anonymous access off").isNull();
    }

    private static Caller callerSeenBy(CallerFilter filter, String remoteAddress) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/orders");
        request.setRemoteAddr(remoteAddress);
        AtomicReference<Caller> seen = new AtomicReference<>();
        try {
            filter.doFilter(request, new MockHttpServletResponse(), new MockFilterChain() {
                @Override
                public void doFilter(jakarta.servlet.ServletRequest req, jakarta.servlet.ServletResponse res) {
                    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
                    seen.set(authentication instanceof CallerAuthentication c ? c.caller() : null);
                }
            });
        } finally {
            SecurityContextHolder.clearContext();
        }
        return seen.get();
    }
}
