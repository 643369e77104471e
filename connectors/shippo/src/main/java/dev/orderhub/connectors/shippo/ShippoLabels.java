package dev.orderhub.connectors.shippo;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orderhub.connector.CarrierLabels;
import dev.orderhub.connector.InvalidInput;
import dev.orderhub.connector.RetryLater;
import dev.orderhub.connector.http.AllowedHosts;
import dev.orderhub.connector.http.ChannelAccount;
import dev.orderhub.connector.http.ChannelClient;
import dev.orderhub.connector.http.ChannelClients;
import dev.orderhub.connector.http.Credentials;
import dev.orderhub.connector.http.DeclaredPolicies;
import dev.orderhub.connector.http.HostNotAllowedException;
import dev.orderhub.connector.http.HttpAnswer;
import dev.orderhub.connector.http.HttpCall;
import dev.orderhub.connector.http.TokenPlacement;
import dev.orderhub.connector.manifest.ConnectorManifests;
import dev.orderhub.connector.manifest.ConnectorSettings;
import dev.orderhub.connector.manifest.WrittenValues;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Shippo's labels and tracking ({@code carrier-labels}). A label is a Shipment (from the
 * configured sender address to the order's ship-to, one parcel), the Rate of the requested
 * service level or the cheapest, and a Transaction buying it as a PDF. Shippo takes no
 * idempotency key, so the Rate chosen for a hub label is written down (shippo_label_requests)
 * before the purchase is asked for, and every purchase carries the hub's label id in
 * {@code metadata}: a retry lists the transactions of that rate ({@code GET /transactions?rate=})
 * and answers the one it finds instead of buying a second label.
 */
@Component
public class ShippoLabels implements CarrierLabels {

    public static final String CONNECTOR = "shippo";
    static final String PREFIX = "orderhub.carriers.shippo.properties";
    static final int MAX_LABEL_BYTES = 4 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final ConnectorSettings settings;
    private final ChannelClient api;
    private final DeclaredPolicies policies;
    private final JdbcClient jdbc;
    private final byte[] webhookTokenDigest;

    public ShippoLabels(ConfigurableEnvironment environment, ChannelClients clients, ConnectorManifests manifests, JdbcClient jdbc) {
        this.policies = new DeclaredPolicies(manifests, CONNECTOR);
        this.jdbc = jdbc;
        Map<String, Object> given = Binder.get(environment).bind(PREFIX, Bindable.mapOf(String.class, Object.class)).orElse(null);
        if (given == null || given.isEmpty()) {
            settings = null;
            api = null;
            webhookTokenDigest = null;
            return;
        }
        settings = manifests.settings(CONNECTOR, CONNECTOR, "orderhub.carriers.shippo.properties", given,
                WrittenValues.of(environment, PREFIX));
        api = clients.forAccount(ChannelAccount.of(CONNECTOR, CONNECTOR, settings.getUri("endpoint").orElseThrow(),
                new AllowedHosts(List.copyOf(settings.allowedHosts())),
                new Credentials.StaticToken(settings.getString("apiToken").orElseThrow(),
                        new TokenPlacement("Authorization", "ShippoToken "))));
        String webhookToken = settings.getString("webhookToken").orElse(null);
        if (webhookToken != null && webhookToken.length() < 24) {
            throw new IllegalStateException(PREFIX + ".webhookToken: has " + webhookToken.length()
                    + " characters; a webhook token needs at least 24");
        }
        webhookTokenDigest = webhookToken == null ? null : sha256(webhookToken);
    }

    @Override
    public String connector() {
        return CONNECTOR;
    }

    @Override
    public boolean enabled() {
        return settings != null;
    }

