package dev.orderhub.connectors.ebay.sandbox;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.orderhub.connector.Sandbox;

/**
 * eBay's Sell APIs in memory, as their OpenAPI 3 contracts describe them (Fulfillment API
 * v1.20.7, Inventory API 1.18.0, in ../shared/specs/ebay-sell-api), with eBay's identity
 * endpoint in front: the seller's refresh token (client id and secret as HTTP Basic) mints
 * user access tokens that expire (401, errorId 1001, until refreshed); getOrders by
 * creation or last-modified date and fulfillment status, offset pages with {@code next}
 * URLs, {@code cancelRequests} empty as the spec says (getOrder has them);
 * createShippingFulfillment (201 and a Location) and getShippingFulfillments;
 * bulkUpdatePriceQuantity (per-item statusCode) and getInventoryItems (offset counts pages).
 *
 * <p>Faults as a live account meets them: throttling (429, errorId 2001, per API, a token
 * bucket), lost answers (the request applied, then the connection dropped or a 500), and
 * eBay's search lagging behind its orders (an order shows in getOrders some time after its
 * lastModifiedDate). The calls in these APIs are synchronous, so there is no asynchronous
 * processing to model. Only the JDK's HttpServer and Jackson; it serves nothing until started.
 */
public final class EbaySandbox implements Sandbox {

    public static final String CLIENT_ID = "OrderHub-SBX-0000000000-sandbox";
    public static final String CLIENT_SECRET = "SBX-sandbox-cert-id-not-real";
    public static final String REFRESH_TOKEN = "v^1.1#i^1#r^1#sandbox-refresh-token-not-real";
    public static final String FULFILLMENT = "/sell/fulfillment/v1";
    public static final String INVENTORY = "/sell/inventory/v1";
    public static final String TOKEN_PATH = "/identity/v1/oauth2/token";
    static final DateTimeFormatter EBAY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ORDER = Pattern.compile(FULFILLMENT + "/order/([^/]+)");
    private static final Pattern FULFILLMENTS = Pattern.compile(FULFILLMENT + "/order/([^/]+)/shipping_fulfillment(?:/([^/]+))?");
    private static final Set<String> STATUSES = Set.of("NOT_STARTED", "IN_PROGRESS", "FULFILLED");

    /** How an answer is lost: the connection dropped after the request was applied, or a 500 instead of the answer. */
    public enum Loss { DROPPED, SERVER_ERROR }

    private record Lost(Predicate<String> calls, Loss loss) {
    }

    private final Map<String, ObjectNode> orders = new ConcurrentHashMap<>();
    private final Map<String, Instant> searchableAt = new ConcurrentHashMap<>();
    private final Map<String, List<ObjectNode>> fulfillments = new ConcurrentHashMap<>();
    private final Set<String> inventoryItems = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> shown = new ConcurrentHashMap<>();
    private final Map<String, Instant> accessTokens = new ConcurrentHashMap<>();
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Queue<Lost> losses = new ConcurrentLinkedQueue<>();
    private final List<HttpContext> contexts = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong(System.currentTimeMillis() % 10_000_000_000L);
    private final AtomicLong grants = new AtomicLong();
    private final int orderPrefix = 10 + ThreadLocalRandom.current().nextInt(90);
    private volatile HttpServer server;
    private volatile ExecutorService executor;
    private volatile Duration tokenLifetime = Duration.ofHours(2);
    private volatile Duration searchLag = Duration.ZERO;
    private volatile boolean refreshTokenRevoked;
    private volatile URI links;
    private volatile double rate = 50;
    private volatile int burst = 100;

    @Override
    public String connector() {
        return "ebay";
    }

    /** Serves on 127.0.0.1 at a free port (once); the demo's properties of a channel on it. */
    @Override
    public synchronized Map<String, String> start(String channel, List<String> skus, URI hub) {
        if (server == null) {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new IllegalStateException("the eBay sandbox cannot start", e);
            }
            contexts.add(server.createContext(TOKEN_PATH, this::token));
            contexts.add(server.createContext(FULFILLMENT + "/", this::api));
            contexts.add(server.createContext(INVENTORY + "/", this::api));
            executor = Executors.newFixedThreadPool(8);
            server.setExecutor(executor);
            server.start();
        }
        if (skus != null) {
            inventoryItems.addAll(skus);
        }
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("endpoint", endpoint());
        properties.put("tokenUrl", endpoint() + TOKEN_PATH);
        properties.put("clientId", CLIENT_ID);
        properties.put("clientSecret", CLIENT_SECRET);
        properties.put("refreshToken", REFRESH_TOKEN);
        return properties;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Its HTTP contexts (token endpoint, Fulfillment, Inventory), for a filter such as a test's recorder. */
    public List<HttpContext> contexts() {
        return List.copyOf(contexts);
    }

