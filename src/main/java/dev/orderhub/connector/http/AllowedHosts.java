package dev.orderhub.connector.http;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * The hosts one channel account may be called on: exact names ({@code sellingpartnerapi-eu.amazon.com})
 * or suffix patterns ({@code *.amazonaws.com}, which matches {@code a.b.amazonaws.com} but neither
 * {@code amazonaws.com} nor {@code evilamazonaws.com}). Checked before anything is sent, for
 * relative paths and absolute URLs alike (pre-signed upload URLs, next-page links).
 */
public record AllowedHosts(List<String> patterns) {

    public AllowedHosts {
        if (patterns == null || patterns.isEmpty()) {
            throw new IllegalArgumentException("allowed hosts: the list is empty; name at least the base URL's host");
        }
        patterns = patterns.stream().map(AllowedHosts::normalise).toList();
        for (String pattern : patterns) {
            String name = pattern.startsWith("*.") ? pattern.substring(2) : pattern;
            if (name.isEmpty() || name.contains("*") || name.contains("/") || name.contains(":")) {
                throw new IllegalArgumentException("allowed hosts: \"" + pattern
                        + "\" is neither a host name nor a *.suffix pattern");
            }
        }
    }

    public static AllowedHosts of(String... patterns) {
        return new AllowedHosts(List.of(patterns));
    }

    /** Whether {@code host} is on the list. */
    public boolean permits(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        String name = normalise(host);
        for (String pattern : patterns) {
            if (pattern.startsWith("*.") ? name.endsWith(pattern.substring(1)) : name.equals(pattern)) {
                return true;
            }
        }
        return false;
    }

    /** Refuses {@code uri} unless its host is on the list. */
    void check(URI uri, String account) {
        if (!permits(uri.getHost())) {
            throw new HostNotAllowedException(account, uri.getHost(), this);
        }
    }

    private static String normalise(String host) {
        String name = host.trim().toLowerCase(Locale.ROOT);
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
