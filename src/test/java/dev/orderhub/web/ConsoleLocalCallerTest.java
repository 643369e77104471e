package dev.orderhub.web;

import static dev.orderhub.web.ConsoleSession.form;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import dev.orderhub.HubClient;
import dev.orderhub.HubTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * On the zero-setup default a browser on this machine is admin without signing in: it sees the
 * console at once, and its posts still need the session's CSRF token, so another site's page
 * cannot act through it.
 */
@HubTest
class ConsoleLocalCallerTest {

    @LocalServerPort
    int port;

    @Test
    void aBrowserOnThisMachineIsAdminButItsPostsNeedTheToken() {
        String sku = "LOCAL-" + UUID.randomUUID().toString().substring(0, 8);
        new HubClient(port).setStock(sku, "main", 4);
        ConsoleSession local = new ConsoleSession(port);
        ConsoleSession.Page overview = local.get("/");
        assertThat(overview.status()).isEqualTo(200);
        assertThat(overview.body()).contains("<span id=\"who-role\">admin</span>").doesNotContain("id=\"sign-out\"");
        assertThat(local.get("/console/login").body()).as("may still sign in with a key").contains("id=\"local-note\"");

        ConsoleSession.Page forged = local.post("/console/stock/sku/" + sku + "/adjust",
                form("location", "main", "delta", "-4", "reason", "forged"), false);
        assertThat(forged.status()).isEqualTo(403);
        assertThat(new HubClient(port).get("/api/stock/" + sku).json().get("onHand").asLong()).isEqualTo(4);

        local.get("/console/stock/sku/" + sku);
        ConsoleSession.Page adjusted = local.post("/console/stock/sku/" + sku + "/adjust",
                form("location", "main", "delta", "-1", "reason", "damage"));
        assertThat(adjusted.status()).as(adjusted.body()).isEqualTo(200);
        assertThat(new HubClient(port).get("/api/stock/" + sku).json().get("onHand").asLong()).isEqualTo(3);
    }

    @Test
    void aBrowserOnThisMachineReadsSwaggerUiAndTheApiDocumentWithoutSigningIn() {
        ConsoleSession local = new ConsoleSession(port);
        assertThat(local.get("/swagger-ui/index.html").status()).isEqualTo(200);
        assertThat(local.get("/v3/api-docs", "application/json,*/*").body()).contains("\"title\":\"orderhub API\"");
        HubClient.Response metrics = HubClient.anonymous(port).get("/actuator/prometheus");
        assertThat(metrics.status()).as("metrics still want a key, even on this machine").isEqualTo(403);
        assertThat(metrics.text("detail")).contains("needs an API key");
    }
}
