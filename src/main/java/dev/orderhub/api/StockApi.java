package dev.orderhub.api;

import dev.orderhub.security.RequiresRole;
import dev.orderhub.security.Role;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.inventory.LockConflicts;
import dev.orderhub.inventory.StockImports;
import dev.orderhub.inventory.StockLedger;
import dev.orderhub.inventory.StockLevel;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.stocksync.StockSync;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Stock: read per sku (locations and channels), counts, deltas, bulk imports and history. */
@RestController
@RequestMapping(path = "/api/stock", produces = MediaType.APPLICATION_JSON_VALUE)
public class StockApi {

    private static final long MAX_ON_HAND = 1_000_000_000L;

    private final StockLedger ledger;
    private final StockSync stockSync;
    private final StockImports imports;
    private final ChannelRegistry registry;
    private final JsonBodies bodies;
    private final long maxImportBytes;
    private final Duration importReadTimeout;

    public StockApi(StockLedger ledger, StockSync stockSync, StockImports imports, ChannelRegistry registry,
                    JsonBodies bodies, @Value("${orderhub.api.max-import-bytes:104857600}") long maxImportBytes,
                    @Value("${orderhub.api.import-read-timeout:10m}") Duration importReadTimeout) {
        this.ledger = ledger;
        this.stockSync = stockSync;
        this.imports = imports;
        this.registry = registry;
        this.bodies = bodies;
        this.maxImportBytes = maxImportBytes;
        this.importReadTimeout = importReadTimeout;
    }

    public record LocationStock(String location, long onHand, long reserved, long available) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ChannelStock(String channel, long availableToSell, Long lastPushed, java.time.Instant lastPushedAt,
                               boolean pushPending) {
    }

    public record SkuStock(String sku, long onHand, long reserved, long available, List<LocationStock> locations,
                           List<ChannelStock> channels) {
    }

    public record SkuSummary(String sku, long onHand, long reserved, long available) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record SkuList(List<SkuSummary> items, String next) {
    }

    /** Skus the hub stocks, in sku order, optionally those starting with {@code prefix}. */
    @RequiresRole({Role.VIEWER, Role.INTEGRATION})
    @GetMapping
    public SkuList list(@RequestParam(required = false) String prefix, @RequestParam(required = false) Integer limit,
                        @RequestParam(required = false) String cursor) {
        if (prefix != null && !prefix.isEmpty()) {
            String problem = dev.orderhub.input.InputRules.textProblem(prefix, 100);
            if (problem != null) {
                throw ApiException.invalid("prefix: " + problem);
            }
        }
        int size = Cursors.limit(limit);
        List<String> skus = ledger.skus(prefix, Cursors.decodeText(Cursors.List.SKUS, cursor), size + 1);
        boolean more = skus.size() > size;
        List<String> page = more ? skus.subList(0, size) : skus;
        List<SkuSummary> items = page.stream().map(sku -> {
            List<StockLevel> levels = ledger.levels(sku);
            long onHand = levels.stream().mapToLong(StockLevel::onHand).sum();
            long reserved = levels.stream().mapToLong(StockLevel::reserved).sum();
            return new SkuSummary(sku, onHand, reserved, onHand - reserved);
        }).toList();
        return new SkuList(items, more ? Cursors.encodeText(Cursors.List.SKUS, page.get(page.size() - 1)) : null);
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ReservationList(List<dev.orderhub.inventory.Reservation> items, String next) {
    }

    /** The reservations held on a sku, oldest first, a page at a time. */
    @RequiresRole(Role.VIEWER)
    @GetMapping("/{sku}/reservations")
    public ReservationList reservations(@PathVariable String sku, @RequestParam(required = false) Integer limit,
                                        @RequestParam(required = false) String cursor) {
        Fields.sku("sku", sku);
        int size = Cursors.limit(limit);
        StockLedger.ReservationPage page = ledger.reservationsOfSku(sku, reservationKey(cursor), size + 1);
        boolean more = page.items().size() > size;
        if (!more) {
            return new ReservationList(page.items(), null);
        }
        return new ReservationList(page.items().subList(0, size), reservationCursor(page.keys().get(size - 1)));
    }

    /** A reservations cursor: reserved-at in microseconds, order, location and line of the last one shown. */
    private static String reservationCursor(StockLedger.ReservationKey key) {
        long micros = key.reservedAt().getEpochSecond() * 1_000_000L + key.reservedAt().getNano() / 1_000;
        return Cursors.encodeText(Cursors.List.RESERVATIONS, micros + "\n" + key.hubOrderId() + "\n" + key.location() + "\n"
                + key.lineId());
    }

    private static StockLedger.ReservationKey reservationKey(String cursor) {
        String position = Cursors.decodeText(Cursors.List.RESERVATIONS, cursor, 400);
        if (position == null) {
            return null;
        }
        String[] parts = position.split("\n", 4);
        try {
            if (parts.length == 4 && parts[0].matches("-?[0-9]{1,19}")) {
                long micros = Long.parseLong(parts[0]);
                return new StockLedger.ReservationKey(java.time.Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                        Math.floorMod(micros, 1_000_000L) * 1_000L), parts[1], parts[2], parts[3]);
            }
        } catch (NumberFormatException | java.time.DateTimeException e) {
            // falls through to the error below
        }
        throw Cursors.notACursor();
    }

