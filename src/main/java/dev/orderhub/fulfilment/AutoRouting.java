package dev.orderhub.fulfilment;

import java.util.List;

import dev.orderhub.channel.Channel;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.messaging.ClusterLeases;
import dev.orderhub.messaging.ExceptionStore;
import org.springframework.stereotype.Component;

/**
 * Route fulfilment-auto-route: sends the reserved orders of channels configured with a
 * {@code fulfilmentTarget} to that target, on one instance per cluster.
 */
@Component("fulfilmentAutoRouting")
public class AutoRouting {

    private final ChannelRegistry channels;
    private final Fulfilments fulfilments;
    private final ExceptionStore exceptions;
    private final ClusterLeases leases;
    private final List<String> targetIds;

    public AutoRouting(ChannelRegistry channels, Fulfilments fulfilments, ExceptionStore exceptions, ClusterLeases leases,
                       List<FulfilmentTarget> targets) {
        this.targetIds = targets.stream().map(FulfilmentTarget::id).toList();
        channels.channels().forEach(channel -> {
            if (channel.fulfilmentTarget() != null && !targetIds.contains(channel.fulfilmentTarget())) {
                throw new IllegalStateException("channels.yaml: channel " + channel.id() + " fulfilmentTarget "
                        + channel.fulfilmentTarget() + " is not a fulfilment target here (known: " + targetIds + ")");
            }
        });
        this.channels = channels;
        this.fulfilments = fulfilments;
        this.exceptions = exceptions;
        this.leases = leases;
    }

    public int routeReserved() {
        List<String> routedChannels = channels.channels().stream().filter(c -> c.fulfilmentTarget() != null)
                .map(Channel::id).toList();
        if (routedChannels.isEmpty() || !leases.holds("fulfilment-auto-route")) {
            return 0;
        }
        return fulfilments.autoRoute(routedChannels, channel -> channels.channel(channel).orElseThrow().fulfilmentTarget(),
                reason -> exceptions.park("fulfilment:auto-route", "automatic routing refused, order " + reason, reason));
    }
}
