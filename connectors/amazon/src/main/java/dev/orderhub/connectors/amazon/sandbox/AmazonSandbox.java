package dev.orderhub.connectors.amazon.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.orderhub.connector.Sandbox;

/**
 * A stateful fake of the parts of the Selling Partner API the connector uses, written from the
 * published models (../shared/specs/amazon-sp-api/orders-api-model/orders_2026-01-01.json) and
 * Login with Amazon's token grant: orders appear and change (their lastUpdatedTime moves),
 * searchOrders pages them with an opaque paginationToken, access tokens expire, listings take
 * patches and feeds, FBA inventory and Multi-Channel Fulfilment keep their state, 429s and
 * failures can be scripted, and every request is recorded.
 *
 * <p>It is the hub's demo sandbox for the connector ({@link Sandbox}) and the base of the tests'
 * stub ({@code SpApiStub} in the test sources, which adds the conformance tap and the spec's
 * sandbox cases through {@link #handler} and {@link #filters}). Nothing listens until
 * {@link #start(String, List, URI)} (or a subclass's {@link #serve()}) is called. JDK HttpServer
 * and Jackson only.
 */
public class AmazonSandbox implements Sandbox {

    public static final String CLIENT_ID = "amzn1.application-oa2-client.stub";
    public static final String CLIENT_SECRET = "stub-client-secret";
    public static final String REFRESH_TOKEN = "Atzr|stub-refresh-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as it arrived. */
    public record Request(String method, String path, Map<String, String> query, Map<String, String> headers, String body) {
    }

    /** A confirmShipment Amazon accepted: the order and the request body. */
    public record Confirmation(String orderId, JsonNode body) {
    }

    /** The demo account's merchant token (sellerId) and marketplace (amazon.de). */
    public static final String SELLER_ID = "A1SANDBOXSELLER";
    public static final String MARKETPLACE_ID = "A1PA6795UKMFR9";

    private volatile HttpServer server;
    private final Map<String, ObjectNode> orders = new ConcurrentHashMap<>();
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger grants = new AtomicInteger();
    private final AtomicInteger throttleNext = new AtomicInteger();
    private final AtomicInteger tokenSerial = new AtomicInteger();
    private final AtomicInteger failConfirmations = new AtomicInteger();
    private final Map<String, String> rejections = new ConcurrentHashMap<>();
    private final List<Confirmation> confirmations = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> fba = new java.util.concurrent.ConcurrentSkipListMap<>();
    private final Map<String, Long> listings = new ConcurrentHashMap<>();
    /** sku -> {fulfillmentChannelCode, status}, in the order listed. */
    private final Map<String, String[]> offers = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, String> invalidListings = new ConcurrentHashMap<>();
    private final Map<String, String> feedRejects = new ConcurrentHashMap<>();
    private final Map<String, String> documents = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> feeds = new ConcurrentHashMap<>();
    private final AtomicInteger feedSerial = new AtomicInteger();
    private final Map<String, ObjectNode> mcfOrders = new ConcurrentHashMap<>();
    private final Map<Integer, ObjectNode> mcfPackages = new ConcurrentHashMap<>();
    private final AtomicInteger mcfCreates = new AtomicInteger();
    private final AtomicInteger loseMcfAnswers = new AtomicInteger();
    private volatile boolean trackingDown;
    private volatile long tokenSeconds = 3600;
    private volatile long grantDelayMillis = 0;
    private volatile String rateLimitHeader = "0.0056";
    /** Started as a sandbox: each operation announces its own usage plan, not the tests' one value. */
    private volatile boolean usagePlans;

    /** Harmless: nothing listens until {@link #start} or {@link #serve()}. */
    public AmazonSandbox() {
    }

    /**
     * Starts serving on 127.0.0.1 at a free port (once; a second call does nothing). Every
     * context gets {@link #filters()}, every handler passes through {@link #handler}.
     */
    protected final synchronized void serve() throws IOException {
        if (server != null) {
            return;
        }
        HttpServer created = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        context(created, "/auth/o2/token", this::token, false);
        context(created, "/orders/2026-01-01/orders", this::searchOrders, true);
        context(created, "/orders/v0/orders/", this::confirmShipment, true);
        context(created, "/fba/inventory/v1/summaries", this::inventorySummaries, true);
        context(created, "/listings/2021-08-01/items/", this::patchListingsItem, true);
        context(created, "/fba/outbound/2020-07-01/", this::mcf, true);
        context(created, "/feeds/2021-06-30/", this::feeds, true);
        context(created, "/upload/", this::upload, false);
        context(created, "/download/", this::download, false);
        created.setExecutor(Executors.newFixedThreadPool(8, r -> {
            Thread thread = new Thread(r, "amazon-sandbox");
            thread.setDaemon(true);
            return thread;
        }));
        created.start();
        server = created;
    }

