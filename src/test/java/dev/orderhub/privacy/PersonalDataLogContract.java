package dev.orderhub.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import dev.orderhub.HubClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jms.core.JmsTemplate;

/**
 * Personal data never reaches the log: every line the hub logs (root at INFO, Camel, Artemis
 * and Hikari at INFO, the hub itself at DEBUG, with exceptions and their causes) while orders
 * with distinctive names, addresses, phone numbers and emails go through every path that
 * handles them: valid over HTTP and over the broker, invalid ones parked, an unknown channel,
 * a database constraint failure that fails every delivery and is dead-lettered, shipments,
 * cancels and an erasure.
 */
abstract class PersonalDataLogContract {

    private static final String QUEUE = "orders.intake";

    @LocalServerPort
    int port;

    @Autowired
    JmsTemplate jms;

    @Autowired
    JdbcClient jdbc;

    HubClient hub;
    String run;
    final List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
    final AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            StringBuilder line = new StringBuilder(event.getLoggerName()).append(' ').append(event.getLevel()).append(' ')
                    .append(event.getFormattedMessage());
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                line.append("\n  caused by ").append(t.getClassName()).append(": ").append(t.getMessage());
                for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                    line.append("\n    ").append(frame.getSTEAsString());
                }
            }
            lines.add(line.toString());
        }
    };
    final Map<String, Level> levels = new java.util.HashMap<>();

    @BeforeEach
    void captureEveryLogLine() {
        hub = new HubClient(port);
        run = UUID.randomUUID().toString().substring(0, 6);
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        level(logging, org.slf4j.Logger.ROOT_LOGGER_NAME, Level.INFO);
        level(logging, "org.apache.camel", Level.INFO);
        level(logging, "org.apache.activemq", Level.INFO);
        level(logging, "com.zaxxer.hikari", Level.INFO);
        level(logging, "dev.orderhub", Level.DEBUG);
        capture.setContext(logging);
        capture.start();
        logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(capture);
    }

    private void level(LoggerContext logging, String name, Level level) {
        Logger logger = logging.getLogger(name);
        levels.put(name, logger.getLevel());
        logger.setLevel(level);
    }

    @AfterEach
    void restore() {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(capture);
        levels.forEach((name, level) -> logging.getLogger(name).setLevel(level));
    }

    /** Distinctive personal values of one buyer: none of them may ever be logged. */
    record Person(String name, String email, String street, String city, String postal, String phone) {

        static Person of(String tag) {
            return new Person("Zebulon Quarterfield" + tag, "zq." + tag + "@privacy-probe.test", "Quillfeather Lane " + tag,
                    "Xylotown" + tag, "ZX" + tag, "+31 6 5555 " + tag);
        }

        List<String> values() {
            return List.of(name, email, street, city, postal, phone);
        }
    }

    private static String order(String channel, String channelOrderId, String sku, Person p) {
        return "{" + (channel == null ? "" : "\"channel\":\"" + channel + "\",")
                + "\"channelOrderId\":\"" + channelOrderId + "\",\"placedAt\":\"2026-11-26T09:30:00Z\",\"currency\":\"EUR\","
                + "\"buyer\":{\"name\":\"" + p.name + "\",\"email\":\"" + p.email + "\"},"
                + "\"shipTo\":{\"name\":\"" + p.name + "\",\"line1\":\"" + p.street + "\",\"city\":\"" + p.city + "\","
                + "\"postalCode\":\"" + p.postal + "\",\"country\":\"NL\",\"phone\":\"" + p.phone + "\"},"
                + "\"lines\":[{\"lineId\":\"1\",\"sku\":\"" + sku + "\",\"qty\":1,\"unitPrice\":10}]}";
    }

    /** The same order with every personal field of the wrong type (each an array holding its value). */
    private static String wrongTypes(String channel, String channelOrderId, String sku, Person p) {
        String json = order(channel, channelOrderId, sku, p);
        for (String value : p.values()) {
            json = json.replace("\"" + value + "\"", "[\"" + value + "\"]");
        }
        return json;
    }

    private long parked(String marker) {
        return jdbc.sql("SELECT COUNT(*) FROM exceptions WHERE payload LIKE :m").param("m", "%" + marker + "%")
                .query(Long.class).single();
    }

    private String awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(20)).until(() -> status.equals(hub.get("/api/orders/" + id).text("status")));
        return id;
    }

    /** Makes the database refuse a city longer than 40 characters, which the validator allows. */
    abstract void refuseLongCities();

    abstract void acceptLongCities();

    @Test
    void noPersonalValueReachesTheLogOnAnyPath() {
        String sku = "PII-" + run;
        hub.setStock(sku, "main", 10);
        List<Person> people = new ArrayList<>();

        // Valid over HTTP, then shipped.
        Person http = Person.of(run + "1");
        people.add(http);
        String shipped = hub.post("/api/channels/webshop/orders", order(null, "PII-H-" + run, sku, http)).text("hubOrderId");
        awaitStatus(shipped, "RESERVED");
        assertThat(hub.post("/api/orders/" + shipped + "/shipments", "{\"carrier\":\"DHL\",\"trackingNumber\":\"T" + run + "\"}")
                .status()).isEqualTo(201);

        // Valid over the broker, then cancelled.
        Person queued = Person.of(run + "2");
        people.add(queued);
        jms.convertAndSend(QUEUE, order("webshop", "PII-Q-" + run, sku, queued));
        String cancelled = dev.orderhub.order.HubOrderIds.of("webshop", "PII-Q-" + run);
        awaitStatus(cancelled, "RESERVED");
        assertThat(hub.post("/api/orders/" + cancelled + "/cancel", "{\"reason\":\"buyer asked\"}").status()).isEqualTo(200);

        // Invalid: wrong types in every personal field, over HTTP (400) and over the broker (parked).
        Person wrongHttp = Person.of(run + "3");
        people.add(wrongHttp);
        assertThat(hub.post("/api/channels/webshop/orders", wrongTypes(null, "PII-W-" + run, sku, wrongHttp)).status())
                .isEqualTo(400);
        Person wrongQueued = Person.of(run + "4");
        people.add(wrongQueued);
        jms.convertAndSend(QUEUE, wrongTypes("webshop", "PII-WQ-" + run, sku, wrongQueued));
        await().atMost(Duration.ofSeconds(20)).until(() -> parked(wrongQueued.email) == 1);

        // An unknown channel: parked.
        Person unknown = Person.of(run + "5");
        people.add(unknown);
        jms.convertAndSend(QUEUE, order("no-such-channel", "PII-U-" + run, sku, unknown));
        await().atMost(Duration.ofSeconds(20)).until(() -> parked(unknown.email) == 1);

        // A database constraint failure on the order's city: every delivery fails and the broker
        // dead-letters the order into the exception store.
        Person refused = Person.of(run + "6");
        refused = new Person(refused.name, refused.email, refused.street, refused.city + "-upon-the-long-winding-riverbank",
                refused.postal, refused.phone);
        people.add(refused);
        refuseLongCities();
        try {
            assertThat(hub.post("/api/channels/webshop/orders", order(null, "PII-D-" + run, sku, refused)).status())
                    .isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> parked("PII-D-" + run) == 1);
        } finally {
            acceptLongCities();
        }

        // A buyer's erasure request, by email and by order id.
        assertThat(hub.post("/api/privacy/erasures", "{\"email\":\"" + http.email + "\",\"hubOrderIds\":[\"" + cancelled
                + "\"],\"reason\":\"GDPR art. 17\"}").status()).isEqualTo(200);

        List<String> logged;
        synchronized (lines) {
            logged = List.copyOf(lines);
        }
        assertThat(logged).as("the hub logged while the flows ran").isNotEmpty();
        for (Person person : people) {
            for (String value : person.values()) {
                assertThat(logged).as("log lines holding \"" + value + "\"").noneMatch(line -> line.contains(value));
            }
        }
    }
}
