package dev.orderhub.web;

import java.util.List;

import dev.orderhub.api.ApiException;
import dev.orderhub.api.Cursors;
import dev.orderhub.api.JsonBodies;
import dev.orderhub.api.StockApi;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.channel.Location;
import dev.orderhub.inventory.LockConflicts;
import dev.orderhub.inventory.StockImports;
import dev.orderhub.inventory.StockLedger;
import dev.orderhub.input.InputRules;
import dev.orderhub.security.Callers;
import dev.orderhub.security.RequiresRole;
import dev.orderhub.security.Role;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;

/** The console's stock pages: skus, one sku's locations, reservations, channels and history; counts, adjustments, imports. */
@Controller
@RequiresRole(Role.VIEWER)
public class ConsoleStock {

    private static final long MAX_ON_HAND = 1_000_000_000L;

    private final StockApi api;
    private final StockLedger ledger;
    private final StockImports imports;
    private final ChannelRegistry registry;
    private final JsonBodies bodies;

    public ConsoleStock(StockApi api, StockLedger ledger, StockImports imports, ChannelRegistry registry, JsonBodies bodies) {
        this.api = api;
        this.ledger = ledger;
        this.imports = imports;
        this.registry = registry;
        this.bodies = bodies;
    }

    @GetMapping("/console/stock")
    public String list(@RequestParam(required = false) String prefix, @RequestParam(required = false) String cursor,
                       @RequestHeader(name = "HX-Request", required = false) String htmx, Model model) {
        StockApi.SkuList skus = api.list(prefix, 50, cursor);
        model.addAttribute("skus", skus.items());
        model.addAttribute("next", skus.next());
        model.addAttribute("prefix", prefix);
        model.addAttribute("page", "stock");
        return htmx != null ? "console/stock :: results" : "console/stock";
    }

    @GetMapping("/console/stock/sku/{sku}")
    public String sku(@PathVariable String sku, Model model) {
        return sku(sku, model, null);
    }

    private String sku(String sku, Model model, String flash) {
        if (InputRules.skuProblem(sku) != null || ledger.knownSkus(List.of(sku)).isEmpty()) {
            model.addAttribute("status", 404);
            model.addAttribute("detail", "sku " + sku + " is not known to the hub (no stock was ever set for it)");
            return "console/error";
        }
        model.addAttribute("stock", api.stock(sku));
        model.addAttribute("reservations", ledger.reservationsOfSku(sku, 200));
        model.addAttribute("history", ledger.latestHistory(sku, 50));
        model.addAttribute("locations", registry.locations().stream().map(Location::id).toList());
        model.addAttribute("flash", flash);
        model.addAttribute("page", "stock");
        return "console/sku";
    }

    @RequiresRole(Role.OPERATOR)
    @PostMapping("/console/stock/sku/{sku}/count")
    public String count(@PathVariable String sku, HttpServletRequest request, Model model) {
        Form form = Form.read(request, bodies);
        String location = location(form);
        long onHand = form.whole("onHand", 0, MAX_ON_HAND);
        String reason = form.text("reason", false, 200);
        skuChecked(sku);
        LockConflicts.retry(() -> ledger.setOnHand(sku, location, onHand, reason == null ? "count (console)" : reason, actor()));
        return sku(sku, model, "Counted " + onHand + " on hand at " + location);
    }

    @RequiresRole(Role.OPERATOR)
    @PostMapping("/console/stock/sku/{sku}/adjust")
    public String adjust(@PathVariable String sku, HttpServletRequest request, Model model) {
        Form form = Form.read(request, bodies);
        String location = location(form);
        long delta = form.whole("delta", -MAX_ON_HAND, MAX_ON_HAND);
        if (delta == 0) {
            throw ApiException.invalid("delta: must not be 0");
        }
        String reason = form.text("reason", true, 200);
        skuChecked(sku);
        LockConflicts.retry(() -> ledger.adjust(sku, location, delta, reason, actor()));
        return sku(sku, model, "Adjusted by " + delta + " at " + location + " (" + reason + ")");
    }

    @GetMapping("/console/stock/imports")
    public String importPage(Model model) {
        model.addAttribute("page", "stock");
        return "console/import";
    }

    /** The console's upload: the same import as {@code POST /api/stock/imports} (limits, queue), the file as the body. */
    @RequiresRole(Role.OPERATOR)
    @PostMapping(path = "/console/stock/imports", consumes = "text/csv")
    public ResponseEntity<StockApi.ImportStarted> upload(HttpServletRequest request) {
        return api.startImport(request, actor());
    }

    /** The import's progress bar: polls itself every half second until the import is done, then lists the rejected rows. */
    @GetMapping("/console/stock/imports/{importId}")
    public String progress(@PathVariable String importId, Model model) {
        StockImports.Progress progress = imports.progress(importId)
                .orElseThrow(() -> ApiException.notFound("import \"" + importId + "\" does not exist"));
        model.addAttribute("progress", progress);
        model.addAttribute("done", "DONE".equals(progress.status()) || "FAILED".equals(progress.status()));
        model.addAttribute("percent", progress.rowsTotal() == 0 ? ("DONE".equals(progress.status()) ? 100 : 0)
                : (int) Math.floor(100.0 * progress.rowsDone() / progress.rowsTotal()));
        return "console/import-progress :: progress";
    }

    private String location(Form form) {
        String location = form.text("location", true, 64);
        if (registry.locations().stream().noneMatch(l -> l.id().equals(location))) {
            throw ApiException.invalid("location: \"" + location + "\" is not a configured location");
        }
        return location;
    }

    private static void skuChecked(String sku) {
        String problem = InputRules.skuProblem(sku);
        if (problem != null) {
            throw ApiException.invalid("sku: " + problem);
        }
    }

    private static String actor() {
        return Callers.current().map(c -> "console:" + c.name()).orElse("console");
    }
}
