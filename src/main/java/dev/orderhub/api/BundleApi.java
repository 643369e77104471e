package dev.orderhub.api;

import dev.orderhub.security.RequiresRole;
import dev.orderhub.security.Role;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.inventory.Bundles;
import dev.orderhub.stocksync.StockSync;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Bundles (kits): a sku sold as one item, made of component skus. */
@RestController
@RequestMapping(path = "/api/bundles", produces = MediaType.APPLICATION_JSON_VALUE)
public class BundleApi {

    private final Bundles bundles;
    private final StockSync stockSync;
    private final JsonBodies bodies;

    public BundleApi(Bundles bundles, StockSync stockSync, JsonBodies bodies) {
        this.bundles = bundles;
        this.stockSync = stockSync;
        this.bodies = bodies;
    }

    public record Bundle(String sku, List<Bundles.Component> components) {
    }

    /** Defines or redefines a bundle: {@code {"components": [{"sku", "qty"}]}}. */
    @RequiresRole(Role.OPERATOR)
    @PutMapping(path = "/{sku}", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Bundle define(@PathVariable String sku, HttpServletRequest request) {
        Fields.sku("sku", sku);
        JsonNode list = Fields.object(bodies.read(request)).get("components");
        if (list == null || !list.isArray()) {
            throw ApiException.invalid("components: is required, an array of {\"sku\", \"qty\"}");
        }
        List<Bundles.Component> components = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            String at = "components[" + i + "]";
            if (!item.isObject()) {
                throw ApiException.invalid(at + ": must be an object");
            }
            String component;
            long qty;
            try {
                component = Fields.sku(item, "sku");
                qty = Fields.wholeNumber(item, "qty", 1, Bundles.MAX_COMPONENT_QTY);
            } catch (ApiException e) {
                throw ApiException.invalid(at + "." + e.getMessage());
            }
            components.add(new Bundles.Component(component, (int) qty));
        }
        bundles.define(sku, components);
        stockSync.recompute(sku);
        return get(sku);
    }

    @RequiresRole(Role.VIEWER)
    @GetMapping("/{sku}")
    public Bundle get(@PathVariable String sku) {
        List<Bundles.Component> components = bundles.components(sku);
        if (components.isEmpty()) {
            throw ApiException.notFound("bundle \"" + sku + "\" is not defined");
        }
        return new Bundle(sku, components);
    }
}