    @Override
    public void close() {
        HttpServer running = server;
        if (running != null) {
            running.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    // ---- what buyers and tests do --------------------------------------------------------------

    @Override
    public String placeOrder(String sku, int qty) {
        String orderId = nextOrderId();
        put(order(orderId, sku, qty, "19.99", "EUR", Instant.now()));
        return orderId;
    }

    @Override
    public Map<String, Long> shown() {
        return Map.copyOf(shown);
    }

    /** The tracking numbers of each order's shipping fulfillments (what the buyer is shown). */
    @Override
    public Map<String, List<String>> tracking() {
        Map<String, List<String>> tracking = new java.util.LinkedHashMap<>();
        fulfillments.forEach((orderId, created) -> tracking.put(orderId,
                created.stream().map(f -> f.path("shipmentTrackingNumber").asText()).toList()));
        return tracking;
    }

    /** A new eBay order id, as eBay spells them: 12-34567-89012. */
    public String nextOrderId() {
        long n = ids.incrementAndGet();
        return String.format("%02d-%05d-%05d", orderPrefix, (n / 100_000) % 100_000, n % 100_000);
    }

    /**
     * An open order of one line as getOrder answers it: paid, not started, shipped to a German
     * address, {@code qty} of {@code sku} at {@code unitPrice}, created a minute before
     * {@code modified}, to ship within two days.
     */
    public ObjectNode order(String orderId, String sku, int qty, String unitPrice, String currency, Instant modified) {
        Instant at = modified.truncatedTo(ChronoUnit.MILLIS);
        java.math.BigDecimal cost = new java.math.BigDecimal(unitPrice).multiply(java.math.BigDecimal.valueOf(qty));
        ObjectNode order = JSON.createObjectNode();
        order.put("orderId", orderId);
        order.put("creationDate", time(at.minusSeconds(60)));
        order.put("lastModifiedDate", time(at));
        order.put("orderFulfillmentStatus", "NOT_STARTED");
        order.put("orderPaymentStatus", "PAID");
        order.put("sellerId", "orderhub_sandbox_seller");
        ObjectNode buyer = order.putObject("buyer").put("username", "sandbox_buyer_" + (orderId.hashCode() & 0xfff));
        buyer.putObject("buyerRegistrationAddress").put("fullName", "Erika Mustermann").put("email", "erika@example.invalid");
        ObjectNode pricing = order.putObject("pricingSummary");
        pricing.putObject("priceSubtotal").put("value", cost.toPlainString()).put("currency", currency);
        pricing.putObject("deliveryCost").put("value", "0.00").put("currency", currency);
        pricing.putObject("total").put("value", cost.toPlainString()).put("currency", currency);
        order.putObject("cancelStatus").put("cancelState", "NONE_REQUESTED").putArray("cancelRequests");
        ObjectNode start = order.putArray("fulfillmentStartInstructions").addObject();
        start.put("fulfillmentInstructionsType", "SHIP_TO").put("ebaySupportedFulfillment", false)
                .put("minEstimatedDeliveryDate", time(at.plus(2, ChronoUnit.DAYS))).put("maxEstimatedDeliveryDate", time(at.plus(4, ChronoUnit.DAYS)));
        ObjectNode shipTo = start.putObject("shippingStep").put("shippingCarrierCode", "DHL").put("shippingServiceCode", "DE_DHLPaket")
                .putObject("shipTo").put("fullName", "Erika Mustermann").put("email", "erika@example.invalid");
        shipTo.putObject("contactAddress").put("addressLine1", "Heidestrasse 17").put("city", "Koeln").put("postalCode", "51147")
                .put("countryCode", "DE");
        shipTo.putObject("primaryPhone").put("phoneNumber", "0221 000000");
        order.putArray("fulfillmentHrefs");
        ObjectNode line = order.putArray("lineItems").addObject();
        line.put("lineItemId", "1" + String.format("%016d", ids.incrementAndGet()));
        line.put("legacyItemId", String.format("%012d", 110_000_000_000L + (sku.hashCode() & 0x7fffffffL)));
        line.put("sku", sku).put("title", "Sandbox item " + sku).put("quantity", qty);
        line.putObject("lineItemCost").put("value", cost.toPlainString()).put("currency", currency);
        line.putObject("total").put("value", cost.toPlainString()).put("currency", currency);
        line.putObject("deliveryCost").putObject("shippingCost").put("value", "0.00").put("currency", currency);
        line.putArray("appliedPromotions");
        line.putArray("taxes");
        line.putArray("refunds");
        line.put("soldFormat", "FIXED_PRICE").put("listingMarketplaceId", "EBAY_DE").put("purchaseMarketplaceId", "EBAY_DE");
        line.put("lineItemFulfillmentStatus", "NOT_STARTED");
        line.putObject("lineItemFulfillmentInstructions").put("shipByDate", time(at.plus(2, ChronoUnit.DAYS)))
                .put("minEstimatedDeliveryDate", time(at.plus(2, ChronoUnit.DAYS))).put("maxEstimatedDeliveryDate", time(at.plus(4, ChronoUnit.DAYS)))
                .put("guaranteedDelivery", false);
        return order;
    }

    /** Puts (or replaces) an order; getOrders shows it once eBay's search has caught up ({@link #searchLag}). */
    public void put(ObjectNode order) {
        String orderId = order.path("orderId").asText();
        orders.put(orderId, order);
        searchableAt.put(orderId, Instant.now().plus(searchLag));
    }

    /** Changes an order as eBay would, setting its lastModifiedDate to {@code modified}. */
    public void update(String orderId, Instant modified, Consumer<ObjectNode> change) {
        ObjectNode order = orders.get(orderId);
        if (order == null) {
            throw new IllegalArgumentException("the eBay sandbox holds no order " + orderId);
        }
        synchronized (order) {
            change.accept(order);
            order.put("lastModifiedDate", time(modified.truncatedTo(ChronoUnit.MILLIS)));
        }
        searchableAt.put(orderId, Instant.now().plus(searchLag));
    }

    /** eBay cancelled the order (the buyer's request accepted, or eBay's own). */
    public void cancel(String orderId, Instant modified) {
        update(orderId, modified, order -> {
            ObjectNode status = order.with("cancelStatus");
            status.put("cancelState", "CANCELED").put("cancelledDate", time(modified));
            for (JsonNode request : status.withArray("cancelRequests")) {
                ((ObjectNode) request).put("cancelRequestState", "COMPLETED").put("cancelCompletedDate", time(modified));
            }
        });
    }

    /** The buyer asks to cancel: the order's cancelState goes IN_PROGRESS with one request REQUESTED. */
    public void requestCancel(String orderId, Instant modified, String reason) {
        update(orderId, modified, order -> {
            ObjectNode status = order.with("cancelStatus").put("cancelState", "IN_PROGRESS");
            status.withArray("cancelRequests").addObject().put("cancelRequestId", "5" + String.format("%09d", ids.incrementAndGet() % 1_000_000_000))
                    .put("cancelInitiator", "Buyer").put("cancelReason", reason).put("cancelRequestState", "REQUESTED")
                    .put("cancelRequestedDate", time(modified));
        });
    }

    /** The seller's inventory items: bulkUpdatePriceQuantity takes only these skus. */
    public void list(String sku) {
        inventoryItems.add(sku);
    }

    /** The shipping fulfillments of an order, as getShippingFulfillments answers them. */
    public List<JsonNode> fulfillments(String orderId) {
        return List.copyOf(fulfillments.getOrDefault(orderId, List.of()));
    }

    public JsonNode orderNow(String orderId) {
        return orders.get(orderId).deepCopy();
    }

    /** Access tokens live this long from now on (eBay's: 2 hours). */
    public void tokenLifetime(Duration lifetime) {
        tokenLifetime = lifetime;
    }

    /** Every access token handed out so far expires now: the next call with one is answered 401. */
    public void expireTokens() {
        accessTokens.replaceAll((token, until) -> Instant.EPOCH);
    }

    /** The seller withdrew the consent: the refresh token is refused (invalid_grant). */
    public void revokeRefreshToken(boolean revoked) {
        refreshTokenRevoked = revoked;
    }

    public long grants() {
        return grants.get();
    }

    /** Each API (Fulfillment, Inventory) takes {@code rate} calls a second, {@code burst} at once; more are answered 429. */
    public void throttle(double rate, int burst) {
        this.rate = rate;
        this.burst = burst;
        buckets.clear();
    }

    /** Orders show in getOrders this long after they were placed or changed. */
    public void searchLag(Duration lag) {
        searchLag = lag;
    }

    /**
     * The next {@code times} calls matching {@code calls} (given "METHOD /path") are applied and
     * their answers lost as {@code loss} says.
     */
    public void loseAnswers(Predicate<String> calls, Loss loss, int times) {
        for (int i = 0; i < times; i++) {
            losses.add(new Lost(calls, loss));
        }
    }

    /** No faults, normal speed, tokens of eBay's lifetime. */
    public void normalService() {
        losses.clear();
        throttle(50, 100);
        searchLag = Duration.ZERO;
        tokenLifetime = Duration.ofHours(2);
        refreshTokenRevoked = false;
    }

    /** Next-page links under {@code base} instead of the sandbox's own address (null: its own again). */
    public void linkTo(URI base) {
        links = base;
    }

    // ---- the identity endpoint ------------------------------------------------------------------

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String basic = "Basic " + Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
            if (!"POST".equals(exchange.getRequestMethod())) {
                answer(exchange, 405, oauthError("invalid_request", "the token endpoint takes POST"));
            } else if (!basic.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                answer(exchange, 401, oauthError("invalid_client", "client authentication failed"));
            } else if (!"refresh_token".equals(form.get("grant_type"))) {
                answer(exchange, 400, oauthError("unsupported_grant_type", "grant type in request is not supported by the authorization server"));
            } else if (refreshTokenRevoked || !REFRESH_TOKEN.equals(form.get("refresh_token"))) {
                answer(exchange, 400, oauthError("invalid_grant", "the provided authorization refresh token is invalid or was issued to another client"));
            } else {
                grants.incrementAndGet();
                String token = "v^1.1#i^1#p^3#sandbox-access-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
                Duration lifetime = tokenLifetime;
                accessTokens.put(token, Instant.now().plus(lifetime));
                answer(exchange, 200, JSON.createObjectNode().put("access_token", token).put("expires_in", lifetime.toSeconds())
                        .put("token_type", "User Access Token").toString());
            }
        }
    }