    @RequiresRole({Role.VIEWER, Role.INTEGRATION})
    @GetMapping("/{sku}")
    public SkuStock stock(@PathVariable String sku) {
        List<StockLevel> levels = ledger.levels(sku);
        if (levels.isEmpty() && ledger.knownSkus(List.of(sku)).isEmpty()) {
            throw ApiException.notFound("sku \"" + sku + "\" is not known to the hub (no stock was ever set for it)");
        }
        long onHand = levels.stream().mapToLong(StockLevel::onHand).sum();
        long reserved = levels.stream().mapToLong(StockLevel::reserved).sum();
        List<ChannelStock> channels = stockSync.view(sku).stream()
                .map(v -> new ChannelStock(v.channel(), v.availableToSell(), v.lastPushed(), v.lastPushedAt(), v.pushPending()))
                .toList();
        return new SkuStock(sku, onHand, reserved, onHand - reserved,
                levels.stream().map(l -> new LocationStock(l.location(), l.onHand(), l.reserved(), l.available())).toList(),
                channels);
    }

    /** Absolute count (cycle count, ERP feed). */
    @RequiresRole({Role.OPERATOR, Role.INTEGRATION})
    @PutMapping(path = "/{sku}/locations/{location}", consumes = MediaType.APPLICATION_JSON_VALUE)
    public SkuStock count(@PathVariable String sku, @PathVariable String location, HttpServletRequest request,
                          @RequestHeader(name = "X-Actor", required = false) String actor) {
        Fields.sku("sku", sku);
        checkLocation(location);
        JsonNode body = Fields.object(bodies.read(request));
        long onHand = Fields.wholeNumber(body, "onHand", 0, MAX_ON_HAND);
        String reason = Fields.text(body, "reason", false, 200);
        LockConflicts.retry(() -> ledger.setOnHand(sku, location, onHand, reason, actor(actor)));
        return stock(sku);
    }

    /** A delta with a reason (receipt, damage, correction, ...). */
    @RequiresRole(Role.OPERATOR)
    @PostMapping(path = "/adjustments", consumes = MediaType.APPLICATION_JSON_VALUE)
    public SkuStock adjust(HttpServletRequest request, @RequestHeader(name = "X-Actor", required = false) String actor) {
        JsonNode body = Fields.object(bodies.read(request));
        String sku = Fields.sku(body, "sku");
        String location = Fields.text(body, "location", true, 64);
        checkLocation(location);
        long delta = Fields.wholeNumber(body, "delta", -MAX_ON_HAND, MAX_ON_HAND);
        if (delta == 0) {
            throw ApiException.invalid("delta: must not be 0");
        }
        String reason = Fields.text(body, "reason", true, 200);
        LockConflicts.retry(() -> ledger.adjust(sku, location, delta, reason, actor(actor)));
        return stock(sku);
    }

