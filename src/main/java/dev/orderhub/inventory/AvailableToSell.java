package dev.orderhub.inventory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.orderhub.channel.Channel;
import dev.orderhub.channel.ChannelProperties.Buffer;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Available-to-sell of a sku on a channel: what is available at the locations serving the
 * channel, less the safety buffer (units or percent, the larger; per-sku override), capped at
 * the channel's maximum, never below zero. A bundle is available as often as its scarcest
 * component allows (components' ATS on that channel divided by their qty per bundle).
 */
@Service
public class AvailableToSell {

    private final StockLedger ledger;
    private final Bundles bundles;

    public AvailableToSell(StockLedger ledger, Bundles bundles) {
        this.ledger = ledger;
        this.bundles = bundles;
    }

    /** The ATS of a sku on each of these channels, from one read of its stock (and its components'). */
    @Transactional(readOnly = true)
    public Map<String, Long> onChannels(List<Channel> channels, String sku) {
        Map<String, Long> byChannel = new LinkedHashMap<>();
        List<Bundles.Component> components = bundles.components(sku);
        if (components.isEmpty()) {
            List<StockLevel> levels = ledger.levels(sku);
            channels.forEach(channel -> byChannel.put(channel.id(), single(channel, sku, levels)));
            return byChannel;
        }
        Map<String, List<StockLevel>> componentLevels = new LinkedHashMap<>();
        components.forEach(c -> componentLevels.put(c.sku(), ledger.levels(c.sku())));
        for (Channel channel : channels) {
            long fits = Long.MAX_VALUE;
            for (Bundles.Component component : components) {
                fits = Math.min(fits, single(channel, component.sku(), componentLevels.get(component.sku())) / component.qty());
            }
            Buffer own = channel.skuBuffers().get(sku);
            byChannel.put(channel.id(), cap(channel, own == null ? fits : fits - held(own, fits)));
        }
        return byChannel;
    }

    private static long single(Channel channel, String sku, List<StockLevel> levels) {
        long available = levels.stream()
                .filter(level -> channel.locations().contains(level.location()))
                .mapToLong(StockLevel::available).sum();
        return cap(channel, available - held(channel.bufferFor(sku), available));
    }

    static long held(Buffer buffer, long available) {
        long percent = buffer.percent() == null || available <= 0 ? 0 : (available * buffer.percent() + 99) / 100;
        return Math.max(buffer.units() == null ? 0 : buffer.units(), percent);
    }

    private static long cap(Channel channel, long value) {
        long capped = channel.maxAvailable() == null ? value : Math.min(value, channel.maxAvailable());
        return Math.max(0, capped);
    }
}
