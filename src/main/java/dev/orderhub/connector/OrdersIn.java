package dev.orderhub.connector;

import java.util.List;

/**
 * Capability {@code orders-in} by polling: one page of the channel's orders changed since the
 * cursor. The core calls it page by page until {@link OrdersPage#nextPage()} is null, hands
 * every order to the intake, and only then stores {@link OrdersPage#cursor()}, so a crash
 * before the end reads the same orders again (imported once).
 */
public interface OrdersIn extends ConnectorCapability {

    /**
     * @param cursor the cursor the last complete poll returned, null on the first poll
     * @param page   the page token of the previous page of this poll, null for the first page
     */
    OrdersPage read(String channel, String cursor, String page);

    /**
     * One page: its orders, the token of the next page (null: this was the last) and the cursor
     * to store once every page has been taken (the newest change seen so far).
     */
    record OrdersPage(List<ChannelOrder> orders, String nextPage, String cursor) {

        public OrdersPage {
            orders = List.copyOf(orders);
        }
    }
}