    private static String oauthError(String error, String description) {
        return JSON.createObjectNode().put("error", error).put("error_description", description).toString();
    }

    // ---- the Sell APIs ----------------------------------------------------------------------------

    private void api(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            Instant until = auth != null && auth.startsWith("Bearer ") ? accessTokens.get(auth.substring(7)) : null;
            if (until == null || !Instant.now().isBefore(until)) {
                answer(exchange, 401, errors(1001, "OAuth", "REQUEST", "Invalid access token",
                        "Invalid access token. Check the value of the Authorization HTTP request header."));
                return;
            }
            String api = path.startsWith(INVENTORY) ? "inventory" : "fulfillment";
            if (!buckets.computeIfAbsent(api, a -> new Bucket(rate, burst)).take()) {
                answer(exchange, 429, errors(2001, "ACCESS", "REQUEST", "Too many requests. The request limit has been reached for the resource.", null));
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            Answer answer = route(method, path, exchange.getRequestURI().getRawQuery(), body);
            Lost lost = takeLoss(method + " " + path);
            if (lost != null && lost.loss() == Loss.DROPPED) {
                return; // applied; the connection closes without an answer
            }
            if (lost != null) {
                answer(exchange, 500, errors(api.equals("inventory") ? 25001 : 30500, api.equals("inventory") ? "API_INVENTORY" : "API_FULFILLMENT",
                        "APPLICATION", "System error", null));
                return;
            }
            answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            answer(exchange, answer.status(), answer.body());
        }
    }

