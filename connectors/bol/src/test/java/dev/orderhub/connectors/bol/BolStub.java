package dev.orderhub.connectors.bol;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import dev.orderhub.conformance.ConformanceStub;
import dev.orderhub.conformance.OpenApiContract;
import dev.orderhub.conformance.StubTap;
import dev.orderhub.connectors.bol.sandbox.BolSandbox;
import org.springframework.test.context.DynamicPropertyRegistry;

/** The conformance suite's view of {@link BolSandbox}: the same sandbox the demo serves, tapped. */
public final class BolStub implements ConformanceStub {

    static final String WRONG_SECRET = "bol-wrong-secret-not-real";

    final BolSandbox sandbox = new BolSandbox().processing(Duration.ofMillis(100));
    private final StubTap tap = new StubTap(status -> "{\"type\":\"https://api.bol.com/problems\",\"title\":\"Scripted\",\"status\":"
            + status + ",\"detail\":\"HTTP " + status + "\",\"violations\":[]}");

    public BolStub() {
        sandbox.start("conf-bol", List.of(), URI.create("http://127.0.0.1"));
        sandbox.contexts().forEach(tap::on);
    }

    @Override
    public StubTap tap() {
        return tap;
    }

    @Override
    public void configure(DynamicPropertyRegistry registry, String channel, boolean good) {
        String prefix = "orderhub.channels." + channel + ".connector.";
        registry.add(prefix + "name", () -> "bol");
        registry.add(prefix + "properties.endpoint", sandbox::endpoint);
        registry.add(prefix + "properties.tokenUrl", sandbox::tokenUrl);
        registry.add(prefix + "properties.clientId", () -> BolSandbox.CLIENT_ID);
        registry.add(prefix + "properties.clientSecret", () -> good ? BolSandbox.CLIENT_SECRET : WRONG_SECRET);
    }

    @Override
    public List<String> secrets() {
        return List.of(BolSandbox.CLIENT_SECRET, WRONG_SECRET);
    }

    @Override
    public Predicate<StubTap.Call> calls(Flow flow) {
        return switch (flow) {
            case ORDERS -> call -> call.method().equals("GET") && call.path().equals("/retailer/orders");
            case STOCK -> call -> call.method().equals("PUT") && call.path().matches("/retailer/offers/[^/]+/stock");
            case SHIPMENTS -> call -> call.method().equals("POST") && call.path().equals("/retailer/shipments");
            case CANCELS -> call -> call.method().equals("PUT") && call.path().equals("/retailer/orders/cancellation");
        };
    }

    @Override
    public int pageSize() {
        return 50; // bol's fixed page size
    }

    @Override
    public void putOrder(String orderId, String sku, int qty, Instant updated) {
        sandbox.putOrder(orderId, sku, qty, updated, "FBR");
    }

    @Override
    public void putMalformedOrder(String orderId, String sku, Instant updated) {
        sandbox.putOrderWithoutProduct(orderId, sku, updated);
    }

    @Override
    public void cancelOnChannel(String orderId, Instant updated) {
        sandbox.cancelOnChannel(orderId, updated);
    }

    @Override
    public String futureCursor() {
        return Instant.now().plusSeconds(86_400).toString();
    }

    /**
     * The suite finds a stock call by its sku in the path, body or query, and bol's names only the
     * offer id: so the suite's skus are offers without a reference, under an offer id equal to the
     * sku (the listing of such an offer is its offer id). Offers with a reference, the usual case,
     * are pushed in BolCapabilitiesTest.
     */
    @Override
    public void list(String sku) {
        sandbox.addOfferWithoutReference(sku, null, "FBR");
    }

    @Override
    public Long shown(String sku) {
        return sandbox.shown().get(sku);
    }

    @Override
    public int items(StubTap.Exchange stockCall) {
        return 1; // one offer a request
    }

    @Override
    public Optional<String> operation(StubTap.Exchange exchange) {
        return calls(Flow.STOCK).test(exchange.call()) ? Optional.of(BolOfferStock.OPERATION) : Optional.empty();
    }

    @Override
    public List<Shipped> shipments(String orderId) {
        return sandbox.shipments(orderId).stream().map(s -> new Shipped(orderId, s.trackAndTrace(), s.items())).toList();
    }

    @Override
    public List<String> sellerCancelled() {
        return sandbox.sellerCancelled();
    }

    @Override
    public Optional<String> cannotLinkElsewhere() {
        return Optional.of("bol's Retailer API pages by number (page=1, 2, ...): it hands out no next-page URL; the process "
                + "statuses' links are not followed (the connector asks /shared/process-status/{id} itself)");
    }

    @Override
    public Optional<SpecCheck> spec() {
        return OpenApiContract.available() ? Optional.of(BolSpec.load()) : Optional.empty();
    }
}