    private void context(HttpServer on, String path, HttpHandler behaviour, boolean spApi) {
        HttpHandler handler = handler(path, behaviour);
        HttpContext context = on.createContext(path, spApi ? exchange -> {
            // Amazon announces the usage plan it applied on every SP-API answer.
            exchange.getResponseHeaders().add("x-amzn-RateLimit-Limit", usagePlans ? usagePlan(exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath()) : rateLimitHeader);
            handler.handle(exchange);
        } : handler);
        context.getFilters().addAll(filters());
    }

    /**
     * Hook: the handler served at this context path (the SP-API's, after the
     * x-amzn-RateLimit-Limit header is set); a subclass may wrap {@code behaviour}. The default
     * serves it as it is.
     */
    protected HttpHandler handler(String contextPath, HttpHandler behaviour) {
        return behaviour;
    }

    /** Hook: filters added to every context, in this order (the default: none). Called once, by {@link #serve()}. */
    protected List<Filter> filters() {
        return List.of();
    }

    /** Whether it is serving. */
    public boolean started() {
        return server != null;
    }

    public String endpoint() {
        HttpServer serving = server;
        if (serving == null) {
            throw new IllegalStateException("the Amazon sandbox is not started");
        }
        return "http://127.0.0.1:" + serving.getAddress().getPort();
    }

    public String tokenUrl() {
        return endpoint() + "/auth/o2/token";
    }

    // ---- the demo (Sandbox) --------------------------------------------------------------------

    @Override
    public String connector() {
        return "amazon";
    }

    /**
     * Serves, lists every sku as a buyable merchant-fulfilled (DEFAULT) listing, and answers the
     * channel's properties as connector.yaml declares them: endpoint, tokenUrl, the demo
     * credentials, marketplaceIds and sellerId (so that stock out has an account to patch).
     */
    /**
     * The requests per second Amazon's usage plans give an operation (SP-API documentation, per
     * operation: Orders 0.0167 with a burst of 20, confirmShipment 2, Listings Items 5, createFeed
     * 0.0083, getFeed 2, FBA inventory summaries 2, MCF 2).
     */
    static String usagePlan(String method, String path) {
        if (path.startsWith("/orders/v0/orders/") && path.endsWith("/shipmentConfirmation")) {
            return "2.0";
        }
        if (path.startsWith("/orders/")) {
            return "0.0167";
        }
        if (path.startsWith("/listings/")) {
            return "5.0";
        }
        if (path.startsWith("/feeds/2021-06-30/feeds") && method.equals("POST")) {
            return "0.0083";
        }
        if (path.startsWith("/feeds/2021-06-30/documents") && method.equals("POST")) {
            return "0.5";
        }
        return "2.0";
    }

    @Override
    public Map<String, String> start(String channel, List<String> skus, URI hub) {
        try {
            serve();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("the Amazon sandbox cannot start", e);
        }
        usagePlans = true;
        skus.forEach(sku -> list(sku, "DEFAULT", true));
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("endpoint", endpoint());
        properties.put("tokenUrl", tokenUrl());
        properties.put("clientId", CLIENT_ID);
        properties.put("clientSecret", CLIENT_SECRET);
        properties.put("refreshToken", REFRESH_TOKEN);
        properties.put("marketplaceIds[0]", MARKETPLACE_ID);
        properties.put("sellerId", SELLER_ID);
        return properties;
    }

    private static final String[][] ADDRESSES = {
            {"Damrak 70", "Amsterdam", "1012 LM", "NL"},
            {"Oudegracht 231", "Utrecht", "3511 NK", "NL"},
            {"Heidestrasse 17", "Koeln", "51147", "DE"},
            {"Torstrasse 140", "Berlin", "10119", "DE"}};

    /**
     * A new Unshipped merchant-fulfilled order of the sku by "Demo Buyer" (a Dutch or German
     * address), created and last updated now, so that the next searchOrders from the cursor
     * reads it; answers its id, 3-7-7 digits as Amazon's.
     */
    @Override
    public String placeOrder(String sku, int qty) {
        endpoint(); // started, or this throws
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String orderId;
        do {
            orderId = String.format("%03d-%07d-%07d", 300 + random.nextInt(100), random.nextInt(10_000_000), random.nextInt(10_000_000));
        } while (orders.containsKey(orderId));
        ObjectNode order = order(orderId, "MERCHANT", false, Instant.now(), sku, Integer.toString(qty));
        order.put("createdTime", order.path("lastUpdatedTime").asText());
        String[] at = ADDRESSES[random.nextInt(ADDRESSES.length)];
        order.with("buyer").put("buyerName", "Demo Buyer").put("buyerEmail", "demo.buyer@marketplace.amazon.de");
        ObjectNode address = order.with("recipient").with("deliveryAddress");
        address.put("name", "Demo Buyer").put("addressLine1", at[0]).put("city", at[1]).put("postalCode", at[2]).put("countryCode", at[3]);
        put(order);
        return orderId;
    }