    private record Answer(int status, String body, Map<String, String> headers) {
        static Answer of(int status, String body) {
            return new Answer(status, body, Map.of());
        }
    }

    private Answer route(String method, String path, String rawQuery, byte[] body) throws IOException {
        Map<String, String> query = form(rawQuery);
        Matcher fulfillment = FULFILLMENTS.matcher(path);
        Matcher order = ORDER.matcher(path);
        if (method.equals("GET") && path.equals(FULFILLMENT + "/order")) {
            return getOrders(query);
        } else if (method.equals("GET") && order.matches()) {
            ObjectNode found = orders.get(order.group(1));
            return found == null ? Answer.of(404, "") : Answer.of(200, copy(found).toString());
        } else if (fulfillment.matches() && orders.containsKey(fulfillment.group(1))) {
            String orderId = fulfillment.group(1);
            if (method.equals("GET") && fulfillment.group(2) == null) {
                ObjectNode page = JSON.createObjectNode();
                List<JsonNode> all = fulfillments(orderId);
                page.put("total", all.size());
                all.forEach(page.putArray("fulfillments")::add);
                return Answer.of(200, page.toString());
            } else if (method.equals("GET")) {
                return fulfillments(orderId).stream().filter(f -> f.path("fulfillmentId").asText().equals(fulfillment.group(2)))
                        .findFirst().map(f -> Answer.of(200, f.toString())).orElse(Answer.of(404, ""));
            } else if (method.equals("POST") && fulfillment.group(2) == null) {
                return createShippingFulfillment(orderId, JSON.readTree(body));
            }
        } else if (fulfillment.matches()) {
            return Answer.of(400, errors(32100, "API_FULFILLMENT", "REQUEST", "Invalid Order Id: " + fulfillment.group(1), null));
        } else if (method.equals("POST") && path.equals(INVENTORY + "/bulk_update_price_quantity")) {
            return bulkUpdatePriceQuantity(JSON.readTree(body));
        } else if (method.equals("GET") && path.equals(INVENTORY + "/inventory_item")) {
            return getInventoryItems(query);
        }
        return Answer.of(404, "");
    }

