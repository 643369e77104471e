package dev.orderhub.security;

import java.util.EnumSet;
import java.util.Set;

/**
 * Who is calling: an API key, a JWT from the company's identity provider, or a person on this
 * machine using the zero-setup default. {@code channels} empty means every channel.
 */
public record Caller(String name, Kind kind, Set<Role> roles, Set<String> channels) {

    public enum Kind {
        /** An API key of the hub (Authorization: Bearer ohk_...). */
        KEY,
        /** A JWT of the configured identity provider. */
        TOKEN,
        /** An anonymous request from this machine on the zero-setup default. */
        LOCAL
    }

    public Caller {
        roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
        channels = Set.copyOf(channels);
    }

    /** Whether any of its roles includes one of these. */
    public boolean mayAct(Role... needed) {
        for (Role held : roles) {
            for (Role role : needed) {
                if (held.includes().contains(role)) {
                    return true;
                }
            }
        }
        return false;
    }

    public boolean mayUseChannel(String channel) {
        return channels.isEmpty() || channels.contains(channel);
    }

    /** Presented a key or token (not merely anonymous on this machine). */
    public boolean identified() {
        return kind != Kind.LOCAL;
    }
}
