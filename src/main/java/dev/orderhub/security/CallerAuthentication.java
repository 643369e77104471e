package dev.orderhub.security;

import java.util.ArrayList;
import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A {@link Caller} as Spring Security holds it. Authorities: {@code ROLE_<role>} for every role
 * its roles include, and {@code ROLE_IDENTIFIED} for a caller that presented a key or token
 * (health details and metrics need one; a person on the zero-setup default is not enough).
 */
public class CallerAuthentication extends AbstractAuthenticationToken {

    public static final String IDENTIFIED = "IDENTIFIED";

    private final Caller caller;

    public CallerAuthentication(Caller caller) {
        super(authorities(caller));
        this.caller = caller;
        setAuthenticated(true);
    }

    private static List<GrantedAuthority> authorities(Caller caller) {
        List<GrantedAuthority> authorities = new ArrayList<>();
        caller.roles().stream().flatMap(role -> role.includes().stream()).distinct()
                .forEach(role -> authorities.add(new SimpleGrantedAuthority("ROLE_" + role.name())));
        if (caller.identified()) {
            authorities.add(new SimpleGrantedAuthority("ROLE_" + IDENTIFIED));
        }
        return authorities;
    }

    public Caller caller() {
        return caller;
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public Object getPrincipal() {
        return caller.name();
    }
}