    private Answer getOrders(Map<String, String> query) {
        int limit;
        int offset;
        try {
            limit = Integer.parseInt(query.getOrDefault("limit", "50"));
            if (limit < 1 || limit > 200) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            return Answer.of(400, errors(31100, "API_FULFILLMENT", "REQUEST", "Invalid limit: " + query.get("limit"), null));
        }
        try {
            offset = Integer.parseInt(query.getOrDefault("offset", "0"));
            if (offset < 0) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            return Answer.of(400, errors(31000, "API_FULFILLMENT", "REQUEST", "Invalid offset: " + query.get("offset"), null));
        }
        Instant now = Instant.now();
        Predicate<ObjectNode> matching;
        if (query.containsKey("orderIds")) {
            List<String> wanted = List.of(query.get("orderIds").split(","));
            if (wanted.size() > 50) {
                return Answer.of(400, errors(30900, "API_FULFILLMENT", "REQUEST", "Exceeded maximum number of order IDs (the current limit is 50)", null));
            }
            matching = o -> wanted.contains(o.path("orderId").asText());
        } else {
            Object parsed = filter(query.get("filter"), now);
            if (parsed instanceof Answer refused) {
                return refused;
            }
            @SuppressWarnings("unchecked")
            Predicate<ObjectNode> filter = (Predicate<ObjectNode>) parsed;
            matching = filter;
        }
        List<ObjectNode> found = orders.values().stream()
                .filter(o -> !searchableAt.getOrDefault(o.path("orderId").asText(), Instant.EPOCH).isAfter(now))
                .filter(matching)
                .sorted(Comparator.comparing((ObjectNode o) -> o.path("creationDate").asText()).reversed()
                        .thenComparing(o -> o.path("orderId").asText()))
                .toList();
        ObjectNode page = JSON.createObjectNode();
        String base = (links == null ? endpoint() : links.toString()) + FULFILLMENT + "/order?"
                + (query.containsKey("orderIds") ? "orderIds=" + encode(query.get("orderIds")) + "&"
                : query.containsKey("filter") ? "filter=" + encode(query.get("filter")) + "&" : "");
        page.put("href", base + "limit=" + limit + "&offset=" + offset);
        page.put("total", found.size());
        page.put("limit", limit);
        page.put("offset", offset);
        ArrayNode out = page.putArray("orders");
        found.subList(Math.min(offset, found.size()), Math.min(offset + limit, found.size())).forEach(o -> {
            ObjectNode copy = copy(o);
            copy.with("cancelStatus").putArray("cancelRequests"); // getOrders answers them empty (the spec says so)
            out.add(copy);
        });
        if (offset + limit < found.size()) {
            page.put("next", base + "limit=" + limit + "&offset=" + (offset + limit));
        }
        if (offset > 0) {
            page.put("prev", base + "limit=" + limit + "&offset=" + Math.max(0, offset - limit));
        }
        return Answer.of(200, page.toString());
    }

