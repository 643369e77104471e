package dev.orderhub.connectors.shipbob;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.connector.FulfilmentService;
import dev.orderhub.connector.InvalidInput;
import dev.orderhub.connector.http.HttpAnswer;
import dev.orderhub.connector.http.HttpCall;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * ShipBob as the fulfilment target {@value #TARGET}. An order is recorded (with its lines) before
 * it is posted as a ShipBob order whose {@code reference_id} is the hub order id; a send that
 * finds it recorded without ShipBob's id (the answer was lost, or the hub stopped) asks ShipBob
 * for that reference first and posts only when ShipBob has none, so no retry makes a second
 * order. Followed from what webhooks and polls recorded ({@link ShipBobShipments}); cancelled
 * with {@code POST /order/{id}:cancel}, ShipBob's refusal answered as the reason.
 */
@Component
public class ShipBobFulfilment implements FulfilmentService {

    static final String TARGET = "shipbob";
    static final String API = "/2026-01";
    private static final Logger LOG = LoggerFactory.getLogger(ShipBobFulfilment.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ShipBobAccounts accounts;
    private final ShipBobRecords records;
    private final ShipBobShipments shipments;
    private final TransactionTemplate transaction;
    private final Clock clock;

    public ShipBobFulfilment(ShipBobAccounts accounts, ShipBobRecords records, ShipBobShipments shipments,
                             PlatformTransactionManager transactions, Clock clock) {
        this.accounts = accounts;
        this.records = records;
        this.shipments = shipments;
        this.transaction = new TransactionTemplate(transactions);
        this.clock = clock;
    }

    @Override
    public String connector() {
        return ShipBobAccounts.CONNECTOR;
    }

    @Override
    public boolean serves(String channel) {
        return accounts.serves(channel);
    }

    @Override
    public String target() {
        return TARGET;
    }

    @Override
    public String location() {
        return accounts.account().map(ShipBobAccounts.Account::location).orElse(null);
    }

    // ---- orders out ----------------------------------------------------------------------------

    @Override
    public String send(Request request) {
        ShipBobAccounts.Account account = accounts.require();
        List<String> wrong = ShipBobOrderBody.problems(request);
        if (!wrong.isEmpty()) {
            return "the order cannot be sent to ShipBob: " + String.join("; ", wrong);
        }
        boolean fresh = Boolean.TRUE.equals(transaction.execute(status -> records.sending(account.channel(), request)));
        ShipBobRecords.SentOrder recorded = records.order(request.hubOrderId()).orElseThrow();
        if (recorded.shipbobOrderId() != null) {
            LOG.info("order {} is ShipBob order {} already: not sent again", request.hubOrderId(), recorded.shipbobOrderId());
            return null;
        }
        if (!fresh || request.retry()) {
            Optional<JsonNode> there = findByReference(account, request.hubOrderId());
            if (there.isPresent()) {
                taken(account, request.hubOrderId(), there.get());
                LOG.info("order {} was created at ShipBob by an earlier attempt (ShipBob order {}): not sent again",
                        request.hubOrderId(), there.get().path("id").asLong());
                return null;
            }
        }
        HttpAnswer answer = account.api().send(account.policies().get("create-order"), HttpCall.post(API + "/order")
                .header("shipbob_channel_id", String.valueOf(account.channelId()))
                .json(ShipBobOrderBody.of(request, account.shippingMethod()).toString()));
        if (answer.status() == 201 || answer.status() == 200) {
            taken(account, request.hubOrderId(), answer.json());
            LOG.info("order {} sent to ShipBob (ShipBob order {}, {} lines)", request.hubOrderId(),
                    answer.json().path("id").asLong(), request.items().size());
            return null;
        }
        if (answer.status() == 422 || answer.status() == 400) {
            String problem = problem(answer);
            if (problem.toLowerCase(java.util.Locale.ROOT).replaceAll("[ _]", "").contains("referenceid")) {
                // ShipBob has an order of this reference already (an attempt whose answer was lost): take it.
                Optional<JsonNode> there = findByReference(account, request.hubOrderId());
                if (there.isPresent()) {
                    taken(account, request.hubOrderId(), there.get());
                    return null;
                }
            }
            transaction.executeWithoutResult(status -> records.forget(request.hubOrderId()));
            return "ShipBob refused the order (" + answer.status() + "): " + problem;
        }
        if (answer.status() == 401 || answer.status() == 403) {
            throw new dev.orderhub.connector.ChannelUnusable(ShipBobAccounts.CONNECTOR + "/" + account.channel() + ": ShipBob answered "
                    + answer.status() + " to creating an order: check the personal access token and its orders_write scope");
        }
        throw new IllegalStateException("ShipBob answered " + answer.status() + " to creating order " + request.hubOrderId());
    }

    private void taken(ShipBobAccounts.Account account, String hubOrderId, JsonNode order) {
        if (!order.path("id").canConvertToLong()) {
            throw new IllegalStateException("ShipBob's answer for order " + hubOrderId + " has no order id");
        }
        transaction.executeWithoutResult(status -> {
            records.lockOrder(hubOrderId);
            records.sent(hubOrderId, order.path("id").asLong(), ShipBobShipments.text(order.path("status"), 40));
            shipments.order(account.channel(), hubOrderId, order, false);
        });
    }

    /** ShipBob's order of this reference_id (the hub order id), if it has one. */
    Optional<JsonNode> findByReference(ShipBobAccounts.Account account, String hubOrderId) {
        HttpAnswer answer = account.api().send(account.policies().get("find-orders"), HttpCall.get(API + "/order")
                .query("ReferenceIds", hubOrderId).header("shipbob_channel_id", String.valueOf(account.channelId())));
        if (!answer.ok()) {
            throw new IllegalStateException("ShipBob answered " + answer.status() + " to looking order " + hubOrderId
                    + " up by its reference");
        }
        for (JsonNode order : answer.json()) {
            if (hubOrderId.equals(order.path("reference_id").asText())) {
                return Optional.of(order);
            }
        }
        return Optional.empty();
    }

    // ---- following -----------------------------------------------------------------------------

    @Override
    public Progress follow(String hubOrderId) {
        ShipBobRecords.SentOrder order = records.order(hubOrderId)
                .orElseThrow(() -> new IllegalStateException("order " + hubOrderId + " was never sent to ShipBob"));
        int units = records.lines(hubOrderId).stream().mapToInt(ShipBobRecords.OrderLine::qty).sum();
        Map<Long, List<Line>> byShipment = new LinkedHashMap<>();
        records.parcelLines(hubOrderId).forEach(line -> byShipment.computeIfAbsent(line.shipmentId(), id -> new ArrayList<>())
                .add(new Line(line.lineId(), line.qty())));
        List<Parcel> parcels = new ArrayList<>();
        int shipped = 0;
        boolean allCancelled = true;
        List<ShipBobRecords.Shipment> all = records.shipments(hubOrderId);
        for (ShipBobRecords.Shipment shipment : all) {
            allCancelled &= "Cancelled".equals(shipment.status());
            List<Line> lines = byShipment.get(shipment.shipmentId());
            if (lines == null || shipment.trackingNumber() == null) {
                continue;
            }
            parcels.add(new Parcel(shipment.carrier() == null ? "ShipBob" : shipment.carrier(), shipment.service(),
                    shipment.trackingNumber(), shipment.shippedAt(), lines, shipment.deliveredAt()));
            shipped += lines.stream().mapToInt(Line::qty).sum();
        }
        String detail = shipped + " of " + units + " units shipped by ShipBob" + (order.remoteStatus() == null ? ""
                : "; ShipBob order " + order.shipbobOrderId() + " is " + order.remoteStatus()
                + (order.remoteDetail() == null ? "" : " (" + order.remoteDetail() + ")"));
        if (shipped >= units && units > 0) {
            return new Progress(State.SHIPPED, parcels, detail);
        }
        if (ShipBobRecords.CANCELLED.equals(order.status()) || "Cancelled".equals(order.remoteStatus())
                || !all.isEmpty() && allCancelled) {
            return new Progress(State.CANCELLED, parcels, detail);
        }
        return new Progress(State.OPEN, parcels, detail);
    }

    // ---- cancels -------------------------------------------------------------------------------

    @Override
    public String cancel(String hubOrderId) {
        ShipBobAccounts.Account account = accounts.require();
        ShipBobRecords.SentOrder recorded = records.order(hubOrderId).orElse(null);
        if (recorded == null) {
            return null; // never sent: ShipBob has nothing to cancel
        }
        if (ShipBobRecords.CANCELLED.equals(recorded.status())) {
            return null;
        }
        Long shipbobId = recorded.shipbobOrderId();
        if (shipbobId == null) {
            Optional<JsonNode> there = findByReference(account, hubOrderId);
            if (there.isEmpty()) {
                transaction.executeWithoutResult(status -> records.forget(hubOrderId));
                return null; // the post never reached ShipBob: nothing to cancel
            }
            taken(account, hubOrderId, there.get());
            shipbobId = there.get().path("id").asLong();
        }
        List<ShipBobRecords.ParcelLine> parcels = records.parcelLines(hubOrderId);
        if (!parcels.isEmpty()) {
            return "ShipBob already shipped " + parcels.stream().mapToInt(ShipBobRecords.ParcelLine::qty).sum()
                    + " units of it (tracking " + String.join(", ", records.shipments(hubOrderId).stream()
                    .filter(s -> s.trackingNumber() != null).map(ShipBobRecords.Shipment::trackingNumber).toList()) + ")";
        }
        HttpAnswer answer = account.api().send(account.policies().get("cancel-order"),
                HttpCall.post(API + "/order/{orderId}:cancel", shipbobId));
        if (answer.ok()) {
            String result = answer.json().path("status").asText();
            if ("Success".equals(result)) {
                transaction.executeWithoutResult(status -> {
                    records.lockOrder(hubOrderId);
                    records.status(hubOrderId, ShipBobRecords.CANCELLED);
                    records.remote(hubOrderId, "Cancelled", null);
                });
                LOG.info("ShipBob order {} of {} cancelled", shipbobId, hubOrderId);
                return null;
            }
            List<String> reasons = new ArrayList<>();
            for (JsonNode shipment : answer.json().path("canceled_shipment_results")) {
                if (!shipment.path("is_success").asBoolean()) {
                    reasons.add("shipment " + shipment.path("shipment_id").asText() + ": "
                            + Optional.ofNullable(ShipBobShipments.text(shipment.path("reason"), 200)).orElse("no reason given"));
                }
            }
            return "ShipBob answered " + (result.isEmpty() ? "no status" : result) + " to the cancel"
                    + (reasons.isEmpty() ? "" : " (" + String.join("; ", reasons) + ")");
        }
        if (answer.refused()) {
            return "ShipBob refused the cancel (" + answer.status() + ")" + (answer.body().isBlank() ? "" : ": " + problem(answer));
        }
        throw new IllegalStateException("ShipBob answered " + answer.status() + " to cancelling order " + hubOrderId);
    }

    // ---- webhooks ------------------------------------------------------------------------------

    @Override
    public boolean takesWebhooks() {
        return accounts.account().isPresent();
    }

    @Override
    public Pushed pushed(Function<String, String> headers, byte[] body) {
        ShipBobAccounts.Account account = accounts.require();
        String delivery = WebhookSignature.verify(account.webhookKey(), headers, body, clock.instant());
        String topic = headers.apply("x-webhook-topic");
        if (topic == null || topic.isBlank() || topic.length() > 60 || !topic.matches("[a-z_.]+")) {
            throw new InvalidInput("shipbob webhook: header x-webhook-topic must name the topic (e.g. order.shipped)");
        }
        if (!topic.equals("order.shipped") && !topic.startsWith("order.shipment.")) {
            return new Pushed(delivery, topic, false, List.of()); // returns, billing: nothing the hub takes
        }
        JsonNode event;
        try {
            event = JSON.readTree(body);
        } catch (IOException e) {
            throw new InvalidInput("shipbob webhook " + delivery + ": the body is not JSON");
        }
        if (event == null || !event.isObject()) {
            throw new InvalidInput("shipbob webhook " + delivery + ": the body is not a JSON object");
        }
        boolean isOrder = topic.equals("order.shipped");
        String reference = ShipBobShipments.text(event.path("reference_id"), 300);
        if (reference == null) {
            throw new InvalidInput("shipbob webhook " + delivery + ": " + (isOrder ? "the order" : "the shipment")
                    + " has no reference_id");
        }
        if (!isOrder && !event.path("id").canConvertToLong()) {
            throw new InvalidInput("shipbob webhook " + delivery + ": the shipment has no id");
        }
        Pushed pushed = transaction.execute(status -> {
            ShipBobRecords.SentOrder order = records.lockOrder(reference).orElse(null);
            if (order == null) {
                return new Pushed(delivery, topic, false, List.of()); // an order the hub did not send: not ours
            }
            if (!records.delivery(delivery, topic, reference)) {
                return new Pushed(delivery, topic, true, List.of(reference));
            }
            if (isOrder) {
                if (order.shipbobOrderId() == null && event.path("id").canConvertToLong()) {
                    records.sent(reference, event.path("id").asLong(), ShipBobShipments.text(event.path("status"), 40));
                }
                shipments.order(account.channel(), reference, event, true);
            } else {
                shipments.shipment(account.channel(), reference, event, false, topic.equals("order.shipment.delivered"));
            }
            return new Pushed(delivery, topic, false, List.of(reference));
        });
        LOG.info("ShipBob webhook {} ({}) {} for {}", delivery, topic, pushed.repeat() ? "seen before" : "taken",
                pushed.hubOrderIds().isEmpty() ? "no order of the hub" : pushed.hubOrderIds().get(0));
        return pushed;
    }

    /**
     * ShipBob's 400/422 body (a map of field to messages) as "field: message" parts, bounded. It
     * names fields; ShipBob's messages do not repeat the address sent.
     */
    static String problem(HttpAnswer answer) {
        JsonNode body = answer.json();
        List<String> parts = new ArrayList<>();
        if (body.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = body.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                List<String> messages = new ArrayList<>();
                if (field.getValue().isArray()) {
                    field.getValue().forEach(m -> messages.add(m.asText()));
                } else if (field.getValue().isValueNode()) {
                    messages.add(field.getValue().asText());
                }
                parts.add((field.getKey().isEmpty() ? "" : field.getKey() + ": ") + String.join(" ", messages));
            }
        } else if (body.isArray()) {
            body.forEach(m -> parts.add(m.asText()));
        }
        String text = parts.isEmpty() ? "no details" : String.join("; ", parts);
        return text.length() <= 500 ? text : text.substring(0, 500) + "...";
    }
}
