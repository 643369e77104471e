package dev.orderhub.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.orderhub.HubClient;
import dev.orderhub.HubTest;
import dev.orderhub.OrderJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A company's identity provider instead of hub keys: a JWT signed by its key (served as a JWK
 * set by a local stand-in) maps its roles claim to the hub's roles, its channels claim to the
 * channels an integration may post for; a token that is expired, from another issuer or signed
 * by another key is 401. API keys keep working next to it.
 */
@HubTest
class TokenCallerTest {

    private static final String ISSUER = "https://id.example.test/realms/shop";
    private static final RSAKey SIGNING = key("idp-1");
    private static final RSAKey OTHER = key("idp-2");
    private static final HttpServer JWKS = jwks();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void identityProvider(DynamicPropertyRegistry registry) {
        registry.add("orderhub.security.jwt.issuer-uri", () -> ISSUER);
        registry.add("orderhub.security.jwt.jwk-set-uri", () -> "http://127.0.0.1:" + JWKS.getAddress().getPort() + "/jwks");
    }

    @Test
    void aTokenCarriesItsRolesAndChannels() {
        HubClient viewer = HubClient.withKey(port, token(SIGNING, ISSUER, List.of("viewer"), List.of(), 300));
        assertThat(viewer.get("/api/orders").status()).isEqualTo(200);
        assertThat(viewer.post("/api/orders/oh-1/cancel", "{}").status()).isEqualTo(403);

        HubClient integration = HubClient.withKey(port, token(SIGNING, ISSUER, List.of("integration"), List.of("pos"), 300));
        assertThat(integration.post("/api/channels/pos/orders", OrderJson.of("JWT-1", "JWT-SKU", 1)).status()).isEqualTo(202);
        assertThat(integration.post("/api/channels/webshop/orders", OrderJson.of("JWT-2", "JWT-SKU", 1)).status()).isEqualTo(403);

        assertThat(HubClient.withKey(port, token(SIGNING, ISSUER, List.of("unheard-of"), List.of(), 300))
                .get("/api/orders").status()).as("no recognised role").isEqualTo(403);
        assertThat(new HubClient(port).get("/api/orders").status()).as("an API key next to tokens").isEqualTo(200);
    }

    @Test
    void aTokenThatIsExpiredForeignOrForgedIs401() {
        for (String bad : List.of(token(SIGNING, ISSUER, List.of("admin"), List.of(), -600),
                token(SIGNING, "https://someone-else.example.test", List.of("admin"), List.of(), 300),
                token(OTHER, ISSUER, List.of("admin"), List.of(), 300))) {
            HubClient.Response answer = HubClient.withKey(port, bad).get("/api/orders");
            assertThat(answer.status()).isEqualTo(401);
            assertThat(answer.text("error")).isEqualTo("unauthorized");
        }
    }

    private static String token(RSAKey key, String issuer, List<String> roles, List<String> channels, long validSeconds) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).subject("someone@shop.example")
                .issueTime(Date.from(now.minusSeconds(700))).expirationTime(Date.from(now.plusSeconds(validSeconds)))
                .claim("roles", roles).claim("orderhub_channels", channels).build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSAKey key(String id) {
        try {
            return new RSAKeyGenerator(2048).keyID(id).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The identity provider's published keys (only the first one: the second is a forger's). */
    private static HttpServer jwks() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            byte[] body = new JWKSet(SIGNING.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            server.createContext("/jwks", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stop() {
        JWKS.stop(0);
    }
}