    @Override
    public Label createLabel(LabelRequest request) {
        if (!enabled()) {
            throw new Refused("the shippo carrier account is not configured (" + PREFIX + ")");
        }
        String key = request.requestId();
        Optional<String> rate = jdbc.sql("SELECT rate_id FROM shippo_label_requests WHERE request_id = :id")
                .param("id", key).query(String.class).optional();
        if (rate.isPresent()) {
            Optional<JsonNode> bought = boughtBefore(rate.get(), key);
            if (bought.isPresent()) {
                return outcome(bought.get(), key);
            }
            return purchase(rate.get(), key);
        }
        JsonNode shipment = createShipment(request);
        JsonNode chosen = chooseRate(shipment, request.serviceLevel() != null ? request.serviceLevel()
                : settings.getString("serviceLevel").orElse(null));
        String rateId = chosen.path("object_id").asText();
        jdbc.sql("INSERT INTO shippo_label_requests (request_id, shipment_id, rate_id, created_at) VALUES (:id, :shipment, :rate, :now)")
                .param("id", key).param("shipment", shipment.path("object_id").asText()).param("rate", rateId)
                .param("now", OffsetDateTime.now(ZoneOffset.UTC)).update();
        return purchase(rateId, key);
    }

    private JsonNode createShipment(LabelRequest request) {
        ObjectNode body = JSON.createObjectNode();
        body.set("address_from", senderAddress());
        body.set("address_to", address(request.shipTo()));
        body.putArray("parcels").add(parcel(request.parcel()));
        body.put("async", false);
        body.put("metadata", request.requestId());
        HttpAnswer answer = api.send(policies.get("create-shipment"), HttpCall.post("/shipments").json(body.toString()));
        if (!answer.ok()) {
            throw new Refused("Shippo refused the shipment for order " + request.hubOrderId() + ": " + problem(answer));
        }
        return json(answer);
    }

    /** The rate of {@code serviceLevel} (a servicelevel token), or the cheapest when none is asked for. */
    static JsonNode chooseRate(JsonNode shipment, String serviceLevel) {
        List<JsonNode> rates = new ArrayList<>();
        shipment.path("rates").forEach(rates::add);
        if (rates.isEmpty()) {
            throw new Refused("Shippo offered no rate for this parcel" + messages(shipment.path("messages")));
        }
        if (serviceLevel != null) {
            return rates.stream().filter(r -> serviceLevel.equals(r.path("servicelevel").path("token").asText()))
                    .findFirst().orElseThrow(() -> new Refused("Shippo offered no rate of service level \"" + serviceLevel
                            + "\" for this parcel (offered: " + String.join(", ", rates.stream()
                            .map(r -> r.path("servicelevel").path("token").asText()).distinct().toList()) + ")"));
        }
        return rates.stream().min(Comparator.comparing(r -> new BigDecimal(r.path("amount").asText("0")))).orElseThrow();
    }

    /** A transaction of this rate bought for this hub label, unless it ended in ERROR. */
    private Optional<JsonNode> boughtBefore(String rateId, String key) {
        HttpAnswer answer = api.send(policies.get("list-transactions"), HttpCall.get("/transactions").query("rate", rateId));
        if (!answer.ok()) {
            throw new Refused("Shippo refused to list the transactions of rate " + rateId + ": " + problem(answer));
        }
        for (JsonNode transaction : json(answer).path("results")) {
            if (key.equals(transaction.path("metadata").asText()) && !"ERROR".equals(transaction.path("status").asText())) {
                return Optional.of(transaction);
            }
        }
        return Optional.empty();
    }

    private Label purchase(String rateId, String key) {
        ObjectNode body = JSON.createObjectNode();
        body.put("rate", rateId);
        body.put("label_file_type", settings.getString("labelFileType").orElse("PDF"));
        body.put("metadata", key);
        body.put("async", false);
        HttpAnswer answer = api.send(policies.get("create-transaction"), HttpCall.post("/transactions").json(body.toString()));
        if (!answer.ok()) {
            forget(key);
            throw new Refused("Shippo refused to buy the label: " + problem(answer));
        }
        return outcome(json(answer), key);
    }

    /** A transaction as Shippo answered it: a label when SUCCESS, a refusal when ERROR, later when still being made. */
    private Label outcome(JsonNode transaction, String key) {
        String status = transaction.path("status").asText();
        String id = transaction.path("object_id").asText();
        switch (status) {
            case "SUCCESS" -> {
                jdbc.sql("UPDATE shippo_label_requests SET transaction_id = :tx WHERE request_id = :id")
                        .param("tx", id).param("id", key).update();
                JsonNode rate = rate(transaction);
                String labelUrl = text(transaction.path("label_url"));
                return new Label(text(rate.path("provider")), serviceOf(rate), text(transaction.path("tracking_number")),
                        labelUrl, download(labelUrl), id);
            }
            case "ERROR" -> {
                forget(key);
                throw new Refused("Shippo could not buy the label (transaction " + id + " ERROR)"
                        + messages(transaction.path("messages")));
            }
            default -> throw new RetryLater(Duration.ofSeconds(5), "shippo: transaction " + id + " is " + status
                    + "; asking again finds it");
        }
    }

