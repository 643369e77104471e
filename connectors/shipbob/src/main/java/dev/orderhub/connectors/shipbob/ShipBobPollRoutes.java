package dev.orderhub.connectors.shipbob;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.apache.camel.spi.RouteTemplateParameterSource;
import org.springframework.stereotype.Component;

/**
 * Routes shipbob-shipments and shipbob-stock, made by Camel at start-up from the template in
 * shipbob.camel.yaml for the configured account (no account: no route); their leases are
 * {@code shipbob-shipments-<account>} and {@code shipbob-stock-<account>}.
 */
@Component
public class ShipBobPollRoutes implements RouteTemplateParameterSource {

    static final String TEMPLATE = "shipbob-poll";
    static final String SHIPMENTS = "shipbob-shipments";
    static final String STOCK = "shipbob-stock";

    private final ShipBobAccounts accounts;

    public ShipBobPollRoutes(ShipBobAccounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public Set<String> routeIds() {
        return accounts.account().isPresent() ? Set.of(SHIPMENTS, STOCK) : Set.of();
    }

    @Override
    public Map<String, Object> parameters(String routeId) {
        ShipBobAccounts.Account account = accounts.require();
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put(TEMPLATE_ID, TEMPLATE);
        parameters.put("lease", routeId + "-" + account.channel());
        boolean shipments = SHIPMENTS.equals(routeId);
        parameters.put("period", String.valueOf((shipments ? account.pollInterval() : account.stockInterval()).toMillis()));
        parameters.put("method", shipments ? "shipments" : "stock");
        return parameters;
    }
}
