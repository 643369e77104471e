package dev.orderhub.inventory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.orderhub.channel.Channel;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.channel.Connectors;
import dev.orderhub.channel.Location;
import dev.orderhub.channel.LocationKind;
import dev.orderhub.connector.ChannelStockIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Channel-owned stock in (route channel-stock-refresh): for every channel whose connector reports
 * what the channel holds for the seller (FBA, FBB), that is set as the on-hand of the channel's
 * own location, by hub sku. Such a location must be CHANNEL_OWNED and owned by that channel
 * (checked at start), so its stock never counts toward a merchant-fulfilled listing.
 */
@Component("channelStockRefresh")
public class ChannelStockRefresh {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelStockRefresh.class);

    private final ChannelRegistry channels;
    private final Connectors connectors;
    private final StockLedger ledger;

    public ChannelStockRefresh(ChannelRegistry channels, Connectors connectors, StockLedger ledger) {
        for (ChannelStockIn source : connectors.all(ChannelStockIn.class)) {
            for (Channel channel : channels.channels()) {
                String location = source.serves(channel.id()) ? source.location(channel.id()) : null;
                if (location == null) {
                    continue;
                }
                Location known = channels.location(location).orElseThrow(() -> new IllegalStateException(
                        "connector " + source.connector() + ", channel " + channel.id() + ": no location " + location
                                + " in channels.yaml"));
                if (known.kind() != LocationKind.CHANNEL_OWNED || !channel.id().equals(known.owner())) {
                    throw new IllegalStateException("connector " + source.connector() + ", channel " + channel.id() + ": "
                            + location + " must be a CHANNEL_OWNED location owned by " + channel.id());
                }
            }
        }
        this.channels = channels;
        this.connectors = connectors;
        this.ledger = ledger;
    }

    /** The channels whose own stock is read. */
    public List<String> refreshedChannels() {
        return channels.channels().stream().map(Channel::id).filter(id -> connectors.channelStockIn(id).isPresent()).toList();
    }

    /** Refreshes every such channel; one channel's failure does not stop the others. */
    public void refreshAll() {
        for (String channel : refreshedChannels()) {
            try {
                refresh(channel);
            } catch (RuntimeException e) {
                LOG.warn("channel stock of {}: {}; tried again next round", channel, e.getMessage());
            }
        }
    }

    /** Reads the channel's stock and sets what changed. Returns the hub skus whose on-hand changed. */
    public Map<String, Long> refresh(String channel) {
        ChannelStockIn source = connectors.channelStockIn(channel).orElseThrow();
        Channel target = channels.channel(channel).orElseThrow();
        String location = source.location(channel);
        Map<String, Long> held = new LinkedHashMap<>();
        source.read(channel).forEach(stock -> held.merge(target.hubSku(stock.listingSku()), stock.fulfillable(), Long::sum));
        Map<String, Long> changed = new LinkedHashMap<>();
        held.forEach((sku, quantity) -> {
            long current = ledger.levels(sku).stream().filter(l -> l.location().equals(location))
                    .mapToLong(StockLevel::onHand).findFirst().orElse(-1);
            if (current != quantity) {
                try {
                    ledger.setOnHand(sku, location, quantity, source.connector() + " channel stock", source.connector());
                    changed.put(sku, quantity);
                } catch (StockInputException e) {
                    LOG.warn("channel stock of {}: {} not set: {}", channel, sku, e.getMessage());
                }
            }
        });
        LOG.info("channel stock of {}: {} skus read, {} changed", channel, held.size(), changed.size());
        return changed;
    }
}