    /** The transaction's rate: inline (an object) or as its id, fetched. */
    private JsonNode rate(JsonNode transaction) {
        JsonNode rate = transaction.path("rate");
        if (rate.isObject()) {
            return rate;
        }
        if (rate.isTextual()) {
            HttpAnswer answer = api.send(policies.get("get-rate"), HttpCall.get("/rates/{id}", rate.asText()));
            if (answer.ok()) {
                return json(answer);
            }
        }
        return JSON.missingNode();
    }

    private static String serviceOf(JsonNode rate) {
        String token = text(rate.path("servicelevel").path("token"));
        return token != null ? token : text(rate.path("servicelevel_token"));
    }

    /** The label's PDF when it is on an allowed host and is one, else null (the URL is kept). */
    private byte[] download(String labelUrl) {
        if (labelUrl == null) {
            return null;
        }
        try {
            HttpAnswer answer = api.send(policies.get("get-label"), HttpCall.to("GET", URI.create(labelUrl)).withoutCredentials());
            byte[] content = answer.content();
            if (!answer.ok() || content.length > MAX_LABEL_BYTES || content.length < 5
                    || !new String(content, 0, 5, StandardCharsets.US_ASCII).equals("%PDF-")) {
                return null;
            }
            return content;
        } catch (HostNotAllowedException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The purchase failed for good: the next attempt starts from a new shipment. */
    private void forget(String key) {
        jdbc.sql("DELETE FROM shippo_label_requests WHERE request_id = :id").param("id", key).update();
    }

    @Override
    public TrackingPush readTracking(String token, byte[] body) {
        if (webhookTokenDigest == null || token == null || !MessageDigest.isEqual(webhookTokenDigest, sha256(token))) {
            throw new Refused("shippo: the webhook token is wrong or none is configured (" + PREFIX + ".webhookToken)");
        }
        JsonNode delivery;
        try {
            delivery = JSON.readTree(body);
        } catch (IOException e) {
            throw new InvalidInput("shippo webhook: the body is not JSON");
        }
        if (delivery == null || !delivery.isObject()) {
            throw new InvalidInput("shippo webhook: the body is not a JSON object");
        }
        String event = text(delivery.path("event"));
        if (!"track_updated".equals(event)) {
            return new TrackingPush(event, null);
        }
        JsonNode track = delivery.path("data");
        JsonNode status = track.path("tracking_status");
        String trackingNumber = text(track.path("tracking_number"));
        String statusText = text(status.path("status"));
        if (trackingNumber == null || statusText == null) {
            throw new InvalidInput("shippo webhook: track_updated without data.tracking_number or data.tracking_status.status");
        }
        TrackingStatus parsed;
        try {
            parsed = TrackingStatus.valueOf(statusText);
        } catch (IllegalArgumentException e) {
            throw new InvalidInput("shippo webhook: tracking_status.status \"" + bounded(statusText, 40)
                    + "\" is not one of " + List.of(TrackingStatus.values()));
        }
        Instant at = instant(status.path("status_date"));
        if (at == null) {
            at = instant(status.path("object_updated"));
        }
        if (at == null) {
            throw new InvalidInput("shippo webhook: tracking_status has neither status_date nor object_updated");
        }
        return new TrackingPush(event, new TrackingUpdate(text(track.path("transaction")), text(track.path("carrier")),
                bounded(trackingNumber, 100), parsed, at, bounded(text(status.path("status_details")), 300)));
    }

    private ObjectNode senderAddress() {
        ObjectNode from = JSON.createObjectNode();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("name", "fromName");
        fields.put("company", "fromCompany");
        fields.put("street1", "fromStreet1");
        fields.put("street2", "fromStreet2");
        fields.put("city", "fromCity");
        fields.put("state", "fromState");
        fields.put("zip", "fromZip");
        fields.put("country", "fromCountry");
        fields.put("phone", "fromPhone");
        fields.put("email", "fromEmail");
        fields.forEach((field, property) -> settings.getString(property).ifPresent(value -> from.put(field, value)));
        return from;
    }

    private static ObjectNode address(Address to) {
        ObjectNode address = JSON.createObjectNode();
        putIfGiven(address, "name", to.name());
        putIfGiven(address, "street1", to.line1());
        putIfGiven(address, "street2", to.line2());
        putIfGiven(address, "city", to.city());
        putIfGiven(address, "state", to.region());
        putIfGiven(address, "zip", to.postalCode());
        putIfGiven(address, "country", to.country());
        putIfGiven(address, "phone", to.phone());
        putIfGiven(address, "email", to.email());
        return address;
    }

    private ObjectNode parcel(Parcel given) {
        ObjectNode parcel = JSON.createObjectNode();
        if (given != null) {
            parcel.put("length", given.length().toPlainString());
            parcel.put("width", given.width().toPlainString());
            parcel.put("height", given.height().toPlainString());
            parcel.put("distance_unit", given.distanceUnit());
            parcel.put("weight", given.weight().toPlainString());
            parcel.put("mass_unit", given.massUnit());
            return parcel;
        }
        parcel.put("length", number("parcelLength"));
        parcel.put("width", number("parcelWidth"));
        parcel.put("height", number("parcelHeight"));
        parcel.put("distance_unit", settings.getString("distanceUnit").orElse("cm"));
        parcel.put("weight", number("parcelWeight"));
        parcel.put("mass_unit", settings.getString("massUnit").orElse("kg"));
        return parcel;
    }

    /** Shippo wants dimensions and weights as decimal strings. */
    private String number(String property) {
        return BigDecimal.valueOf(settings.getNumber(property).orElseThrow()).stripTrailingZeros().toPlainString();
    }

    private static void putIfGiven(ObjectNode node, String field, String value) {
        if (value != null && !value.isBlank()) {
            node.put(field, value);
        }
    }

    /**
     * Shippo's 400 body (any object: {@code {"field": ["message"]}} or {@code {"detail": "..."}})
     * as "field: message" lines, bounded; it names fields, never echoes the address sent.
     */
    static String problem(HttpAnswer answer) {
        JsonNode body = json(answer);
        List<String> parts = new ArrayList<>();
        flatten("", body, parts);
        String text = answer.status() + (parts.isEmpty() ? "" : " " + String.join("; ", parts));
        return bounded(text, 500);
    }

    private static void flatten(String path, JsonNode node, List<String> parts) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                flatten(path.isEmpty() ? field.getKey() : path + "." + field.getKey(), field.getValue(), parts);
            }
        } else if (node.isArray()) {
            List<String> texts = new ArrayList<>();
            for (JsonNode item : node) {
                if (item.isValueNode()) {
                    texts.add(item.asText());
                } else {
                    flatten(path, item, parts);
                }
            }
            if (!texts.isEmpty()) {
                parts.add(path + ": " + String.join(" ", texts));
            }
        } else if (node.isValueNode()) {
            parts.add(path.isEmpty() ? node.asText() : path + ": " + node.asText());
        }
    }

    private static String messages(JsonNode messages) {
        List<String> texts = new ArrayList<>();
        for (JsonNode message : messages) {
            String text = text(message.path("text"));
            if (text != null) {
                texts.add((message.path("source").isTextual() ? message.path("source").asText() + ": " : "") + text);
            }
        }
        return texts.isEmpty() ? "" : ": " + bounded(String.join("; ", texts), 400);
    }

    private static JsonNode json(HttpAnswer answer) {
        try {
            return answer.body().isBlank() ? JSON.missingNode() : JSON.readTree(answer.body());
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }

    private static String text(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }

    private static Instant instant(JsonNode node) {
        String text = text(node);
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            try {
                return java.time.LocalDateTime.parse(text).toInstant(ZoneOffset.UTC); // Shippo writes UTC without an offset at times
            } catch (java.time.format.DateTimeParseException again) {
                throw new InvalidInput("shippo webhook: \"" + bounded(text, 40) + "\" is not a date-time");
            }
        }
    }

    private static String bounded(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max) + "...";
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
