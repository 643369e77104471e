package dev.orderhub.connector.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AllowedHostsTest {

    private final AllowedHosts hosts = AllowedHosts.of("sellingpartnerapi-eu.amazon.com", "*.amazonaws.com");

    @Test
    void exactNamesMatchWhateverTheirCase() {
        assertThat(hosts.permits("SellingPartnerAPI-eu.amazon.com")).isTrue();
        assertThat(hosts.permits("sellingpartnerapi-eu.amazon.com.")).isTrue();
        assertThat(hosts.permits("sellingpartnerapi-na.amazon.com")).isFalse();
    }

    @Test
    void aSuffixPatternMatchesSubdomainsOnly() {
        assertThat(hosts.permits("tortuga-prod-eu.s3-eu-west-1.amazonaws.com")).isTrue();
        assertThat(hosts.permits("amazonaws.com")).isFalse();
        assertThat(hosts.permits("evilamazonaws.com")).isFalse();
        assertThat(hosts.permits("amazonaws.com.evil.example")).isFalse();
        assertThat(hosts.permits(null)).isFalse();
    }

    @Test
    void aPatternThatIsNoHostIsRefusedWhenConfigured() {
        assertThatThrownBy(() -> AllowedHosts.of("https://api.example.com")).hasMessageContaining("https://api.example.com");
        assertThatThrownBy(() -> AllowedHosts.of("api.*.com")).hasMessageContaining("api.*.com");
        assertThatThrownBy(() -> AllowedHosts.of()).hasMessageContaining("empty");
    }
}
