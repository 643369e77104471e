package dev.orderhub.inventory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Bundles (kits): a bundle sku is sold as one item and made of component skus. It is never
 * stocked itself: it is available as often as its scarcest component allows, and an order
 * for it reserves its components.
 */
@Service
public class Bundles {

    public static final int MAX_COMPONENTS = 50;
    public static final int MAX_COMPONENT_QTY = 1000;

    private final JdbcClient jdbc;

    public Bundles(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One component of a bundle: qty units of sku per bundle. */
    public record Component(String sku, int qty) {
    }

    /** Defines (or redefines) a bundle. Components must be plain skus; the bundle sku must not hold stock. */
    @Transactional
    public void define(String bundleSku, List<Component> components) {
        if (components.isEmpty() || components.size() > MAX_COMPONENTS) {
            throw new StockInputException("bundle " + bundleSku + ": needs 1 to " + MAX_COMPONENTS + " components, has "
                    + components.size());
        }
        Set<String> seen = new HashSet<>();
        for (Component component : components) {
            if (component.sku().equals(bundleSku)) {
                throw new StockInputException("bundle " + bundleSku + ": cannot contain itself");
            }
            if (!seen.add(component.sku())) {
                throw new StockInputException("bundle " + bundleSku + ": component " + component.sku() + " appears twice");
            }
            if (component.qty() < 1 || component.qty() > MAX_COMPONENT_QTY) {
                throw new StockInputException("bundle " + bundleSku + ": component " + component.sku() + " qty must be 1 to "
                        + MAX_COMPONENT_QTY + ", was " + component.qty());
            }
        }
        Set<String> nested = bundleSkus(seen);
        if (!nested.isEmpty()) {
            throw new StockInputException("bundle " + bundleSku + ": components " + nested + " are bundles themselves");
        }
        if (!bundlesContaining(bundleSku).isEmpty()) {
            throw new StockInputException("bundle " + bundleSku + ": is a component of another bundle");
        }
        if (jdbc.sql("SELECT COUNT(*) FROM stock WHERE sku = :sku").param("sku", bundleSku).query(Long.class).single() > 0) {
            throw new StockInputException("bundle " + bundleSku + ": holds stock itself; a bundle's stock is its components'");
        }
        jdbc.sql("DELETE FROM bundle_components WHERE bundle_sku = :sku").param("sku", bundleSku).update();
        for (Component component : components) {
            jdbc.sql("INSERT INTO bundle_components (bundle_sku, component_sku, qty) VALUES (:bundle, :component, :qty)")
                    .param("bundle", bundleSku).param("component", component.sku()).param("qty", component.qty())
                    .update();
        }
    }

    @Transactional(readOnly = true)
    public List<Component> components(String bundleSku) {
        return componentsOf(List.of(bundleSku)).getOrDefault(bundleSku, List.of());
    }

    /** Components per bundle, for those of these skus that are bundles. */
    @Transactional(readOnly = true)
    public Map<String, List<Component>> componentsOf(Collection<String> skus) {
        Map<String, List<Component>> byBundle = new LinkedHashMap<>();
        if (skus.isEmpty()) {
            return byBundle;
        }
        jdbc.sql("SELECT bundle_sku, component_sku, qty FROM bundle_components WHERE bundle_sku IN (:skus) "
                        + "ORDER BY bundle_sku, component_sku")
                .param("skus", List.copyOf(new LinkedHashSet<>(skus)))
                .query((java.sql.ResultSet rs) -> {
                    byBundle.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(new Component(rs.getString(2), rs.getInt(3)));
                });
        return byBundle;
    }

    @Transactional(readOnly = true)
    public Set<String> bundleSkus(Collection<String> skus) {
        return componentsOf(skus).keySet();
    }

    @Transactional(readOnly = true)
    public List<String> bundlesContaining(String componentSku) {
        return jdbc.sql("SELECT bundle_sku FROM bundle_components WHERE component_sku = :sku ORDER BY bundle_sku")
                .param("sku", componentSku).query(String.class).list();
    }

    @Transactional(readOnly = true)
    public List<String> allBundles() {
        return jdbc.sql("SELECT DISTINCT bundle_sku FROM bundle_components ORDER BY bundle_sku").query(String.class).list();
    }
}
