package dev.orderhub.carrier;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.channel.Connectors;
import dev.orderhub.connector.CarrierLabels;
import dev.orderhub.connector.RetryLater;
import dev.orderhub.order.Address;
import dev.orderhub.order.FulfilmentMode;
import dev.orderhub.order.InvalidShipmentException;
import dev.orderhub.order.Order;
import dev.orderhub.order.OrderNotFoundException;
import dev.orderhub.order.OrderService;
import dev.orderhub.order.OrderStatus;
import dev.orderhub.order.Shipments;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Shipping labels for parcels the merchant ships: bought through a carrier connector
 * ({@link CarrierLabels}), kept (the PDF, bounded) and recorded as the order's shipment through
 * {@link Shipments#record}, so the channel is told the tracking number as for any parcel.
 *
 * <p>The carrier is asked outside any database transaction. A label row is written PENDING
 * first and its id is the request id the connector buys under; a later request for the same
 * order and carrier while one is PENDING (the carrier did not answer, the hub crashed) reuses it,
 * so the connector finds the label it already bought instead of buying a second one.
 */
@Service
public class Labels {

    private static final Logger LOG = LoggerFactory.getLogger(Labels.class);
    private static final Set<OrderStatus> LABELLABLE = Set.of(OrderStatus.RESERVED, OrderStatus.PARTIALLY_SHIPPED);
    /** The most of a label PDF the hub keeps; a larger one is kept as its URL only. */
    public static final int MAX_PDF_BYTES = 4 * 1024 * 1024;
    /**
     * How long a request asking the carrier keeps others for the same order away (longer than
     * the connector's longest call); after it, an attempt the hub crashed in is taken over.
     */
    static final Duration IN_FLIGHT = Duration.ofMinutes(3);

    /** What the operator asked for: carrier connector (null: the only one configured), service level, parcel, lines. */
    public record Request(String connector, String serviceLevel, CarrierLabels.Parcel parcel, List<Shipments.Line> lines) {
    }

    /** A label as the API shows it (never the PDF itself: that is downloaded). */
    public record Label(String labelId, String hubOrderId, String connector, String status, String carrier, String service,
                        String trackingNumber, String transactionId, boolean pdf, String shipmentId, String lastError,
                        Instant createdAt, Instant boughtAt) {
    }

    /** The label bought and the order's status after its shipment was recorded; created false: it existed already. */
    public record Bought(Label label, OrderStatus orderStatus, boolean created) {
    }

    /** The carrier refused (4xx, its reason) or cannot buy the label as asked. */
    public static class LabelRefusedException extends RuntimeException {
        public LabelRefusedException(String message) {
            super(message);
        }
    }

    /** Another request is asking the carrier for this order's label right now. */
    public static class LabelInProgressException extends RuntimeException {
        public LabelInProgressException(String message) {
            super(message);
        }
    }

    /** The carrier did not answer or is busy: the label may exist; asking again finds it. */
    public static class CarrierUnavailableException extends RuntimeException {
        private final Duration after;

        public CarrierUnavailableException(String message, Duration after) {
            super(message);
            this.after = after;
        }

        public Duration after() {
            return after;
        }
    }

    private final Connectors connectors;
    private final OrderService orders;
    private final Shipments shipments;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final ObjectMapper json;
    private final Clock clock;

    Labels(Connectors connectors, OrderService orders, Shipments shipments, JdbcClient jdbc,
           PlatformTransactionManager transactions, ObjectMapper json, Clock clock) {
        this.connectors = connectors;
        this.orders = orders;
        this.shipments = shipments;
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactions);
        this.json = json;
        this.clock = clock;
    }

    public Bought buy(String hubOrderId, Request request) {
        CarrierLabels carrier = carrier(request.connector());
        Order order = orders.find(hubOrderId).orElseThrow(() -> new OrderNotFoundException(hubOrderId));
        if (order.fulfilmentMode() == FulfilmentMode.CHANNEL) {
            throw new InvalidShipmentException("order " + hubOrderId + " is fulfilled by its channel: the channel ships it");
        }
        if (!LABELLABLE.contains(order.status())) {
            throw new InvalidShipmentException("order " + hubOrderId + " is " + order.status()
                    + ": a label is bought for an order RESERVED or PARTIALLY_SHIPPED");
        }
        Address to = order.shipTo();
        if (to == null || to.line1() == null || to.country() == null) {
            throw new InvalidShipmentException("order " + hubOrderId + " has no ship-to address (or it was erased): no label can be bought");
        }
        String labelId = tx.execute(status -> pendingLabel(hubOrderId, carrier.connector(), request));
        CarrierLabels.Label label;
        try {
            label = carrier.createLabel(new CarrierLabels.LabelRequest(labelId, hubOrderId, order.channelOrderId(),
                    new CarrierLabels.Address(to.name(), to.line1(), to.line2(), to.city(), to.region(), to.postalCode(),
                            to.country(), null, null),
                    request.parcel(), request.serviceLevel()));
        } catch (CarrierLabels.Refused refused) {
            update("UPDATE carrier_labels SET status = 'REFUSED', last_error = :error, attempt_at = NULL WHERE label_id = :id", labelId,
                    refused.getMessage());
            throw new LabelRefusedException("order " + hubOrderId + ": " + carrier.connector() + " refused the label: "
                    + refused.getMessage());
        } catch (RetryLater later) {
            update("UPDATE carrier_labels SET last_error = :error, attempt_at = NULL WHERE label_id = :id", labelId, later.getMessage());
            throw new CarrierUnavailableException("order " + hubOrderId + ": " + carrier.connector() + " did not answer the label "
                    + labelId + " (" + later.getMessage() + "); ask again: the label is bought once", later.after());
        } catch (RuntimeException e) {
            update("UPDATE carrier_labels SET last_error = :error, attempt_at = NULL WHERE label_id = :id", labelId,
                    e.getClass().getSimpleName());
            throw e;
        }
        if (label.trackingNumber() == null || label.carrier() == null) {
            update("UPDATE carrier_labels SET status = 'REFUSED', last_error = :error, attempt_at = NULL WHERE label_id = :id", labelId,
                    "the carrier answered a label without carrier or tracking number");
            throw new LabelRefusedException("order " + hubOrderId + ": " + carrier.connector()
                    + " answered a label without carrier or tracking number (transaction " + label.transactionId() + ")");
        }
        byte[] pdf = label.pdf() != null && label.pdf().length <= MAX_PDF_BYTES ? label.pdf() : null;
        Instant now = clock.instant();
        tx.executeWithoutResult(status -> jdbc.sql("UPDATE carrier_labels SET status = 'BOUGHT', carrier = :carrier, service = :service, "
                        + "tracking_number = :tracking, transaction_id = :transaction, label_url = :url, pdf = :pdf, bought_at = :now, "
                        + "last_error = NULL, attempt_at = NULL WHERE label_id = :id")
                .param("carrier", bounded(label.carrier(), 100)).param("service", bounded(label.service(), 100))
                .param("tracking", bounded(label.trackingNumber(), 100)).param("transaction", bounded(label.transactionId(), 100))
                .param("url", bounded(label.labelUrl(), 2000)).param("pdf", pdf).param("now", utc(now)).param("id", labelId)
                .update());
        LOG.info("label {} bought from {} for order {}: {} {} (transaction {})", labelId, carrier.connector(), hubOrderId,
                label.carrier(), label.service(), label.transactionId());
        Shipments.Recorded recorded;
        try {
            recorded = shipments.record(hubOrderId, new Shipments.Request(bounded(label.carrier(), 100),
                    bounded(label.service(), 100), bounded(label.trackingNumber(), 100), now, request.lines()));
        } catch (RuntimeException e) {
            update("UPDATE carrier_labels SET last_error = :error WHERE label_id = :id", labelId,
                    "the label was bought but its shipment was not recorded: " + e.getMessage());
            throw e;
        }
        tx.executeWithoutResult(status -> jdbc.sql("UPDATE carrier_labels SET shipment_id = :shipment WHERE label_id = :id")
                .param("shipment", recorded.shipment().shipmentId()).param("id", labelId).update());
        return new Bought(find(hubOrderId, labelId).orElseThrow(), recorded.orderStatus(), true);
    }

    /** The order's labels, oldest first. */
    public List<Label> of(String hubOrderId) {
        if (orders.find(hubOrderId).isEmpty()) {
            throw new OrderNotFoundException(hubOrderId);
        }
        return jdbc.sql(SELECT + " WHERE hub_order_id = :order ORDER BY created_at, label_id").param("order", hubOrderId)
                .query(Labels::label).list();
    }

    public Optional<Label> find(String hubOrderId, String labelId) {
        return jdbc.sql(SELECT + " WHERE hub_order_id = :order AND label_id = :id").param("order", hubOrderId)
                .param("id", labelId).query(Labels::label).optional();
    }

    /** The label's PDF, when the hub holds it. */
    public Optional<byte[]> pdf(String hubOrderId, String labelId) {
        return jdbc.sql("SELECT pdf FROM carrier_labels WHERE hub_order_id = :order AND label_id = :id AND pdf IS NOT NULL")
                .param("order", hubOrderId).param("id", labelId).query((rs, n) -> rs.getBytes(1)).optional();
    }

    private static final String SELECT = "SELECT label_id, hub_order_id, connector, status, carrier, service, tracking_number, "
            + "transaction_id, pdf IS NOT NULL AS has_pdf, shipment_id, last_error, created_at, bought_at FROM carrier_labels";

    private static Label label(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        OffsetDateTime bought = rs.getObject("bought_at", OffsetDateTime.class);
        return new Label(rs.getString("label_id"), rs.getString("hub_order_id"), rs.getString("connector"), rs.getString("status"),
                rs.getString("carrier"), rs.getString("service"), rs.getString("tracking_number"), rs.getString("transaction_id"),
                rs.getBoolean("has_pdf"), rs.getString("shipment_id"), rs.getString("last_error"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(), bought == null ? null : bought.toInstant());
    }

    private CarrierLabels carrier(String connector) {
        if (connector != null) {
            CarrierLabels carrier = connectors.carrier(connector).orElseThrow(() -> new LabelRefusedException("carrier: \""
                    + connector + "\" is not an installed carrier connector (installed: " + String.join(", ",
                    connectors.all(CarrierLabels.class).stream().map(CarrierLabels::connector).toList()) + ")"));
            if (!carrier.enabled()) {
                throw new LabelRefusedException("carrier: \"" + connector + "\" is installed but its account is not configured "
                        + "(orderhub.carriers." + connector + ".properties)");
            }
            return carrier;
        }
        List<CarrierLabels> configured = connectors.carriers();
        if (configured.size() != 1) {
            throw new LabelRefusedException("carrier: " + (configured.isEmpty() ? "no carrier account is configured"
                    : "name one of " + String.join(", ", configured.stream().map(CarrierLabels::connector).toList())));
        }
        return configured.get(0);
    }

    /** The order's PENDING label of this carrier (an earlier attempt that got no answer), else a new one. */
    private String pendingLabel(String hubOrderId, String connector, Request request) {
        orders.lockForUpdate(hubOrderId);
        Optional<String> pending = jdbc.sql("SELECT label_id FROM carrier_labels WHERE hub_order_id = :order AND connector = :connector "
                        + "AND status = 'PENDING' ORDER BY created_at LIMIT 1")
                .param("order", hubOrderId).param("connector", connector).query(String.class).optional();
        if (pending.isPresent()) {
            Instant startedAt = jdbc.sql("SELECT attempt_at FROM carrier_labels WHERE label_id = :id").param("id", pending.get())
                    .query((rs, n) -> rs.getObject(1, OffsetDateTime.class)).optional().map(OffsetDateTime::toInstant).orElse(null);
            if (startedAt != null && startedAt.isAfter(clock.instant().minus(IN_FLIGHT))) {
                throw new LabelInProgressException("order " + hubOrderId + ": label " + pending.get() + " is being bought from "
                        + connector + " since " + startedAt + "; ask again when that request has answered");
            }
            jdbc.sql("UPDATE carrier_labels SET attempt_at = :now WHERE label_id = :id").param("now", utc(clock.instant()))
                    .param("id", pending.get()).update();
            return pending.get();
        }
        byte[] random = new byte[12];
        ThreadLocalRandom.current().nextBytes(random);
        String labelId = "lbl-" + HexFormat.of().formatHex(random);
        String asked;
        try {
            asked = json.writeValueAsString(request);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        jdbc.sql("INSERT INTO carrier_labels (label_id, hub_order_id, connector, status, request, created_at, attempt_at) "
                        + "VALUES (:id, :order, :connector, 'PENDING', :request, :now, :now)")
                .param("id", labelId).param("order", hubOrderId).param("connector", connector)
                .param("request", bounded(asked, 2000)).param("now", utc(clock.instant())).update();
        return labelId;
    }

    private void update(String sql, String labelId, String error) {
        tx.executeWithoutResult(status -> jdbc.sql(sql).param("error", bounded(error, 2000)).param("id", labelId).update());
    }

    static String bounded(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
