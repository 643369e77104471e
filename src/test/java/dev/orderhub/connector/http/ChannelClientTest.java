package dev.orderhub.connector.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.status;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

class ChannelClientTest {

    @RegisterExtension
    static WireMockExtension remote = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    static final String CLIENT_SECRET = "lwa-client-secret-0c9f";
    static final String REFRESH_TOKEN = "Atzr|refresh-token-77aa";
    static final String TOKEN_PATH = "/auth/o2/token";
    static final String ORDERS = "/orders/2026-01-01/orders";
    static final String AMAZON_TOKEN = "x-amz-access-token";
    private static final AtomicInteger SCENARIOS = new AtomicInteger();

    private final FakeTime time = new FakeTime();
    private final FakeBuckets buckets = new FakeBuckets(time);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ChannelClients clients = new ChannelClients(new ObjectMapper(), buckets, time, meters, time);
    private final OperationPolicy getOrders = OperationPolicy.of("getOrders", 5, 10)
            .withTimeout(Duration.ofSeconds(5)).withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));

    /** The stub's first answer in a cold JVM takes a while; no test's timeout should depend on that. */
    @BeforeAll
    static void warmUp() throws Exception {
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(remote.baseUrl() + "/warm-up")).build(),
                HttpResponse.BodyHandlers.discarding());
    }

    private ChannelClient client(Credentials credentials) {
        return clients.forAccount(ChannelAccount.of("amazon", "amazon-de", URI.create(remote.baseUrl()),
                AllowedHosts.of("localhost"), credentials));
    }

    private ChannelClient lwaClient() {
        return client(new Credentials.RefreshToken(URI.create(remote.baseUrl() + TOKEN_PATH), "amzn1.application-oa2-client.1",
                CLIENT_SECRET, REFRESH_TOKEN, TokenPlacement.header(AMAZON_TOKEN)));
    }

    private ChannelClient openClient() {
        return client(Credentials.none());
    }

    /** The remote answers requests matching {@code request} with these answers in turn, the last one from then on. */
    private static void answersInTurn(Supplier<MappingBuilder> request, ResponseDefinitionBuilder... answers) {
        String scenario = "turns-" + SCENARIOS.incrementAndGet();
        for (int i = 0; i < answers.length; i++) {
            ScenarioMappingBuilder turn = request.get().inScenario(scenario)
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "turn-" + i);
            if (i < answers.length - 1) {
                turn = turn.willSetStateTo("turn-" + (i + 1));
            }
            remote.stubFor(turn.willReturn(answers[i]));
        }
    }

    private static List<LoggedRequest> requestsTo(String path) {
        return remote.findAll(anyRequestedFor(urlPathEqualTo(path)));
    }

    private static ResponseDefinitionBuilder token(String value) {
        return okJson("{\"access_token\":\"" + value + "\",\"token_type\":\"bearer\",\"expires_in\":3600}");
    }

    // --- allow-list

    @Test
    void aHostOutsideTheAllowListIsRefusedBeforeAnythingIsSent() {
        remote.stubFor(any(anyUrl()).willReturn(status(200)));
        URI sameServerOtherName = URI.create("http://127.0.0.1:" + remote.getPort() + "/uploads/doc-1?X-Amz-Signature=abc");

        assertThatThrownBy(() -> openClient().send(getOrders, HttpCall.to("PUT", sameServerOtherName).body("{}", "application/json")))
                .isInstanceOf(HostNotAllowedException.class)
                .hasMessageContaining("\"127.0.0.1\"").hasMessageContaining("[localhost]")
                .hasMessageNotContaining("X-Amz-Signature");
        assertThat(remote.getAllServeEvents()).isEmpty();
        assertThat(meters.counter(ChannelClient.CALLS_METER, "connector", "amazon", "operation", "getOrders", "outcome", "refused")
                .count()).isEqualTo(1);
    }

    @Test
    void aTokenUrlOutsideTheAllowListIsRefusedWhenTheAccountIsConfigured() {
        assertThatThrownBy(() -> ChannelAccount.of("amazon", "amazon-de", URI.create(remote.baseUrl()), AllowedHosts.of("localhost"),
                new Credentials.RefreshToken(URI.create("https://api.amazon.com/auth/o2/token"), "id", CLIENT_SECRET, REFRESH_TOKEN,
                        TokenPlacement.bearer())))
                .isInstanceOf(HostNotAllowedException.class).hasMessageContaining("api.amazon.com")
                .hasMessageNotContaining(CLIENT_SECRET);
    }

    @Test
    void credentialsGoOnlyToTheBaseUrlsHostNeverToAPresignedUrl() {
        remote.stubFor(post(TOKEN_PATH).willReturn(token("Atza|t1")));
        remote.stubFor(put("/uploads/doc-1").willReturn(status(200)));
        ChannelClient client = clients.forAccount(ChannelAccount.of("amazon", "amazon-de", URI.create(remote.baseUrl()),
                AllowedHosts.of("localhost", "127.0.0.1"), new Credentials.RefreshToken(URI.create(remote.baseUrl() + TOKEN_PATH),
                        "id", CLIENT_SECRET, REFRESH_TOKEN, TokenPlacement.header(AMAZON_TOKEN))));

        HttpAnswer answer = client.send(getOrders, HttpCall.to("PUT",
                URI.create("http://127.0.0.1:" + remote.getPort() + "/uploads/doc-1")).body("{}", "application/json"));

        assertThat(answer.status()).isEqualTo(200);
        remote.verify(1, putRequestedFor(urlPathEqualTo("/uploads/doc-1")).withHeader(AMAZON_TOKEN, absent()));
        assertThat(requestsTo(TOKEN_PATH)).isEmpty();
    }

    // --- tokens

    @Test
    void theRefreshTokenGrantIsMadeOnceFor8ParallelCallersAndCachedUntilShortlyBeforeExpiry() throws Exception {
        remote.stubFor(post(TOKEN_PATH).willReturn(token("Atza|first").withFixedDelay(300)));
        remote.stubFor(get(urlPathEqualTo(ORDERS)).withHeader(AMAZON_TOKEN, equalTo("Atza|first")).willReturn(okJson("{}")));
        ChannelClient client = lwaClient();
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<HttpAnswer>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(callers.submit(() -> {
                    start.await();
                    return client.send(getOrders, HttpCall.get(ORDERS));
                }));
            }
            start.countDown();
            for (Future<HttpAnswer> answer : answers) {
                assertThat(answer.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
        } finally {
            callers.shutdownNow();
        }

        assertThat(requestsTo(TOKEN_PATH)).hasSize(1);
        assertThat(requestsTo(ORDERS)).hasSize(8);
        assertThat(requestsTo(TOKEN_PATH).get(0).getBodyAsString()).isEqualTo("grant_type=refresh_token"
                + "&refresh_token=Atzr%7Crefresh-token-77aa&client_id=amzn1.application-oa2-client.1"
                + "&client_secret=lwa-client-secret-0c9f");
        assertThat(requestsTo(TOKEN_PATH).get(0).getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");

        time.pause(Duration.ofSeconds(3600 - 61));
        client.send(getOrders, HttpCall.get(ORDERS));
        assertThat(requestsTo(TOKEN_PATH)).as("still cached a minute before expiry").hasSize(1);

        time.pause(Duration.ofSeconds(2));
        client.send(getOrders, HttpCall.get(ORDERS));
        assertThat(requestsTo(TOKEN_PATH)).as("fetched anew within the last minute").hasSize(2);
    }

    @Test
    void a401DropsTheTokenAndSendsOnceMoreWithAFreshOne() {
        answersInTurn(() -> post(TOKEN_PATH), token("Atza|old"), token("Atza|new"));
        remote.stubFor(get(urlPathEqualTo(ORDERS)).withHeader(AMAZON_TOKEN, equalTo("Atza|old")).willReturn(status(401)));
        remote.stubFor(get(urlPathEqualTo(ORDERS)).withHeader(AMAZON_TOKEN, equalTo("Atza|new")).willReturn(okJson("{\"orders\":[]}")));

        HttpAnswer answer = lwaClient().send(getOrders, HttpCall.get(ORDERS));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("orders").isArray()).isTrue();
        assertThat(requestsTo(TOKEN_PATH)).hasSize(2);
        assertThat(requestsTo(ORDERS)).hasSize(2);
        assertThat(time.pauses).as("a refresh is not a retry: no backoff").isEmpty();
    }

    @Test
    void a401ThatOutlastsTheFreshTokenIsTheAnswer() {
        answersInTurn(() -> post(TOKEN_PATH), token("Atza|old"), token("Atza|new"));
        remote.stubFor(get(urlPathEqualTo(ORDERS)).willReturn(status(401).withBody("{\"errors\":[{\"code\":\"Unauthorized\"}]}")));

        HttpAnswer answer = lwaClient().send(getOrders, HttpCall.get(ORDERS));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.refused()).isTrue();
        assertThat(requestsTo(TOKEN_PATH)).hasSize(2);
        assertThat(requestsTo(ORDERS)).hasSize(2);
    }

    @Test
    void theClientCredentialsGrantPutsItsTokenWhereTheAccountSays() {
        remote.stubFor(post(TOKEN_PATH).willReturn(token("cc-token")));
        remote.stubFor(get(urlPathEqualTo(ORDERS)).withHeader("Authorization", equalTo("Bearer cc-token")).willReturn(okJson("{}")));
        ChannelClient client = client(new Credentials.ClientCredentials(URI.create(remote.baseUrl() + TOKEN_PATH), "shop-app",
                CLIENT_SECRET, "orders.read", TokenPlacement.bearer()));

        assertThat(client.send(getOrders, HttpCall.get(ORDERS)).status()).isEqualTo(200);
        assertThat(requestsTo(TOKEN_PATH).get(0).getBodyAsString())
                .isEqualTo("grant_type=client_credentials&client_id=shop-app&client_secret=lwa-client-secret-0c9f&scope=orders.read");
    }

    @Test
    void aStaticTokenIsSentAsItIsAndA401IsNotRetried() {
        remote.stubFor(get(urlPathEqualTo(ORDERS)).willReturn(status(401)));

        HttpAnswer answer = client(new Credentials.StaticToken("shpat_static-9", TokenPlacement.header("X-Shopify-Access-Token")))
                .send(getOrders, HttpCall.get(ORDERS));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(requestsTo(ORDERS)).hasSize(1);
        assertThat(requestsTo(ORDERS).get(0).getHeader("X-Shopify-Access-Token")).isEqualTo("shpat_static-9");
    }

    // --- throttling

    @Test
    void a429WaitsTheRetryAfterSeconds() {
        answersInTurn(() -> get(urlPathEqualTo(ORDERS)), status(429).withHeader("Retry-After", "3"), okJson("{}"));

        assertThat(openClient().send(getOrders, HttpCall.get(ORDERS)).status()).isEqualTo(200);
        assertThat(time.pauses).containsExactly(Duration.ofSeconds(3));
        assertThat(requestsTo(ORDERS)).hasSize(2);
    }

    @Test
    void a429WaitsTheXRetryAfterSecondsWhenThereIsNoRetryAfter() {
        answersInTurn(() -> get(urlPathEqualTo(ORDERS)), status(429).withHeader("x-retry-after", "4"), okJson("{}"));

        assertThat(openClient().send(getOrders, HttpCall.get(ORDERS)).status()).isEqualTo(200);
        assertThat(time.pauses).containsExactly(Duration.ofSeconds(4));
    }

    @Test
    void a429WaitsUntilTheRetryAfterDate() {
        String inSevenSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(FakeTime.START.plusSeconds(7).atZone(ZoneOffset.UTC));
        answersInTurn(() -> get(urlPathEqualTo(ORDERS)), status(429).withHeader("Retry-After", inSevenSeconds), okJson("{}"));

        assertThat(openClient().send(getOrders, HttpCall.get(ORDERS)).status()).isEqualTo(200);
        assertThat(time.pauses).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void aRetryAfterLongerThanTheLongestWaitEndsTheCallWithThatWaitAndBlocksTheSharedBucket() {
        remote.stubFor(get(urlPathEqualTo(ORDERS)).willReturn(status(429).withHeader("Retry-After", "120")));

        RetryLater later = catchThrowableOfType(() -> openClient().send(getOrders, HttpCall.get(ORDERS)), RetryLater.class);

        assertThat(later.after()).isEqualTo(Duration.ofSeconds(120));
        assertThat(later.reason()).contains("amazon/amazon-de getOrders: 429");
        assertThat(later.lastAnswer()).get().extracting(HttpAnswer::status).isEqualTo(429);
        assertThat(requestsTo(ORDERS)).hasSize(1);
        assertThat(time.pauses).isEmpty();
        assertThat(buckets.blockedFor("amazon:amazon-de:getOrders")).isEqualTo(120_000);
    }

    @Test
    void noRequestsRemainingBlocksTheBucketUntilTheReset() {
        remote.stubFor(get(urlPathEqualTo(ORDERS)).willReturn(okJson("{}")
                .withHeader("X-RateLimit-Remaining", "0").withHeader("X-RateLimit-Reset", "30")));
        ChannelClient client = openClient();

        assertThat(client.send(getOrders, HttpCall.get(ORDERS)).status()).isEqualTo(200);
        RetryLater later = catchThrowableOfType(() -> client.send(getOrders, HttpCall.get(ORDERS)), RetryLater.class);

        assertThat(later.after()).isEqualTo(Duration.ofSeconds(30));
        assertThat(later.reason()).contains("no request left in its bucket");
        assertThat(requestsTo(ORDERS)).hasSize(1);
    }

    @Test
    void amazonsAnnouncedRateReplacesTheOperationsRate() {
        remote.stubFor(get(urlPathEqualTo(ORDERS)).willReturn(okJson("{}").withHeader("x-amzn-RateLimit-Limit", "0.5")));
        ChannelClient client = openClient();

        client.send(getOrders, HttpCall.get(ORDERS));
        client.send(getOrders, HttpCall.get(ORDERS));

        assertThat(buckets.ratesAsked).containsExactly(5.0, 0.5);
        assertThat(client.rate(getOrders)).isEqualTo(0.5);
    }

    @Test
    void anEmptyBucketIsWaitedForUpToTheLongestWaitThenRetryLater() {
        buckets.empty = true;
        OperationPolicy slow = OperationPolicy.of("searchOrders", 0.5, 1).withLongestWait(Duration.ofSeconds(5));

        RetryLater later = catchThrowableOfType(() -> openClient().send(slow, HttpCall.get(ORDERS)), RetryLater.class);

        assertThat(time.pauses).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));
        assertThat(later.after()).isEqualTo(Duration.ofSeconds(2));
        assertThat(later.lastAnswer()).isEmpty();
        assertThat(remote.getAllServeEvents()).isEmpty();
    }

    // --- retries

    @Test
    void serverErrorsAreRetriedWithGrowingJitteredBackoffThenSucceed() {
        answersInTurn(() -> get(urlPathEqualTo(ORDERS)), status(500), status(502), okJson("{\"ok\":true}"));

        HttpAnswer answer = openClient().send(getOrders, HttpCall.get(ORDERS));

        assertThat(answer.json().path("ok").asBoolean()).isTrue();
        assertThat(requestsTo(ORDERS)).hasSize(3);
        assertThat(time.pauses).hasSize(2);
        assertThat(time.pauses.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        assertThat(time.pauses.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void serverErrorsThatOutlastTheAttemptsEndInRetryLater() {
        remote.stubFor(get(urlPathEqualTo(ORDERS)).willReturn(status(503).withBody("{\"errors\":[{\"code\":\"ServiceUnavailable\"}]}")));

        RetryLater later = catchThrowableOfType(() -> openClient().send(getOrders, HttpCall.get(ORDERS)), RetryLater.class);

        assertThat(requestsTo(ORDERS)).hasSize(3);
        assertThat(later.reason()).isEqualTo("amazon/amazon-de getOrders: 503 after 3 attempt(s)");
        assertThat(later.after()).isPositive();
        assertThat(later.lastAnswer()).get().extracting(a -> a.json().path("errors").path(0).path("code").asText())
                .isEqualTo("ServiceUnavailable");
        assertThat(meters.counter(ChannelClient.CALLS_METER, "connector", "amazon", "operation", "getOrders", "outcome",
                "retry_later").count()).isEqualTo(1);
    }

    @Test
    void aPostWithoutAnIdempotencyKeyIsNotSentTwiceAfterAServerErrorButIsAfterA429() {
        String fulfil = "/fba/outbound/2020-07-01/fulfillmentOrders";
        answersInTurn(() -> post(fulfil), status(500), status(200));
        OperationPolicy create = OperationPolicy.of("createFulfillmentOrder", 100, 100).withBackoff(Duration.ofMillis(50),
                Duration.ofMillis(400));

        RetryLater later = catchThrowableOfType(() -> openClient().send(create, HttpCall.post(fulfil).json("{}")), RetryLater.class);

        assertThat(requestsTo(fulfil)).as("it may have been applied: the caller asks before sending again").hasSize(1);
        assertThat(later.reason()).contains("500; not sent again: POST without an idempotency key may already have been applied");
        assertThat(later.after()).as("the caller's backoff decides: the remote asked for no wait").isZero();

        remote.resetAll();
        answersInTurn(() -> post(fulfil), status(429).withHeader("Retry-After", "1"), status(200));
        assertThat(openClient().send(create, HttpCall.post(fulfil).json("{}")).status()).as("a 429 was not processed").isEqualTo(200);
        assertThat(requestsTo(fulfil)).hasSize(2);
    }

    @Test
    void aBadRequestIsTheAnswerAtOnceWithItsErrorBody() {
        remote.stubFor(get(urlPathEqualTo(ORDERS)).willReturn(status(400)
                .withBody("{\"errors\":[{\"code\":\"InvalidInput\",\"message\":\"Invalid marketplaceIds\"}]}")));

        HttpAnswer answer = openClient().send(getOrders, HttpCall.get(ORDERS).query("marketplaceIds", List.of("XX")));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.refused()).isTrue();
        assertThat(answer.json().path("errors").path(0).path("code").asText()).isEqualTo("InvalidInput");
        assertThat(requestsTo(ORDERS)).hasSize(1);
        assertThat(time.pauses).isEmpty();
        assertThat(meters.counter(ChannelClient.CALLS_METER, "connector", "amazon", "operation", "getOrders", "outcome", "4xx")
                .count()).isEqualTo(1);
    }

    @Test
    void aRequestThatTimesOutIsRetried() {
        answersInTurn(() -> get(urlPathEqualTo(ORDERS)), okJson("{}").withFixedDelay(5000), okJson("{\"second\":true}"));

        HttpAnswer answer = openClient().send(getOrders.withTimeout(Duration.ofSeconds(1)), HttpCall.get(ORDERS));

        assertThat(answer.json().path("second").asBoolean()).isTrue();
        assertThat(requestsTo(ORDERS)).hasSize(2);
        assertThat(time.pauses).hasSize(1);
    }

    @Test
    void aRemoteThatIsNotListeningEndsInRetryLaterAfterTheAttempts() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        ChannelClient client = clients.forAccount(ChannelAccount.of("amazon", "amazon-de", URI.create("http://localhost:" + closed),
                AllowedHosts.of("localhost"), Credentials.none()));

        RetryLater later = catchThrowableOfType(() -> client.send(getOrders, HttpCall.get(ORDERS)), RetryLater.class);

        assertThat(later.reason()).contains("GET " + ORDERS + " failed (ConnectException").endsWith("after 3 attempt(s)");
        assertThat(time.pauses).hasSize(2);
    }

    // --- idempotency, bodies

    @Test
    void everyRetryOfACallSendsTheSameIdempotencyKey() {
        String feeds = "/feeds/2021-06-30/feeds";
        answersInTurn(() -> post(feeds), status(503), status(500), status(202).withBody("{\"feedId\":\"F-1\"}"));
        OperationPolicy createFeed = OperationPolicy.of("createFeed", 0.0083, 15).withIdempotencyHeader("Idempotency-Key")
                .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));

        HttpAnswer answer = openClient().send(createFeed, HttpCall.post(feeds)
                .json(Map.of("feedType", "JSON_LISTINGS_FEED")).idempotencyKey("stock-push-42"));

        assertThat(answer.json().path("feedId").asText()).isEqualTo("F-1");
        remote.verify(3, postRequestedFor(urlPathEqualTo(feeds)).withHeader("Idempotency-Key", equalTo("stock-push-42"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"feedType\":\"JSON_LISTINGS_FEED\"}")));
        assertThat(requestsTo(feeds)).hasSize(3);
    }

    @Test
    void anOperationThatTakesAnIdempotencyKeyRefusesACallWithoutOne() {
        OperationPolicy createFeed = OperationPolicy.of("createFeed", 1, 1).withIdempotencyHeader("Idempotency-Key");

        assertThatThrownBy(() -> openClient().send(createFeed, HttpCall.post("/feeds")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs an idempotency key");
        assertThatThrownBy(() -> openClient().send(getOrders, HttpCall.get(ORDERS).idempotencyKey("k")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("declares no header");
        assertThat(remote.getAllServeEvents()).isEmpty();
    }

    // --- secrets

    @Test
    void secretsStayOutOfToStringExceptionMessagesAndLogs() {
        Logger logger = (Logger) LoggerFactory.getLogger("dev.orderhub.connector.http");
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Level level = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        logger.addAppender(logs);
        try {
            Credentials.RefreshToken lwa = new Credentials.RefreshToken(URI.create(remote.baseUrl() + TOKEN_PATH), "client-1",
                    CLIENT_SECRET, REFRESH_TOKEN, TokenPlacement.header(AMAZON_TOKEN));
            ChannelAccount account = ChannelAccount.of("amazon", "amazon-de", URI.create(remote.baseUrl()),
                    AllowedHosts.of("localhost"), lwa);
            List<String> texts = new ArrayList<>(List.of(lwa.toString(), account.toString(),
                    new Credentials.StaticToken("static-secret-1", TokenPlacement.bearer()).toString(),
                    new Credentials.ClientCredentials(lwa.tokenUrl(), "c", CLIENT_SECRET, null, TokenPlacement.bearer()).toString()));

            // A token endpoint that echoes the refresh token in its refusal.
            answersInTurn(() -> post(TOKEN_PATH), status(503).withBody(REFRESH_TOKEN), status(503), status(503), aResponse().withStatus(400)
                    .withBody("{\"error\":\"invalid_grant\",\"error_description\":\"refresh token " + REFRESH_TOKEN
                            + " was revoked (client secret " + CLIENT_SECRET + ")\"}"));
            ChannelClient client = clients.forAccount(account);
            RetryLater unavailable = catchThrowableOfType(() -> client.send(getOrders, HttpCall.get(ORDERS)), RetryLater.class);
            TokenRefusedException refused = catchThrowableOfType(() -> client.send(getOrders, HttpCall.get(ORDERS)),
                    TokenRefusedException.class);
            texts.add(unavailable.getMessage());
            texts.add(refused.getMessage());
            logs.list.forEach(event -> texts.add(event.getFormattedMessage()));

            assertThat(refused.getMessage()).contains("amazon/amazon-de").contains("400").contains("invalid_grant");
            assertThat(unavailable.getMessage()).contains("token endpoint localhost answered 503");
            assertThat(texts).hasSizeGreaterThan(6).allSatisfy(text -> assertThat(text)
                    .doesNotContain(CLIENT_SECRET).doesNotContain(REFRESH_TOKEN).doesNotContain("static-secret-1"));
        } finally {
            logger.detachAppender(logs);
            logger.setLevel(level);
        }
    }
}
