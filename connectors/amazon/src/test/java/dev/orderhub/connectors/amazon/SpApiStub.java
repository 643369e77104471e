package dev.orderhub.connectors.amazon;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpHandler;
import dev.orderhub.conformance.StubTap;
import dev.orderhub.connectors.amazon.sandbox.AmazonSandbox;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The tests' SP-API stub: the connector's sandbox ({@link AmazonSandbox}, main sources: every
 * operation and its state) plus what only tests need: the conformance suite's {@link StubTap}
 * on every context, the published models' sandbox static cases answered ahead of the
 * behaviour ({@link SandboxCases}), and {@link #registerAccount}. It serves from construction.
 */
public final class SpApiStub extends AmazonSandbox {

    /** Every request and answer, and scripted faults (as SP-API's ErrorList) ahead of the handlers: for the conformance suite. */
    final StubTap tap = new StubTap(status -> errors(
            status == 429 ? "QuotaExceeded" : status >= 500 ? "InternalFailure" : "InvalidInput", "Scripted HTTP " + status + ".", null));

    public SpApiStub() throws IOException {
        serve();
    }

    /** The spec's sandbox static cases of the operations this stub implements (empty without ../shared/specs). */
    static final SandboxCases SANDBOX = new SandboxCases(Map.of(
            "orders-api-model/ordersV0.json", List.of("confirmShipment"),
            "orders-api-model/orders_2026-01-01.json", List.of("searchOrders", "getOrder"),
            "listings-items-api-model/listingsItems_2021-08-01.json", List.of("patchListingsItem"),
            "feeds-api-model/feeds_2021-06-30.json", List.of("createFeed", "createFeedDocument", "getFeed", "getFeedDocument"),
            "fba-inventory-api-model/fbaInventory.json", List.of("getInventorySummaries"),
            "fulfillment-outbound-api-model/fulfillmentOutbound_2020-07-01.json",
            List.of("createFulfillmentOrder", "getFulfillmentOrder", "cancelFulfillmentOrder", "getPackageTrackingDetails")));

    private static final List<String> NOT_SP_API = List.of("/auth/o2/token", "/upload/", "/download/");

    @Override
    protected List<Filter> filters() {
        return List.of(tap);
    }

    /** A request that is one of the spec's sandbox cases gets the sandbox's answer; anything else the stub's behaviour. */
    @Override
    protected HttpHandler handler(String contextPath, HttpHandler behaviour) {
        if (NOT_SP_API.contains(contextPath)) {
            return behaviour;
        }
        return exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Optional<SandboxCases.Case> sandbox = SANDBOX.match(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    parse(exchange.getRequestURI().getRawQuery()), new String(body, StandardCharsets.UTF_8));
            if (sandbox.isPresent()) {
                try (exchange) {
                    if (sandbox.get().status() == 204) {
                        exchange.sendResponseHeaders(204, -1);
                    } else {
                        answer(exchange, sandbox.get().status(), sandbox.get().response().toString());
                    }
                }
                return;
            }
            exchange.setStreams(new ByteArrayInputStream(body), exchange.getResponseBody());
            behaviour.handle(exchange);
        };
    }

    /** A running stub, for a test class's static field. */
    public static SpApiStub start() {
        try {
            return new SpApiStub();
        } catch (IOException e) {
            throw new IllegalStateException("the SP-API stub cannot start", e);
        }
    }

    /** Points the Amazon account of this channel at the stub (a channel in channels.yaml served by location main). */
    public void registerAccount(DynamicPropertyRegistry registry, String channel, int pageSize) {
        registry.add("orderhub.channels." + channel + ".name", () -> "Amazon (stub)");
        registry.add("orderhub.channels." + channel + ".locations[0]", () -> "main");
        registry.add("orderhub.channels." + channel + ".connector.name", () -> "amazon");
        String account = "orderhub.channels." + channel + ".connector.properties.";
        registry.add(account + "endpoint", this::endpoint);
        registry.add(account + "tokenUrl", this::tokenUrl);
        registry.add(account + "clientId", () -> CLIENT_ID);
        registry.add(account + "clientSecret", () -> CLIENT_SECRET);
        registry.add(account + "refreshToken", () -> REFRESH_TOKEN);
        registry.add(account + "marketplaceIds[0]", () -> MARKETPLACE_ID);
        registry.add(account + "pageSize", () -> Integer.toString(pageSize));
    }
}
