package dev.orderhub.order;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HubOrderIdsTest {

    @Test
    void sameChannelOrderAlwaysGetsTheSameId() {
        assertThat(HubOrderIds.of("webshop", "1001")).isEqualTo(HubOrderIds.of("webshop", "1001"));
        assertThat(HubOrderIds.of("webshop", "1001")).matches("oh-[0-9a-f]{24}");
    }

    @Test
    void channelAndOrderIdCannotBeShiftedIntoEachOther() {
        assertThat(HubOrderIds.of("webshop", "1001")).isNotEqualTo(HubOrderIds.of("b2b", "1001"));
        assertThat(HubOrderIds.of("ab", "c")).isNotEqualTo(HubOrderIds.of("a", "bc"));
    }
}