    /** The quantity last pushed per sku, by patchListingsItem or a processed JSON_LISTINGS_FEED. */
    @Override
    public Map<String, Long> shown() {
        return Map.copyOf(listings);
    }

    /** The tracking numbers of the shipments confirmed per order (confirmShipment's packageDetail). */
    @Override
    public Map<String, List<String>> tracking() {
        Map<String, List<String>> tracking = new LinkedHashMap<>();
        for (Confirmation confirmation : confirmations()) {
            tracking.computeIfAbsent(confirmation.orderId(), id -> new ArrayList<>())
                    .add(confirmation.body().path("packageDetail").path("trackingNumber").asText());
        }
        return tracking;
    }

    // ---- what tests set up -------------------------------------------------------------------

    /** Adds or replaces an order (as searchOrders returns it). */
    public void put(ObjectNode order) {
        orders.put(order.path("orderId").asText(), order);
    }

    /** An order of Orders API 2026-01-01 with BUYER, RECIPIENT and FULFILLMENT data. */
    public static ObjectNode order(String orderId, String fulfilledBy, boolean prime, Instant lastUpdated, String... skuQty) {
        Instant updated = lastUpdated.truncatedTo(java.time.temporal.ChronoUnit.SECONDS); // Amazon's times are whole seconds
        ObjectNode order = JSON.createObjectNode();
        order.put("orderId", orderId);
        order.put("createdTime", updated.minusSeconds(600).toString());
        order.put("lastUpdatedTime", updated.toString());
        ArrayNode programs = order.putArray("programs");
        if (prime) {
            programs.add("PRIME");
        }
        ObjectNode channel = order.putObject("salesChannel");
        channel.put("channelName", "AMAZON");
        channel.put("marketplaceId", "A1PA6795UKMFR9");
        channel.put("marketplaceName", "Amazon.de");
        ObjectNode buyer = order.putObject("buyer");
        buyer.put("buyerName", "Erika Mustermann");
        buyer.put("buyerEmail", "erika@marketplace.amazon.de");
        ObjectNode address = order.putObject("recipient").putObject("deliveryAddress");
        address.put("name", "Erika Mustermann");
        address.put("addressLine1", "Heidestrasse 17");
        address.put("addressLine2", "");
        address.put("city", "Koeln");
        address.put("postalCode", "51147");
        address.put("countryCode", "DE");
        ObjectNode fulfillment = order.putObject("fulfillment");
        fulfillment.put("fulfillmentStatus", "UNSHIPPED");
        fulfillment.put("fulfilledBy", fulfilledBy);
        fulfillment.putObject("shipByWindow").put("earliestDateTime", updated.plusSeconds(3600).toString())
                .put("latestDateTime", updated.plusSeconds(86_400).toString());
        ArrayNode items = order.putArray("orderItems");
        for (int i = 0; i < skuQty.length; i += 2) {
            ObjectNode item = items.addObject();
            item.put("orderItemId", orderId.replace("-", "") + i);
            item.put("quantityOrdered", Integer.parseInt(skuQty[i + 1]));
            ObjectNode product = item.putObject("product");
            product.put("asin", "B0STUB" + i);
            product.put("sellerSku", skuQty[i]);
            product.putObject("price").putObject("unitPrice").put("amount", "19.99").put("currencyCode", "EUR");
        }
        return order;
    }

