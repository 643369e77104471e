package dev.orderhub.listing;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.orderhub.channel.Channel;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.channel.Connectors;
import dev.orderhub.connector.ListingsIn;
import dev.orderhub.connector.RetryLater;
import dev.orderhub.messaging.ExceptionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Reads every channel's listings through its connector's {@code listings-in}, every page, and
 * replaces what the hub knew (route listings-refresh, on one instance). Answers the hub skus
 * that became pushed listings, which the route hands to stock sync for their value at once. A
 * channel whose read fails keeps the listings it had; the next round tries again.
 */
@Component
public class ListingRefresh {

    private static final Logger LOG = LoggerFactory.getLogger(ListingRefresh.class);
    /** Pages read per channel per round at most: a runaway page token cannot hold the route. */
    static final int MAX_PAGES = 1000;

    private final ChannelRegistry channels;
    private final Connectors connectors;
    private final Listings listings;
    private final ExceptionStore exceptions;

    public ListingRefresh(ChannelRegistry channels, Connectors connectors, Listings listings, ExceptionStore exceptions) {
        this.channels = channels;
        this.connectors = connectors;
        this.listings = listings;
        this.exceptions = exceptions;
    }

    /** Refreshes every channel that reads its listings; answers the skus newly listed to push. */
    public List<String> refreshAll() {
        Set<String> added = new LinkedHashSet<>();
        for (Channel channel : channels.channels()) {
            connectors.listingsIn(channel.id()).ifPresent(in -> {
                try {
                    added.addAll(refresh(channel, in));
                } catch (RetryLater e) {
                    LOG.info("listings of {} not read this round: {}", channel.id(), e.getMessage());
                } catch (RuntimeException e) {
                    LOG.warn("listings of {} not read: {}", channel.id(), e.getMessage());
                    exceptions.park("channel:" + channel.id() + ":listings-in", "listings of channel " + channel.id()
                            + " not read; the hub keeps the ones it had: " + e.getMessage(), channel.id());
                }
            });
        }
        return List.copyOf(added);
    }

    Set<String> refresh(Channel channel, ListingsIn in) {
        List<ListingsIn.Listing> read = new ArrayList<>();
        String page = null;
        int pages = 0;
        do {
            ListingsIn.ListingsPage answer = in.read(channel.id(), page);
            read.addAll(answer.listings());
            page = answer.nextPage();
            if (++pages >= MAX_PAGES && page != null) {
                throw new IllegalStateException("more than " + MAX_PAGES + " pages of listings; the last token was " + page);
            }
        } while (page != null && !page.isBlank());
        Set<String> added = listings.replace(channel, read);
        LOG.info("listings of {}: {} read, {} newly pushed", channel.id(), read.size(), added.size());
        return added;
    }
}
