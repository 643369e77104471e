package dev.orderhub.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import dev.orderhub.HubClient;
import dev.orderhub.OrderJson;
import dev.orderhub.order.HubOrderIds;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The embedded broker over TCP, as an ERP or an intruder sees it: no anonymous login, no
 * wrong password, an ERP may send orders and subscribe to events but never take orders off
 * the intake queue or its dead-letter queue.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class BrokerSecurityTest {

    static final int BROKER_PORT = freePort();
    static final String ERP_PASSWORD = "erp-test-only-" + UUID.randomUUID();

    @DynamicPropertySource
    static void tcpAcceptorAndAnErpUser(DynamicPropertyRegistry registry) {
        registry.add("orderhub.broker.acceptor-port", () -> BROKER_PORT);
        registry.add("orderhub.broker.users.erp.password", () -> ERP_PASSWORD);
    }

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    HubClient hub;

    @BeforeEach
    void client() {
        hub = new HubClient(port);
    }

    @Test
    void stompWithoutCredentialsOrWithAWrongPasswordIsRefused() throws IOException {
        double refusedBefore = refused();
        assertThat(stompConnect(null, null)).startsWith("ERROR");
        assertThat(stompConnect("erp", "not-the-password")).startsWith("ERROR");
        assertThat(stompConnect("nobody", "whatever")).startsWith("ERROR");
        assertThat(stompConnect("erp", ERP_PASSWORD)).startsWith("CONNECTED");
        assertThat(refused() - refusedBefore).isEqualTo(3);
    }

    @Test
    void anErpMaySendOrdersAndSubscribeToEventsButNeverTakeOrdersOrDeadLetters() throws Exception {
        try (Connection connection = erp().createConnection("erp", ERP_PASSWORD)) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer events = session.createConsumer(session.createTopic("order.received"));

            String channelOrderId = "ERP-" + UUID.randomUUID();
            String order = OrderJson.of(channelOrderId, "SKU-" + channelOrderId, 1).replaceFirst("\\{", "{\"channel\":\"b2b\",");
            session.createProducer(session.createQueue("orders.intake")).send(session.createTextMessage(order));
            String hubOrderId = HubOrderIds.of("b2b", channelOrderId);
            await().atMost(Duration.ofSeconds(20)).until(() -> hub.get("/api/orders/" + hubOrderId).status() == 200);
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                Message event = events.receive(200);
                return event instanceof TextMessage text && text.getText().contains(hubOrderId);
            });

            for (String queue : List.of("orders.intake", "DLQ.orders.intake")) {
                assertThatThrownBy(() -> session.createConsumer(session.createQueue(queue)))
                        .as("an ERP consuming " + queue).isInstanceOf(JMSSecurityException.class);
                assertThatThrownBy(() -> session.createBrowser(session.createQueue(queue)).getEnumeration().hasMoreElements())
                        .as("an ERP browsing " + queue).isInstanceOf(JMSSecurityException.class);
            }
        }
    }

    @Test
    void anAnonymousConsumerCannotTakeOrdersTheApiAccepted() throws Exception {
        // The original finding: an outside consumer on orders.intake took orders answered 202.
        AtomicInteger taken = new AtomicInteger();
        List<Throwable> refusals = new ArrayList<>();
        Thread thief = new Thread(() -> {
            for (int attempt = 0; attempt < 20; attempt++) {
                try (Connection connection = erp().createConnection()) {
                    connection.start();
                    Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    MessageConsumer consumer = session.createConsumer(session.createQueue("orders.intake"));
                    while (consumer.receive(100) != null) {
                        taken.incrementAndGet();
                    }
                } catch (Exception e) {
                    synchronized (refusals) {
                        refusals.add(e);
                    }
                }
            }
        });
        thief.start();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String channelOrderId = "ANON-" + UUID.randomUUID();
            HubClient.Response accepted = hub.post("/api/channels/webshop/orders", OrderJson.of(channelOrderId, "SKU-A", 1));
            assertThat(accepted.status()).isEqualTo(202);
            ids.add(accepted.text("hubOrderId"));
        }
        thief.join(Duration.ofSeconds(60).toMillis());

        await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream().allMatch(id -> hub.get("/api/orders/" + id).status() == 200));
        assertThat(taken.get()).as("orders taken by the anonymous consumer").isZero();
        assertThat(refusals).isNotEmpty().allSatisfy(e -> assertThat(e).isInstanceOf(JMSSecurityException.class));
    }

    private static ActiveMQConnectionFactory erp() {
        return new ActiveMQConnectionFactory("tcp://127.0.0.1:" + BROKER_PORT + "?reconnectAttempts=0");
    }

    private double refused() {
        return meters.find("orderhub.broker.logins.refused").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    /** A STOMP 1.2 CONNECT over a raw socket; returns the broker's answer frame. */
    private static String stompConnect(String login, String passcode) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", BROKER_PORT)) {
            socket.setSoTimeout(10_000);
            StringBuilder frame = new StringBuilder("CONNECT\naccept-version:1.2\nhost:127.0.0.1\n");
            if (login != null) {
                frame.append("login:").append(login).append('\n').append("passcode:").append(passcode).append('\n');
            }
            frame.append('\n').append('\0');
            OutputStream out = socket.getOutputStream();
            out.write(frame.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder answer = new StringBuilder();
            int c;
            while ((c = in.read()) > 0) {
                answer.append((char) c);
            }
            return answer.toString();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
