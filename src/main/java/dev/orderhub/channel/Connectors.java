package dev.orderhub.channel;

import java.util.List;
import java.util.Optional;

import dev.orderhub.connector.CancelOut;
import dev.orderhub.connector.CarrierLabels;
import dev.orderhub.connector.ChannelStockIn;
import dev.orderhub.connector.ConnectorCapability;
import dev.orderhub.connector.FulfilmentService;
import dev.orderhub.connector.ListingsIn;
import dev.orderhub.connector.OrdersIn;
import dev.orderhub.connector.ShipmentConfirmation;
import dev.orderhub.connector.StockOut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The capabilities the installed connectors implement, found as beans (a connector's folder
 * brings them; deleting it removes them), looked up by the channel they serve. The core's flows
 * ask here which connector, if any, does what for a channel; they never name one.
 */
@Component
public class Connectors {

    private final ObjectProvider<ConnectorCapability> provider;
    /** The capability beans, resolved once at first use: they are singletons, and every push and poll asks. */
    private volatile List<ConnectorCapability> capabilities;

    public Connectors(ObjectProvider<ConnectorCapability> provider) {
        this.provider = provider;
    }

    private List<ConnectorCapability> capabilities() {
        List<ConnectorCapability> resolved = capabilities;
        if (resolved == null) {
            resolved = provider.orderedStream().toList();
            capabilities = resolved;
        }
        return resolved;
    }

    public Optional<OrdersIn> ordersIn(String channel) {
        return find(OrdersIn.class, channel);
    }

    public Optional<StockOut> stockOut(String channel) {
        return find(StockOut.class, channel);
    }

    public Optional<ShipmentConfirmation> shipmentConfirmation(String channel) {
        return find(ShipmentConfirmation.class, channel);
    }

    public Optional<CancelOut> cancelOut(String channel) {
        return find(CancelOut.class, channel);
    }

    public Optional<ChannelStockIn> channelStockIn(String channel) {
        return find(ChannelStockIn.class, channel);
    }

    public Optional<ListingsIn> listingsIn(String channel) {
        return find(ListingsIn.class, channel);
    }

    /** Every implementation of a capability, whichever channels it serves. */
    public <T extends ConnectorCapability> List<T> all(Class<T> capability) {
        return capabilities().stream().filter(capability::isInstance).map(capability::cast).toList();
    }

    /** The fulfilment targets orders can be routed to (configured ones only). */
    public List<FulfilmentService> fulfilmentTargets() {
        return all(FulfilmentService.class).stream().filter(FulfilmentService::enabled).toList();
    }

    public Optional<FulfilmentService> fulfilmentTarget(String target) {
        return fulfilmentTargets().stream().filter(t -> t.target().equals(target)).findFirst();
    }

    /** The carrier connectors whose account is configured (capability carrier-labels). */
    public List<CarrierLabels> carriers() {
        return all(CarrierLabels.class).stream().filter(CarrierLabels::enabled).toList();
    }

    /** The carrier connector of that name, configured or not. */
    public Optional<CarrierLabels> carrier(String connector) {
        return all(CarrierLabels.class).stream().filter(c -> c.connector().equals(connector)).findFirst();
    }

    /** The connector serving a channel in any way, e.g. to name an exception's source; none for native channels. */
    public Optional<String> connectorOf(String channel) {
        return capabilities().stream().filter(c -> !(c instanceof FulfilmentService) && c.serves(channel))
                .map(ConnectorCapability::connector).findFirst();
    }

    private <T extends ConnectorCapability> Optional<T> find(Class<T> capability, String channel) {
        return all(capability).stream().filter(c -> c.serves(channel)).findFirst();
    }
}