    /**
     * A whole stock file, {@code sku,location,onHand} per line: 202 with the import's id; progress at its location.
     * The body is streamed to a file (never held in memory), within {@code orderhub.api.max-import-bytes}
     * (413 beyond) and {@code orderhub.api.import-read-timeout}; 429 when too many imports wait already.
     */
    @RequiresRole({Role.OPERATOR, Role.INTEGRATION})
    @PostMapping(path = "/imports", consumes = "text/csv")
    public ResponseEntity<ImportStarted> startImport(HttpServletRequest request,
                                                     @RequestHeader(name = "X-Actor", required = false) String actor) {
        String who = actor(actor);
        if (request.getContentLengthLong() > maxImportBytes) {
            throw importTooLarge(request.getContentLengthLong());
        }
        BodyReadLimits.deadline(request, importReadTimeout);
        String id;
        try (InputStream body = new LimitedBody(request.getInputStream())) {
            id = imports.receive(body, who);
        } catch (StockImports.QueueFullException e) {
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "too_many_imports", e.getMessage());
        } catch (IOException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "unreadable_body", "body: could not be read");
        }
        return ResponseEntity.accepted().location(URI.create("/api/stock/imports/" + id)).body(new ImportStarted(id));
    }

    private ApiException importTooLarge(long length) {
        return new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, "body_too_large", "body: at most " + maxImportBytes
                + " bytes" + (length > 0 ? ", was " + length : "") + " (orderhub.api.max-import-bytes)");
    }

    /** The upload, cut off with 413 as soon as it passes the limit. */
    private final class LimitedBody extends FilterInputStream {

        private long read;

        LimitedBody(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b != -1) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            int n = super.read(bytes, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > maxImportBytes) {
                throw importTooLarge(-1);
            }
        }
    }

    public record ImportStarted(String importId) {
    }

    @RequiresRole({Role.VIEWER, Role.INTEGRATION})
    @GetMapping("/imports/{importId}")
    public StockImports.Progress importProgress(@PathVariable String importId) {
        return imports.progress(importId).orElseThrow(() -> ApiException.notFound("import " + importId + " does not exist"));
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record History(String sku, List<StockLedger.Movement> items, String next) {
    }

    /** Every change to a sku's stock: what, how much, why, by whom, when. */
    @RequiresRole(Role.VIEWER)
    @GetMapping("/{sku}/history")
    public History history(@PathVariable String sku, @RequestParam(required = false) Integer limit,
                           @RequestParam(required = false) String cursor) {
        int size = Cursors.limit(limit);
        List<StockLedger.Movement> items = ledger.history(sku, Cursors.decode(Cursors.List.STOCK_HISTORY, cursor), size + 1);
        if (items.isEmpty() && ledger.levels(sku).isEmpty()) {
            throw ApiException.notFound("sku \"" + sku + "\" has no stock history");
        }
        boolean more = items.size() > size;
        List<StockLedger.Movement> page = more ? items.subList(0, size) : items;
        return new History(sku, page, more ? Cursors.encode(Cursors.List.STOCK_HISTORY, page.get(page.size() - 1).id()) : null);
    }

    private void checkLocation(String location) {
        registry.location(location).orElseThrow(() -> ApiException.notFound("location \"" + location + "\" is not configured"));
    }

    /** Who made the change, as the caller says in X-Actor (an ERP, a person); "api" when unsaid. */
    private static String actor(String header) {
        if (header == null || header.isBlank()) {
            return "api";
        }
        Fields.text(EdgeChecks.ACTOR, header, 100);
        return header;
    }
}
