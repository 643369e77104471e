package dev.orderhub.fulfilment;

import java.util.List;
import java.util.Map;

import dev.orderhub.channel.Channel;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.channel.Connectors;
import dev.orderhub.connector.FulfilmentService;
import dev.orderhub.messaging.ExceptionStore;
import dev.orderhub.order.IllegalTransitionException;
import org.springframework.stereotype.Component;

/**
 * Route fulfilment-auto-route: sends the reserved orders of channels configured with a
 * {@code fulfilmentTarget} (channels.yaml) to that target, on one instance per cluster (the
 * route's {@code master:fulfilment-auto-route:} lease). One
 * that cannot go (not enough stock there) stays where it is, is marked so it is not tried
 * again by itself, and becomes an exception.
 */
@Component("fulfilmentAutoRouting")
public class AutoRouting {

    private final ChannelRegistry channels;
    private final Fulfilments fulfilments;
    private final ExceptionStore exceptions;
    private final List<String> targetIds;

    public AutoRouting(ChannelRegistry channels, Fulfilments fulfilments, ExceptionStore exceptions,
                       Connectors connectors) {
        this.targetIds = connectors.fulfilmentTargets().stream().map(FulfilmentService::target).toList();
        channels.channels().forEach(channel -> {
            if (channel.fulfilmentTarget() != null && !targetIds.contains(channel.fulfilmentTarget())) {
                throw new IllegalStateException("channels.yaml: channel " + channel.id() + " fulfilmentTarget "
                        + channel.fulfilmentTarget() + " is not a fulfilment target here (known: " + targetIds + ")");
            }
        });
        this.channels = channels;
        this.fulfilments = fulfilments;
        this.exceptions = exceptions;
    }

    public int routeReserved() {
        List<String> routedChannels = channels.channels().stream().filter(c -> c.fulfilmentTarget() != null)
                .map(Channel::id).toList();
        if (routedChannels.isEmpty()) {
            return 0;
        }
        int routed = 0;
        for (Map.Entry<String, String> order : fulfilments.unrouted(routedChannels, 200)) {
            String target = channels.channel(order.getValue()).orElseThrow().fulfilmentTarget();
            try {
                fulfilments.route(order.getKey(), target); // a transaction of its own per order
                routed++;
            } catch (Fulfilments.FulfilmentRefusedException | IllegalTransitionException e) {
                // Stays where it is, not tried again by itself; routing it through the API tries again.
                fulfilments.markRefused(order.getKey(), target);
                exceptions.park("fulfilment:auto-route", "automatic routing refused, order " + order.getKey() + ": "
                        + e.getMessage(), order.getKey() + ": " + e.getMessage());
            }
        }
        return routed;
    }
}
