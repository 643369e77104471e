package dev.orderhub.security;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a caller may do. {@code viewer} reads; {@code operator} also acts on orders, stock and
 * exceptions; {@code integration} posts orders and stock counts (optionally for named channels
 * only); {@code admin} may do everything, keys included.
 */
public enum Role {
    VIEWER, OPERATOR, INTEGRATION, ADMIN;

    /** The roles this one includes (itself among them). */
    public Set<Role> includes() {
        return switch (this) {
            case VIEWER -> EnumSet.of(VIEWER);
            case OPERATOR -> EnumSet.of(OPERATOR, VIEWER);
            case INTEGRATION -> EnumSet.of(INTEGRATION);
            case ADMIN -> EnumSet.allOf(Role.class);
        };
    }

    /** The name as keys, tokens and the API spell it: lower case. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> of(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (Role role : values()) {
            if (role.name().equalsIgnoreCase(name.trim())) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