    /** The getOrders filter: a predicate, or the 400 eBay answers for it. */
    private Object filter(String filter, Instant now) {
        Instant ninetyDays = now.minus(90, ChronoUnit.DAYS);
        if (filter == null || filter.isBlank()) {
            return (Predicate<ObjectNode>) o -> !Instant.parse(o.path("creationDate").asText()).isBefore(ninetyDays);
        }
        Predicate<ObjectNode> created = null;
        Predicate<ObjectNode> modified = null;
        Predicate<ObjectNode> status = o -> true;
        for (String criterion : filter.split(",(?=[a-z]+:)")) {
            int colon = criterion.indexOf(':');
            String name = colon < 0 ? criterion : criterion.substring(0, colon);
            String value = colon < 0 ? "" : criterion.substring(colon + 1);
            switch (name) {
                case "creationdate", "lastmodifieddate" -> {
                    Matcher range = Pattern.compile("\\[(.*?)\\.\\.(.*)]").matcher(value);
                    if (!range.matches()) {
                        return Answer.of(400, errors(30800, "API_FULFILLMENT", "REQUEST", "Invalid filter value " + value + " for filter " + name, null));
                    }
                    if (range.group(1).isBlank()) {
                        return Answer.of(400, errors(30820, "API_FULFILLMENT", "REQUEST", "Start date is missing", null));
                    }
                    Instant from;
                    Instant to;
                    try {
                        from = Instant.parse(range.group(1));
                        to = range.group(2).isBlank() ? null : Instant.parse(range.group(2));
                    } catch (DateTimeParseException e) {
                        return Answer.of(400, errors(30810, "API_FULFILLMENT", "REQUEST", "Invalid date format", null));
                    }
                    if (from.isAfter(now) || to != null && to.isAfter(now)) {
                        return Answer.of(400, errors(30850, "API_FULFILLMENT", "REQUEST", "Start and end dates can't be in the future", null));
                    }
                    if (to != null && to.isBefore(from)) {
                        return Answer.of(400, errors(30840, "API_FULFILLMENT", "REQUEST", "Start date should be before end date", null));
                    }
                    String field = name.equals("creationdate") ? "creationDate" : "lastModifiedDate";
                    Predicate<ObjectNode> within = o -> {
                        Instant at = Instant.parse(o.path(field).asText());
                        return !at.isBefore(from) && (to == null || !at.isAfter(to));
                    };
                    if (name.equals("creationdate")) {
                        created = within;
                    } else {
                        modified = within;
                    }
                }
                case "orderfulfillmentstatus" -> {
                    Matcher set = Pattern.compile("\\{([A-Z_|]+)}").matcher(value);
                    Set<String> wanted = set.matches() ? Set.of(set.group(1).split("\\|")) : Set.of();
                    if (!wanted.equals(Set.of("NOT_STARTED", "IN_PROGRESS")) && !wanted.equals(Set.of("FULFILLED", "IN_PROGRESS"))
                            || !STATUSES.containsAll(wanted)) {
                        return Answer.of(400, errors(30800, "API_FULFILLMENT", "REQUEST", "Invalid filter value " + value + " for filter " + name, null));
                    }
                    status = o -> wanted.contains(o.path("orderFulfillmentStatus").asText());
                }
                default -> {
                    return Answer.of(400, errors(30700, "API_FULFILLMENT", "REQUEST", "Invalid filter name: " + name, null));
                }
            }
        }
        // "If creationdate and lastmodifieddate are both included, only creationdate is used."
        Predicate<ObjectNode> dates = created != null ? created : modified != null ? modified
                : o -> !Instant.parse(o.path("creationDate").asText()).isBefore(ninetyDays);
        return dates.and(status);
    }

