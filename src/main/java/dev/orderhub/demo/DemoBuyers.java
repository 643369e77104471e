package dev.orderhub.demo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.orderhub.inventory.StockLedger;
import dev.orderhub.inventory.StockLevel;
import dev.orderhub.order.FulfilmentMode;
import dev.orderhub.order.Order;
import dev.orderhub.order.OrderService;
import dev.orderhub.order.OrderStatus;
import dev.orderhub.order.Shipments;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The demo's buyers and warehouse, once the hub is up: stocks the demo catalogue at location
 * main, then now and then has a buyer order on one of the sandboxes (in turn, only what that
 * channel shows as available: the buyer sees what the hub pushed), ships reserved orders of the
 * demo channels a few seconds later (tracking goes back to each order's own channel), and
 * restocks a sku that runs low. Only with {@code orderhub.demo.enabled=true}.
 */
@Component
@ConditionalOnProperty(name = DemoEnvironment.ENABLED, havingValue = "true")
public class DemoBuyers implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(DemoBuyers.class);
    static final String LOCATION = "main";
    static final String ACTOR = "demo";

    private final DemoSandboxes sandboxes;
    private final StockLedger ledger;
    private final OrderService orders;
    private final Shipments shipments;
    private final Clock clock;
    private final long orderEveryMs;
    private final long shipAfterMs;
    private final int stock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "orderhub-demo");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger turn = new AtomicInteger();
    private final AtomicInteger placed = new AtomicInteger();
    private final AtomicInteger shipped = new AtomicInteger();

    public DemoBuyers(DemoSandboxes sandboxes, StockLedger ledger, OrderService orders, Shipments shipments, Clock clock,
                      @Value("${orderhub.demo.order-every-ms:2500}") long orderEveryMs,
                      @Value("${orderhub.demo.ship-after-ms:5000}") long shipAfterMs,
                      @Value("${orderhub.demo.stock:15}") int stock) {
        this.sandboxes = sandboxes;
        this.ledger = ledger;
        this.orders = orders;
        this.shipments = shipments;
        this.clock = clock;
        this.orderEveryMs = orderEveryMs;
        this.shipAfterMs = shipAfterMs;
        this.stock = stock;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void start() {
        for (String sku : sandboxes.skus()) {
            if (ledger.level(sku, LOCATION).isEmpty()) {
                ledger.setOnHand(sku, LOCATION, stock, "demo: opening stock", ACTOR);
            }
        }
        LOG.info("demo: {} sandbox channels ({}), catalogue {} with {} units each at {}; a buyer orders every {} ms",
                sandboxes.running().size(), sandboxes.running().stream().map(DemoSandboxes.Running::channel).toList(),
                sandboxes.skus(), stock, LOCATION, orderEveryMs);
        timer.scheduleWithFixedDelay(this::safely, orderEveryMs, orderEveryMs, TimeUnit.MILLISECONDS);
    }

    /** Placed and shipped so far (for the demo's test and its log). */
    public int placed() {
        return placed.get();
    }

    public int shipped() {
        return shipped.get();
    }

    private void safely() {
        try {
            buy();
            ship();
            restock();
        } catch (RuntimeException e) {
            LOG.warn("demo: a round failed ({}); the next one comes in {} ms", e.getMessage(), orderEveryMs);
        }
    }

    /** One buyer on the next sandbox in turn, for a sku that channel shows as available. */
    void buy() {
        List<DemoSandboxes.Running> running = sandboxes.running();
        if (running.isEmpty()) {
            return;
        }
        DemoSandboxes.Running next = running.get(Math.floorMod(turn.getAndIncrement(), running.size()));
        Map<String, Long> shown = next.sandbox().shown();
        List<String> buyable = sandboxes.skus().stream().filter(sku -> shown.getOrDefault(sku, 0L) > 0).toList();
        if (buyable.isEmpty()) {
            LOG.debug("demo: {} shows nothing available yet, no order there this round", next.channel());
            return;
        }
        String sku = buyable.get(ThreadLocalRandom.current().nextInt(buyable.size()));
        int qty = (int) Math.min(shown.get(sku), 1 + ThreadLocalRandom.current().nextInt(2));
        String id = next.sandbox().placeOrder(sku, qty);
        placed.incrementAndGet();
        LOG.info("demo: a buyer ordered {} x {} on {} (its order {}; it showed {})", qty, sku, next.channel(), id, shown.get(sku));
    }

    /** The warehouse ships reserved orders of the demo channels a few seconds after they were placed. */
    void ship() {
        Instant due = clock.instant().minus(Duration.ofMillis(shipAfterMs));
        for (DemoSandboxes.Running running : sandboxes.running()) {
            for (Order order : orders.list(running.channel(), OrderStatus.RESERVED, null, 0, 20).items()) {
                if (order.fulfilmentMode() != FulfilmentMode.MERCHANT || order.receivedAt() == null
                        || order.receivedAt().isAfter(due)) {
                    continue;
                }
                String tracking = "DEMO" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 41), 36).toUpperCase();
                shipments.record(order.hubOrderId(), new Shipments.Request("DHL", "Parcel", tracking, clock.instant(), null));
                shipped.incrementAndGet();
                LOG.info("demo: shipped {} ({} order {}) with DHL {}", order.hubOrderId(), running.channel(),
                        order.channelOrderId(), tracking);
            }
        }
    }

    /** A sku with fewer than 4 on the shelf gets a delivery of the opening stock. */
    void restock() {
        for (String sku : sandboxes.skus()) {
            long onHand = ledger.level(sku, LOCATION).map(StockLevel::onHand).orElse(0L);
            if (onHand < 4) {
                ledger.adjust(sku, LOCATION, stock, "demo: delivery from the supplier", ACTOR);
                LOG.info("demo: {} restocked with {} units at {}", sku, stock, LOCATION);
            }
        }
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }
}
