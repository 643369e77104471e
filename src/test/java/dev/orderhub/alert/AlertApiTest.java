package dev.orderhub.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.HubClient;
import dev.orderhub.HubTest;
import dev.orderhub.messaging.Outbox;
import dev.orderhub.security.ApiKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.transaction.PlatformTransactionManager;

/** GET /api/alerts (filters, cursor paging, errors), GET /api/alerts/{id}, POST /api/alerts/{id}/acknowledge. */
@HubTest
class AlertApiTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    Outbox outbox;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    ObjectProvider<JavaMailSender> mail;
    @Autowired
    AlertSettings settings;
    @Autowired
    ApiKeys keys;

    HubClient hub;
    String kind;
    FakeConditions holding;
    Alerts alerts;

    @BeforeEach
    void setUp() {
        hub = new HubClient(port);
        kind = "test.api-" + UUID.randomUUID().toString().substring(0, 8);
        holding = new FakeConditions(kind, jdbc, outbox, settings, transactions, mail);
        alerts = holding.alerts();
    }

    void raise(String... channels) {
        List<AlertConditions.Condition> conditions = new ArrayList<>();
        for (String channel : channels) {
            conditions.add(new AlertConditions.Condition(kind, channel, null, Alert.WARN, "API test on " + channel, 1.0, "1", 0.5));
        }
        holding.hold(conditions);
        alerts.evaluate();
    }

    @Test
    void listsOpenAndClearedAlertsNewestFirstFilteredAndPaged() {
        raise("webshop", "b2b", "pos");
        raise("webshop", "b2b");

        JsonNode open = hub.get("/api/alerts?kind=" + kind).json();
        assertThat(open.get("items")).extracting(a -> a.get("channel").asText()).containsExactly("b2b", "webshop");
        assertThat(open.get("next").isNull()).isTrue();
        JsonNode cleared = hub.get("/api/alerts?state=cleared&kind=" + kind).json();
        assertThat(cleared.get("items")).singleElement().satisfies(a -> {
            assertThat(a.get("channel").asText()).isEqualTo("pos");
            assertThat(a.get("clearedAt").asText()).isNotBlank();
        });
        assertThat(hub.get("/api/alerts?state=all&kind=" + kind + "&channel=pos").json().get("items")).hasSize(1);

        JsonNode first = hub.get("/api/alerts?state=all&kind=" + kind + "&limit=2").json();
        assertThat(first.get("items")).hasSize(2);
        JsonNode second = hub.get("/api/alerts?state=all&kind=" + kind + "&limit=2&cursor=" + first.get("next").asText()).json();
        assertThat(second.get("items")).extracting(a -> a.get("channel").asText()).containsExactly("webshop");
        assertThat(second.get("next").isNull()).isTrue();

        long id = open.get("items").get(0).get("id").asLong();
        JsonNode one = hub.get("/api/alerts/" + id).json();
        assertThat(one.get("kind").asText()).isEqualTo(kind);
        assertThat(one.get("severity").asText()).isEqualTo("warn");
        assertThat(one.get("title").asText()).isEqualTo("API test on b2b");
        assertThat(one.get("threshold").asDouble()).isEqualTo(0.5);
    }

    @Test
    void badFiltersAndUnknownAlertsAreAnsweredWithTheProblem() {
        HubClient.Response state = hub.get("/api/alerts?state=closed");
        assertThat(state.status()).isEqualTo(400);
        assertThat(state.text("detail")).contains("state", "open, cleared or all", "closed");
        assertThat(hub.get("/api/alerts?channel=nowhere").text("detail")).contains("channel", "nowhere");
        assertThat(hub.get("/api/alerts?kind=KPI%20LSR").status()).isEqualTo(400);
        assertThat(hub.get("/api/alerts?cursor=abc").text("detail")).contains("cursor");
        assertThat(hub.get("/api/alerts?limit=0").status()).isEqualTo(400);
        HubClient.Response missing = hub.get("/api/alerts/987654321");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.text("error")).isEqualTo("not_found");
        assertThat(hub.post("/api/alerts/987654321/acknowledge", "{}").status()).isEqualTo(404);
    }

    @Test
    void anOperatorAcknowledgesWithANoteAndAViewerMayNot() {
        raise("webshop");
        long id = hub.get("/api/alerts?kind=" + kind).json().get("items").get(0).get("id").asLong();
        String viewerKey = keys.create(new ApiKeys.NewKey("alert viewer", "viewer", List.of())).key();
        String operatorKey = keys.create(new ApiKeys.NewKey("alert operator", "operator", List.of())).key();

        HubClient.Response refused = HubClient.withKey(port, viewerKey).post("/api/alerts/" + id + "/acknowledge", "{}");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(hub.get("/api/alerts/" + id).json().has("acknowledgedAt")).isFalse();

        HubClient operator = HubClient.withKey(port, operatorKey);
        HubClient.Response tooLong = operator.post("/api/alerts/" + id + "/acknowledge", "{\"note\":\"" + "x".repeat(501) + "\"}");
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.text("detail")).contains("note");
        JsonNode acknowledged = operator.post("/api/alerts/" + id + "/acknowledge", "{\"note\":\"carrier called\"}").json();
        assertThat(acknowledged.get("acknowledgedBy").asText()).startsWith("alert operator (key-");
        assertThat(acknowledged.get("acknowledgeNote").asText()).isEqualTo("carrier called");
        assertThat(acknowledged.has("clearedAt")).isFalse();
    }
}