    private Answer createShippingFulfillment(String orderId, JsonNode request) {
        ObjectNode order = orders.get(orderId);
        synchronized (order) {
            Map<String, JsonNode> lines = new LinkedHashMap<>();
            order.path("lineItems").forEach(line -> lines.put(line.path("lineItemId").asText(), line));
            Map<String, Integer> shipped = new LinkedHashMap<>();
            fulfillments(orderId).forEach(f -> f.path("lineItems").forEach(l -> shipped.merge(l.path("lineItemId").asText(),
                    l.path("quantity").asInt(1), Integer::sum)));
            Set<String> seen = new java.util.HashSet<>();
            if (!request.path("lineItems").isArray() || request.path("lineItems").isEmpty()) {
                return Answer.of(400, errors(32600, "API_FULFILLMENT", "REQUEST", "Invalid input data", null));
            }
            for (JsonNode item : request.path("lineItems")) {
                String id = item.path("lineItemId").asText("");
                int qty = item.path("quantity").asInt(1);
                if (!lines.containsKey(id)) {
                    return Answer.of(400, errors(32200, "API_FULFILLMENT", "REQUEST", "Invalid line item id: " + id, null));
                }
                if (!seen.add(id)) {
                    return Answer.of(400, errors(32210, "API_FULFILLMENT", "REQUEST", "Duplicate line item in the request", null));
                }
                if (qty < 1 || shipped.getOrDefault(id, 0) + qty > lines.get(id).path("quantity").asInt()) {
                    return Answer.of(400, errors(32600, "API_FULFILLMENT", "REQUEST", "Invalid input data", null));
                }
            }
            String tracking = request.path("trackingNumber").asText("");
            String carrier = request.path("shippingCarrierCode").asText("");
            if (!tracking.isEmpty() && (!tracking.matches("[A-Za-z0-9]{4,40}") || carrier.isBlank())) {
                return Answer.of(400, errors(32300, "API_FULFILLMENT", "REQUEST", "Invalid shipment tracking number or carrier", null));
            }
            Instant shippedDate = Instant.now();
            if (request.hasNonNull("shippedDate")) {
                try {
                    shippedDate = Instant.parse(request.path("shippedDate").asText());
                } catch (DateTimeParseException e) {
                    return Answer.of(400, errors(32500, "API_FULFILLMENT", "REQUEST", "Invalid shipped date", null));
                }
            }
            if (order.path("cancelStatus").path("cancelState").asText().equals("CANCELED")) {
                return Answer.of(409, "");
            }
            String fulfillmentId = String.format("94055%017d", ids.incrementAndGet());
            ObjectNode created = JSON.createObjectNode().put("fulfillmentId", fulfillmentId);
            ArrayNode items = created.putArray("lineItems");
            request.path("lineItems").forEach(item -> items.addObject().put("lineItemId", item.path("lineItemId").asText())
                    .put("quantity", item.path("quantity").asInt(1)));
            if (!tracking.isEmpty()) {
                created.put("shipmentTrackingNumber", tracking);
            }
            created.put("shippedDate", time(shippedDate.truncatedTo(ChronoUnit.MILLIS)));
            if (!carrier.isEmpty()) {
                created.put("shippingCarrierCode", carrier);
            }
            fulfillments.computeIfAbsent(orderId, o -> new CopyOnWriteArrayList<>()).add(created);
            request.path("lineItems").forEach(item -> shipped.merge(item.path("lineItemId").asText(), item.path("quantity").asInt(1), Integer::sum));
            boolean all = true;
            for (JsonNode line : order.path("lineItems")) {
                int done = shipped.getOrDefault(line.path("lineItemId").asText(), 0);
                all &= done >= line.path("quantity").asInt();
                ((ObjectNode) line).put("lineItemFulfillmentStatus", done == 0 ? "NOT_STARTED"
                        : done >= line.path("quantity").asInt() ? "FULFILLED" : "IN_PROGRESS");
            }
            order.put("orderFulfillmentStatus", all ? "FULFILLED" : "IN_PROGRESS");
            String href = endpoint() + FULFILLMENT + "/order/" + orderId + "/shipping_fulfillment/" + fulfillmentId;
            order.withArray("fulfillmentHrefs").add(href);
            order.put("lastModifiedDate", time(Instant.now().truncatedTo(ChronoUnit.MILLIS)));
            return new Answer(201, "{}", Map.of("Location", href));
        }
    }

