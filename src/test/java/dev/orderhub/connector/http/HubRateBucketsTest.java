package dev.orderhub.connector.http;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.orderhub.connector.http.RateLimiter;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The client over the hub's own rate_buckets table (H2 in memory, the hub's migrations): two instances, one budget. */
class HubRateBucketsTest {

    @RegisterExtension
    static WireMockExtension remote = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final String ORDERS = "/orders/2026-01-01/orders";

    private final FakeTime time = new FakeTime();
    private HubRateBuckets buckets;

    @BeforeEach
    void database() {
        DriverManagerDataSource db = new DriverManagerDataSource("jdbc:h2:mem:" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(db).load().migrate();
        buckets = new HubRateBuckets(new RateLimiter(JdbcClient.create(db), time));
        remote.stubFor(get(urlPathEqualTo(ORDERS)).willReturn(okJson("{}")));
    }

    private ChannelClient instance() {
        return new ChannelClients(new ObjectMapper(), buckets, time, null, time).forAccount(ChannelAccount.of("amazon", "amazon-de",
                URI.create(remote.baseUrl()), AllowedHosts.of("localhost"), Credentials.none()));
    }

    @Test
    void twoHubInstancesDrawFromOneBucket() {
        OperationPolicy searchOrders = OperationPolicy.of("searchOrders", 0.0167, 2).withLongestWait(Duration.ofSeconds(10));
        ChannelClient first = instance();
        ChannelClient second = instance();

        first.send(searchOrders, HttpCall.get(ORDERS));
        second.send(searchOrders, HttpCall.get(ORDERS));
        RetryLater later = catchThrowableOfType(() -> first.send(searchOrders, HttpCall.get(ORDERS)), RetryLater.class);

        assertThat(later.after()).isEqualTo(Duration.ofMillis(59_881));
        assertThat(time.pauses).as("a minute's refill is not waited for").isEmpty();
        remote.verify(2, getRequestedFor(urlPathEqualTo(ORDERS)));
    }

    @Test
    void anEmptyBucketIsWaitedForWhenItRefillsWithinTheLongestWait() {
        OperationPolicy patch = OperationPolicy.of("patchListingsItem", 0.5, 1).withLongestWait(Duration.ofSeconds(3));
        ChannelClient client = instance();

        client.send(patch, HttpCall.get(ORDERS));
        client.send(patch, HttpCall.get(ORDERS));

        assertThat(time.pauses).containsExactly(Duration.ofSeconds(2));
        remote.verify(2, getRequestedFor(urlPathEqualTo(ORDERS)));
    }

    @Test
    void aBlockOneInstanceLearnedHoldsTheOther() {
        OperationPolicy getOrders = OperationPolicy.of("getOrders", 10, 10);
        ChannelClient first = instance();
        first.send(getOrders, HttpCall.get(ORDERS));
        buckets.blockUntil("amazon:amazon-de:getOrders", time.millis() + 30_000);

        RetryLater later = catchThrowableOfType(() -> instance().send(getOrders, HttpCall.get(ORDERS)), RetryLater.class);

        assertThat(later.after()).isEqualTo(Duration.ofSeconds(30));
        remote.verify(1, getRequestedFor(urlPathEqualTo(ORDERS)));
    }
}
