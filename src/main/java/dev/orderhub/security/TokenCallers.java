package dev.orderhub.security;

import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Maps a JWT of the company's identity provider to a {@link Caller}: the roles claim (a list or
 * a space- or comma-separated string) names hub roles directly or through the configured
 * mapping (e.g. {@code ohub-admins: admin}); an optional claim lists the channels an
 * integration may post for. A token with no recognised role gets no role (403 everywhere).
 */
public class TokenCallers implements Converter<Jwt, AbstractAuthenticationToken> {

    private final String rolesClaim;
    private final String channelsClaim;
    private final Map<String, String> mapping;

    public TokenCallers(String rolesClaim, String channelsClaim, Map<String, String> mapping) {
        this.rolesClaim = rolesClaim;
        this.channelsClaim = channelsClaim;
        this.mapping = mapping == null ? Map.of() : Map.copyOf(mapping);
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String value : values(jwt.getClaim(rolesClaim))) {
            Role.of(mapping.getOrDefault(value, value)).ifPresent(roles::add);
        }
        Set<String> channels = new LinkedHashSet<>(values(jwt.getClaim(channelsClaim)));
        String subject = jwt.getSubject() == null ? "token" : jwt.getSubject();
        return new CallerAuthentication(new Caller("token " + (subject.length() > 100 ? subject.substring(0, 100) : subject),
                Caller.Kind.TOKEN, roles, channels));
    }

    private static List<String> values(Object claim) {
        if (claim instanceof Collection<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        if (claim instanceof String text && !text.isBlank()) {
            return List.of(text.trim().split("[\\s,]+"));
        }
        return List.of();
    }
}