    /** Changes an order as Amazon would: its lastUpdatedTime becomes {@code at}. */
    public void update(String orderId, Instant at, java.util.function.Consumer<ObjectNode> change) {
        ObjectNode order = orders.get(orderId);
        change.accept(order);
        order.put("lastUpdatedTime", at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    }

    /** The next n confirmShipment calls answer 500. */
    public void failConfirmationsNext(int n) {
        failConfirmations.set(n);
    }

    /** confirmShipment for this order answers 400 with this message. */
    public void rejectConfirmations(String orderId, String message) {
        rejections.put(orderId, message);
    }

    /** Amazon's fulfillable FBA quantity of a seller sku. */
    public void fba(String sellerSku, int fulfillable) {
        fba.put(sellerSku, fulfillable);
    }

    /** createFulfillmentOrder calls that created an order. */
    public int mcfCreates() {
        return mcfCreates.get();
    }

    /** The next n createFulfillmentOrder calls create the order but answer 500, as if the answer were lost. */
    public void loseMcfAnswers(int n) {
        loseMcfAnswers.set(n);
    }

    public JsonNode mcfOrder(String sellerFulfillmentOrderId) {
        return mcfOrders.get(sellerFulfillmentOrderId);
    }

    /** Amazon ships the whole MCF order in one package with this tracking number. */
    /** getPackageTrackingDetails answers 503 while down. */
    public void trackingDown(boolean down) {
        trackingDown = down;
    }

    /**
     * Amazon ends a fulfilment order without shipping it; {@code status} as the model spells
     * FulfillmentOrderStatus (Cancelled, Unfulfillable, Invalid).
     */
    public void endMcf(String sellerFulfillmentOrderId, String status) {
        mcfOrders.get(sellerFulfillmentOrderId).put("status", status);
    }

    public void shipMcf(String sellerFulfillmentOrderId, int packageNumber, String carrier, String trackingNumber) {
        ObjectNode order = mcfOrders.get(sellerFulfillmentOrderId);
        ObjectNode shipment = order.withArray("shipments").addObject();
        shipment.put("amazonShipmentId", "DzQ" + packageNumber);
        shipment.put("fulfillmentCenterId", "LEJ1");
        shipment.put("fulfillmentShipmentStatus", "SHIPPED");
        shipment.put("shippingDate", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        ArrayNode items = shipment.putArray("fulfillmentShipmentItem");
        for (JsonNode item : order.path("request").path("items")) {
            items.addObject().put("sellerSku", item.path("sellerSku").asText())
                    .put("sellerFulfillmentOrderItemId", item.path("sellerFulfillmentOrderItemId").asText())
                    .put("quantity", item.path("quantity").asInt()).put("packageNumber", packageNumber);
        }
        shipment.putArray("fulfillmentShipmentPackage").addObject().put("packageNumber", packageNumber).put("carrierCode", carrier)
                .put("trackingNumber", trackingNumber);
        mcfPackages.put(packageNumber, JSON.createObjectNode().put("packageNumber", packageNumber)
                .put("trackingNumber", trackingNumber).put("carrierCode", carrier)
                .put("shipDate", shipment.path("shippingDate").asText()));
        order.put("status", "Complete");
    }

    /** The quantity Amazon shows for a seller sku (set by patchListingsItem or a processed feed). */
    public Long listing(String sellerSku) {
        return listings.get(sellerSku);
    }

    /**
     * The seller has this listing, as searchListingsItems answers it: fulfilled through
     * {@code fulfillmentChannelCode} (DEFAULT: the merchant; AMAZON_EU: FBA), BUYABLE or only
     * DISCOVERABLE.
     */
    public void list(String sellerSku, String fulfillmentChannelCode, boolean buyable) {
        offers.put(sellerSku, new String[] {fulfillmentChannelCode, buyable ? "BUYABLE" : "DISCOVERABLE"});
    }

    /** patchListingsItem for this sku answers INVALID with this issue. */
    public void invalidListing(String sellerSku, String message) {
        invalidListings.put(sellerSku, message);
    }

    /** A feed message for this sku gets an ERROR issue in the processing report. */
    public void rejectInFeed(String sellerSku, String message) {
        feedRejects.put(sellerSku, message);
    }

    /** The feed documents uploaded so far, by document id. */
    public Map<String, String> uploads() {
        return Map.copyOf(documents);
    }

    public List<Confirmation> confirmations() {
        return List.copyOf(confirmations);
    }

    public void throttleNext(int n) {
        throttleNext.set(n);
    }

    /** Every access token handed out so far expires now (Amazon's tokens live an hour). */
    public void expireTokens() {
        tokens.replaceAll((token, expiry) -> Instant.EPOCH);
    }

    /** How long the token grant takes, to let concurrent callers pile up. */
    public void grantDelayMillis(long millis) {
        this.grantDelayMillis = millis;
    }

    public void rateLimitHeader(String value) {
        this.rateLimitHeader = value;
    }

    public int grants() {
        return grants.get();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    // ---- the API -------------------------------------------------------------------------------

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> form = parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), Map.of(), Map.of(), null));
            grants.incrementAndGet();
            if (grantDelayMillis > 0) {
                Thread.sleep(grantDelayMillis); // a slow token endpoint, so concurrent callers overlap
            }
            if (!"refresh_token".equals(form.get("grant_type")) || !CLIENT_ID.equals(form.get("client_id"))
                    || !CLIENT_SECRET.equals(form.get("client_secret")) || !REFRESH_TOKEN.equals(form.get("refresh_token"))) {
                answer(exchange, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"The request has an invalid grant parameter\"}");
                return;
            }
            String token = "Atza|stub-" + tokenSerial.incrementAndGet();
            tokens.put(token, Instant.now().plusSeconds(tokenSeconds));
            answer(exchange, 200, "{\"access_token\":\"" + token + "\",\"token_type\":\"bearer\",\"expires_in\":" + tokenSeconds
                    + ",\"refresh_token\":\"" + REFRESH_TOKEN + "\"}");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void searchOrders(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> query = parse(exchange.getRequestURI().getRawQuery());
            if (!authorised(exchange, new LinkedHashMap<>(), null)) {
                return;
            }
            if (throttleNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                answer(exchange, 429, errors("QuotaExceeded", "You exceeded your quota for the requested resource.", null));
                return;
            }
            String path = exchange.getRequestURI().getPath();
            if (path.startsWith("/orders/2026-01-01/orders/")) {
                ObjectNode order = orders.get(path.substring("/orders/2026-01-01/orders/".length()));
                if (order == null) {
                    answer(exchange, 404, errors("NotFound", "The order was not found.", null));
                } else {
                    ObjectNode body = JSON.createObjectNode();
                    body.set("order", order);
                    answer(exchange, 200, body.toString());
                }
                return;
            }
            int offset = 0;
            String after = query.get("lastUpdatedAfter");
            if (query.containsKey("paginationToken")) {
                String[] state = new String(Base64.getUrlDecoder().decode(query.get("paginationToken")), StandardCharsets.UTF_8).split("\\|");
                offset = Integer.parseInt(state[0]);
                after = state[1];
            }
            if (after == null) {
                answer(exchange, 400, errors("InvalidInput", "Either createdAfter or lastUpdatedAfter is required.", null));
                return;
            }
            Instant from = Instant.parse(after);
            int size = Integer.parseInt(query.getOrDefault("maxResultsPerPage", "100"));
            List<ObjectNode> matching = new ArrayList<>(orders.values().stream()
                    .filter(o -> !Instant.parse(o.path("lastUpdatedTime").asText()).isBefore(from))
                    .sorted(Comparator.comparing((ObjectNode o) -> o.path("lastUpdatedTime").asText())
                            .thenComparing(o -> o.path("orderId").asText()))
                    .toList());
            ObjectNode page = JSON.createObjectNode();
            ArrayNode list = page.putArray("orders");
            matching.subList(Math.min(offset, matching.size()), Math.min(offset + size, matching.size())).forEach(list::add);
            if (offset + size < matching.size()) {
                page.putObject("pagination").put("nextToken", Base64.getUrlEncoder().encodeToString(
                        ((offset + size) + "|" + after).getBytes(StandardCharsets.UTF_8)));
            }
            answer(exchange, 200, JSON.writeValueAsString(page));
        }
    }

    private void confirmShipment(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (!authorised(exchange, new LinkedHashMap<>(), body)) {
                return;
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^/orders/v0/orders/([^/]+)/shipmentConfirmation$").matcher(path);
            if (!m.matches() || !"POST".equals(exchange.getRequestMethod())) {
                answer(exchange, 404, errors("NotFound", "No such operation.", null));
                return;
            }
            if (failConfirmations.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                answer(exchange, 500, errors("InternalFailure", "We encountered an internal error. Please try again.", null));
                return;
            }
            String orderId = m.group(1);
            if (!orders.containsKey(orderId)) {
                answer(exchange, 404, errors("NotFound", "Order " + orderId + " was not found.", null));
                return;
            }
            if (rejections.containsKey(orderId)) {
                answer(exchange, 400, errors("InvalidInput", rejections.get(orderId), null));
                return;
            }
            JsonNode request = JSON.readTree(body);
            JsonNode detail = request.path("packageDetail");
            for (String field : List.of("packageReferenceId", "carrierCode", "trackingNumber", "shipDate")) {
                if (!detail.hasNonNull(field)) {
                    answer(exchange, 400, errors("InvalidInput", "packageDetail." + field + " is required.", null));
                    return;
                }
            }
            confirmations.add(new Confirmation(orderId, request));
            exchange.sendResponseHeaders(204, -1);
        }
    }

    private void inventorySummaries(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> query = parse(exchange.getRequestURI().getRawQuery());
            if (!authorised(exchange, new LinkedHashMap<>(), null)) {
                return;
            }
            List<Map.Entry<String, Integer>> all = new ArrayList<>(fba.entrySet());
            int offset = query.containsKey("nextToken") ? Integer.parseInt(query.get("nextToken")) : 0;
            ObjectNode body = JSON.createObjectNode();
            ObjectNode payload = body.putObject("payload");
            payload.putObject("granularity").put("granularityType", "Marketplace").put("granularityId", query.get("granularityId"));
            ArrayNode summaries = payload.putArray("inventorySummaries");
            for (Map.Entry<String, Integer> sku : all.subList(Math.min(offset, all.size()), Math.min(offset + 2, all.size()))) {
                ObjectNode summary = summaries.addObject();
                summary.put("asin", "B0FBA" + Math.abs(sku.getKey().hashCode() % 100000));
                summary.put("fnSku", "X00" + Math.abs(sku.getKey().hashCode() % 1000000));
                summary.put("sellerSku", sku.getKey());
                summary.put("condition", "NewItem");
                summary.putObject("inventoryDetails").put("fulfillableQuantity", sku.getValue());
                summary.put("lastUpdatedTime", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
                summary.put("productName", "Stub product " + sku.getKey());
                summary.put("totalQuantity", sku.getValue());
            }
            if (offset + 2 < all.size()) {
                body.putObject("pagination").put("nextToken", Integer.toString(offset + 2));
            }
            answer(exchange, 200, body.toString());
        }
    }

    private boolean authorised(HttpExchange exchange, Map<String, String> headers, String body) throws IOException {
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
        requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                parse(exchange.getRequestURI().getRawQuery()), headers, body));
        Instant expiry = tokens.get(headers.getOrDefault("x-amz-access-token", ""));
        if (expiry == null || expiry.isBefore(Instant.now())) {
            answer(exchange, 403, errors("Unauthorized", "Access to requested resource is denied.",
                    expiry == null ? "The access token you provided is not valid." : "The access token you provided has expired."));
            return false;
        }
        return true;
    }

    private void mcf(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (!authorised(exchange, new LinkedHashMap<>(), body.isEmpty() ? null : body)) {
                return;
            }
            String path = exchange.getRequestURI().getPath().substring("/fba/outbound/2020-07-01".length());
            String method = exchange.getRequestMethod();
            if (method.equals("POST") && path.equals("/fulfillmentOrders")) {
                JsonNode request = JSON.readTree(body);
                String id = request.path("sellerFulfillmentOrderId").asText();
                if (mcfOrders.containsKey(id)) {
                    answer(exchange, 400, errors("InvalidInput", "A fulfillment order with sellerFulfillmentOrderId " + id
                            + " already exists.", null));
                    return;
                }
                ObjectNode order = JSON.createObjectNode();
                order.set("request", request);
                order.put("status", "Received");
                mcfOrders.put(id, order);
                mcfCreates.incrementAndGet();
                if (loseMcfAnswers.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    answer(exchange, 500, errors("InternalFailure", "We encountered an internal error.", null));
                    return;
                }
                answer(exchange, 200, "{}");
            } else if (method.equals("GET") && path.startsWith("/fulfillmentOrders/")) {
                ObjectNode order = mcfOrders.get(path.substring("/fulfillmentOrders/".length()));
                if (order == null) {
                    answer(exchange, 404, errors("NotFound", "Requested order not found", null));
                    return;
                }
                JsonNode request = order.path("request");
                ObjectNode payload = JSON.createObjectNode();
                ObjectNode fo = payload.putObject("payload").putObject("fulfillmentOrder");
                for (String field : List.of("sellerFulfillmentOrderId", "marketplaceId", "displayableOrderId", "displayableOrderDate",
                        "displayableOrderComment", "shippingSpeedCategory")) {
                    fo.set(field, request.path(field));
                }
                fo.set("destinationAddress", request.path("destinationAddress"));
                fo.put("receivedDate", request.path("displayableOrderDate").asText());
                fo.put("fulfillmentOrderStatus", order.path("status").asText());
                fo.put("statusUpdatedDate", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
                ((ObjectNode) payload.path("payload")).putArray("fulfillmentOrderItems");
                ((ObjectNode) payload.path("payload")).set("fulfillmentShipments", order.path("shipments").isMissingNode()
                        ? JSON.createArrayNode() : order.path("shipments"));
                ((ObjectNode) payload.path("payload")).putArray("returnItems");
                ((ObjectNode) payload.path("payload")).putArray("returnAuthorizations");
                answer(exchange, 200, payload.toString());
            } else if (method.equals("PUT") && path.endsWith("/cancel")) {
                String id = path.substring("/fulfillmentOrders/".length(), path.length() - "/cancel".length());
                ObjectNode order = mcfOrders.get(id);
                if (order == null) {
                    answer(exchange, 404, errors("NotFound", "Requested order not found", null));
                } else if (order.path("status").asText().equals("Complete")) {
                    answer(exchange, 400, errors("InvalidInput", "The fulfillment order has shipped and cannot be cancelled.", null));
                } else {
                    order.put("status", "Cancelled");
                    answer(exchange, 200, "{}");
                }
            } else if (method.equals("GET") && path.equals("/tracking")) {
                int packageNumber = Integer.parseInt(parse(exchange.getRequestURI().getRawQuery()).get("packageNumber"));
                ObjectNode details = mcfPackages.get(packageNumber);
                if (trackingDown) {
                    answer(exchange, 503, errors("ServiceUnavailable", "Service temporarily unavailable.", null));
                    return;
                }
                answer(exchange, details == null ? 404 : 200, details == null ? errors("NotFound", "No such package", null)
                        : JSON.createObjectNode().set("payload", details).toString());
            } else {
                answer(exchange, 404, errors("NotFound", "No such operation.", null));
            }
        }
    }

    private void patchListingsItem(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (!authorised(exchange, new LinkedHashMap<>(), body)) {
                return;
            }
            String[] parts = exchange.getRequestURI().getPath().substring("/listings/2021-08-01/items/".length()).split("/", 2);
            if (parts.length == 1 && exchange.getRequestMethod().equals("GET")) {
                searchListingsItems(exchange);
                return;
            }
            String sku = URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
            ObjectNode answer = JSON.createObjectNode().put("sku", sku).put("submissionId", "sub-" + feedSerial.incrementAndGet());
            if (invalidListings.containsKey(sku)) {
                answer.put("status", "INVALID");
                ObjectNode issue = answer.putArray("issues").addObject();
                issue.put("code", "90220").put("message", invalidListings.get(sku)).put("severity", "ERROR");
                issue.putArray("categories").add("INVALID_ATTRIBUTE");
            } else {
                JsonNode patch = JSON.readTree(body).path("patches").path(0);
                listings.put(sku, patch.path("value").path(0).path("quantity").asLong());
                answer.put("status", "ACCEPTED");
                answer.putArray("issues");
            }
            answer(exchange, 200, answer.toString());
        }
    }

    /** ItemSearchResults: numberOfResults, items (sku, summaries, fulfillmentAvailability), pagination by offset. */
    private void searchListingsItems(HttpExchange exchange) throws IOException {
        Map<String, String> query = parse(exchange.getRequestURI().getRawQuery());
        int size = Math.min(20, Integer.parseInt(query.getOrDefault("pageSize", "10")));
        int offset = Integer.parseInt(query.getOrDefault("pageToken", "0"));
        String marketplace = query.getOrDefault("marketplaceIds", "A1PA6795UKMFR9").split(",")[0];
        List<Map.Entry<String, String[]>> all;
        synchronized (offers) {
            all = List.copyOf(offers.entrySet());
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("numberOfResults", all.size());
        ArrayNode items = body.putArray("items");
        String now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        for (Map.Entry<String, String[]> offer : all.subList(Math.min(offset, all.size()), Math.min(offset + size, all.size()))) {
            ObjectNode item = items.addObject().put("sku", offer.getKey());
            ObjectNode summary = item.putArray("summaries").addObject();
            summary.put("marketplaceId", marketplace).put("asin", "B0STUB" + Math.abs(offer.getKey().hashCode() % 10000))
                    .put("productType", "PRODUCT").put("conditionType", "new_new").put("itemName", "Stub " + offer.getKey())
                    .put("createdDate", now).put("lastUpdatedDate", now);
            summary.putArray("status").add(offer.getValue()[1]);
            ObjectNode availability = item.putArray("fulfillmentAvailability").addObject()
                    .put("fulfillmentChannelCode", offer.getValue()[0]);
            Long quantity = listings.get(offer.getKey());
            if (quantity != null && "DEFAULT".equals(offer.getValue()[0])) {
                availability.put("quantity", quantity);
            }
        }
        if (offset + size < all.size()) {
            body.putObject("pagination").put("nextToken", Integer.toString(offset + size));
        }
        answer(exchange, 200, body.toString());
    }

    private void feeds(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (!authorised(exchange, new LinkedHashMap<>(), body)) {
                return;
            }
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (method.equals("POST") && path.equals("/feeds/2021-06-30/documents")) {
                String id = "doc-" + feedSerial.incrementAndGet();
                answer(exchange, 201, JSON.createObjectNode().put("feedDocumentId", id).put("url", endpoint() + "/upload/" + id).toString());
            } else if (method.equals("POST") && path.equals("/feeds/2021-06-30/feeds")) {
                JsonNode request = JSON.readTree(body);
                String id = "feed-" + feedSerial.incrementAndGet();
                ObjectNode feed = JSON.createObjectNode().put("feedId", id).put("feedType", request.path("feedType").asText())
                        .put("createdTime", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString())
                        .put("processingStatus", "IN_QUEUE");
                feed.set("marketplaceIds", request.path("marketplaceIds"));
                feed.put("input", request.path("inputFeedDocumentId").asText());
                feeds.put(id, feed);
                answer(exchange, 202, JSON.createObjectNode().put("feedId", id).toString());
            } else if (method.equals("GET") && path.startsWith("/feeds/2021-06-30/feeds/")) {
                ObjectNode feed = feeds.get(path.substring("/feeds/2021-06-30/feeds/".length()));
                if (feed == null) {
                    answer(exchange, 404, errors("NotFound", "No such feed.", null));
                    return;
                }
                // Amazon takes its time: in progress at the first look, processed at the second.
                if (feed.path("processingStatus").asText().equals("IN_QUEUE")) {
                    feed.put("processingStatus", "IN_PROGRESS");
                } else if (feed.path("processingStatus").asText().equals("IN_PROGRESS")) {
                    process(feed);
                }
                ObjectNode shown = feed.deepCopy();
                shown.remove("input");
                answer(exchange, 200, shown.toString());
            } else if (method.equals("GET") && path.startsWith("/feeds/2021-06-30/documents/")) {
                String id = path.substring("/feeds/2021-06-30/documents/".length());
                answer(exchange, 200, JSON.createObjectNode().put("feedDocumentId", id).put("url", endpoint() + "/download/" + id)
                        .put("compressionAlgorithm", "GZIP").toString());
            } else {
                answer(exchange, 404, errors("NotFound", "No such operation.", null));
            }
        }
    }

    /** Applies an uploaded JSON_LISTINGS_FEED and writes its processing report. */
    private void process(ObjectNode feed) throws IOException {
        JsonNode content = JSON.readTree(documents.get(feed.path("input").asText()));
        ObjectNode report = JSON.createObjectNode();
        report.putObject("header").put("sellerId", content.path("header").path("sellerId").asText()).put("version", "2.0")
                .put("feedId", feed.path("feedId").asText());
        ArrayNode issues = report.putArray("issues");
        int accepted = 0;
        for (JsonNode message : content.path("messages")) {
            String sku = message.path("sku").asText();
            if (feedRejects.containsKey(sku)) {
                issues.addObject().put("messageId", message.path("messageId").asInt()).put("sku", sku).put("code", "90220")
                        .put("severity", "ERROR").put("message", feedRejects.get(sku));
            } else {
                listings.put(sku, message.path("patches").path(0).path("value").path(0).path("quantity").asLong());
                accepted++;
            }
        }
        report.putObject("summary").put("errors", issues.size()).put("warnings", 0)
                .put("messagesProcessed", content.path("messages").size()).put("messagesAccepted", accepted)
                .put("messagesInvalid", issues.size());
        String reportId = "report-" + feedSerial.incrementAndGet();
        documents.put(reportId, report.toString());
        feed.put("processingStatus", "DONE");
        feed.put("resultFeedDocumentId", reportId);
    }

    private void upload(HttpExchange exchange) throws IOException {
        try (exchange) {
            documents.put(exchange.getRequestURI().getPath().substring("/upload/".length()),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
        }
    }

    private void download(HttpExchange exchange) throws IOException {
        try (exchange) {
            String content = documents.get(exchange.getRequestURI().getPath().substring("/download/".length()));
            java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
            try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(zipped)) {
                gzip.write(content.getBytes(StandardCharsets.UTF_8));
            }
            exchange.sendResponseHeaders(200, zipped.size());
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(zipped.toByteArray());
            }
        }
    }

    protected static String errors(String code, String message, String details) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putArray("errors").addObject();
        error.put("code", code);
        error.put("message", message);
        if (details != null) {
            error.put("details", details);
        }
        return body.toString();
    }

    protected static Map<String, String> parse(String encoded) {
        Map<String, String> values = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return values;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            values.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values;
    }

    protected static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Reads an order back (tests compare against the mapping). */
    public JsonNode get(String orderId) {
        return orders.get(orderId);
    }

    /** Stops serving (nothing to stop when it never started). */
    @Override
    public synchronized void close() {
        HttpServer serving = server;
        if (serving != null) {
            serving.stop(0);
            ((ExecutorService) serving.getExecutor()).shutdownNow();
        }
    }
}