    private Answer bulkUpdatePriceQuantity(JsonNode request) {
        JsonNode requests = request.path("requests");
        if (!requests.isArray() || requests.isEmpty() || requests.size() > 25) {
            return Answer.of(400, errors(25709, "API_INVENTORY", "REQUEST", "Invalid value for requests. "
                    + "Between 1 and 25 inventory items a call, was " + requests.size(), null));
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode responses = out.putArray("responses");
        for (JsonNode item : requests) {
            String sku = item.path("sku").asText("");
            JsonNode quantity = item.path("shipToLocationAvailability").path("quantity");
            ObjectNode response = responses.addObject().put("sku", sku);
            if (!inventoryItems.contains(sku)) {
                response.put("statusCode", 404);
                response.putArray("errors").add(error(25710, "API_INVENTORY", "REQUEST",
                        "We didn't find the resource/entity you are requesting. Please verify the request", null));
            } else if (!quantity.canConvertToInt() || quantity.asInt() < 0) {
                response.put("statusCode", 400);
                response.putArray("errors").add(error(25709, "API_INVENTORY", "REQUEST",
                        "Invalid value for shipToLocationAvailability.quantity.", null));
            } else {
                shown.put(sku, quantity.asLong());
                response.put("statusCode", 200);
            }
        }
        return Answer.of(200, out.toString()); // eBay answers 207 when some failed; the spec gives 207 no body, so 200 here
    }

    private Answer getInventoryItems(Map<String, String> query) {
        int limit;
        int page;
        try {
            limit = Integer.parseInt(query.getOrDefault("limit", "25"));
            page = Integer.parseInt(query.getOrDefault("offset", "0"));
            if (limit < 1 || limit > 200 || page < 0) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            return Answer.of(400, errors(25706, "API_INVENTORY", "REQUEST", "You have provided invalid pagination values.", null));
        }
        List<String> skus = inventoryItems.stream().sorted().toList();
        ObjectNode out = JSON.createObjectNode();
        String base = (links == null ? endpoint() : links.toString()) + INVENTORY + "/inventory_item?limit=" + limit + "&offset=";
        out.put("href", base + page).put("limit", limit).put("total", skus.size()).put("size", (skus.size() + limit - 1) / limit);
        ArrayNode items = out.putArray("inventoryItems");
        for (String sku : skus.subList(Math.min(skus.size(), page * limit), Math.min(skus.size(), (page + 1) * limit))) {
            ObjectNode item = items.addObject().put("sku", sku).put("locale", "de_DE").put("condition", "NEW");
            item.putObject("availability").putObject("shipToLocationAvailability").put("quantity", shown.getOrDefault(sku, 0L));
        }
        if ((page + 1) * limit < skus.size()) {
            out.put("next", base + (page + 1));
        }
        return Answer.of(200, out.toString());
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private Lost takeLoss(String call) {
        for (Lost lost : losses) {
            if (lost.calls().test(call) && losses.remove(lost)) {
                return lost;
            }
        }
        return null;
    }

    private static ObjectNode copy(ObjectNode order) {
        synchronized (order) {
            return order.deepCopy();
        }
    }

    static String time(Instant at) {
        return EBAY_TIME.format(at);
    }

    private static String errors(int errorId, String domain, String category, String message, String longMessage) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("errors").add(error(errorId, domain, category, message, longMessage));
        return body.toString();
    }

    private static ObjectNode error(int errorId, String domain, String category, String message, String longMessage) {
        ObjectNode error = JSON.createObjectNode().put("errorId", errorId).put("domain", domain).put("category", category).put("message", message);
        if (longMessage != null) {
            error.put("longMessage", longMessage);
        }
        return error;
    }

    /** eBay's error body for a status, as the sandbox writes it (for a test's scripted faults too). */
    public static String errorBody(int status) {
        return switch (status) {
            case 401 -> errors(1001, "OAuth", "REQUEST", "Invalid access token", null);
            case 429 -> errors(2001, "ACCESS", "REQUEST", "Too many requests. The request limit has been reached for the resource.", null);
            default -> status >= 500 ? errors(30500, "API_FULFILLMENT", "APPLICATION", "System error", null)
                    : errors(32600, "API_FULFILLMENT", "REQUEST", "Invalid input data", null);
        };
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0) {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    private static Map<String, String> form(String encoded) {
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

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A token bucket: {@code rate} a second up to {@code burst}. */
    private static final class Bucket {
        private final double rate;
        private final double burst;
        private double tokens;
        private long at = System.nanoTime();

        Bucket(double rate, double burst) {
            this.rate = rate;
            this.burst = burst;
            this.tokens = burst;
        }

        synchronized boolean take() {
            long now = System.nanoTime();
            tokens = Math.min(burst, tokens + (now - at) / 1e9 * rate);
            at = now;
            if (tokens < 1) {
                return false;
            }
            tokens--;
            return true;
        }
    }
}
