package dev.orderhub.api;

import dev.orderhub.security.RequiresRole;
import dev.orderhub.security.Role;
import java.util.Collection;

import dev.orderhub.channel.Channel;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.channel.Location;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** What is configured: channels and locations. */
@RestController
@RequiresRole({Role.VIEWER, Role.INTEGRATION})
@RequestMapping(path = "/api", produces = MediaType.APPLICATION_JSON_VALUE)
public class ChannelApi {

    private final ChannelRegistry registry;

    public ChannelApi(ChannelRegistry registry) {
        this.registry = registry;
    }

    @GetMapping("/channels")
    public Collection<Channel> channels() {
        return registry.channels();
    }

    @GetMapping("/channels/{channel}")
    public Channel channel(@PathVariable String channel) {
        return registry.channel(channel).orElseThrow(() -> ApiException.notFound("channel \"" + channel + "\" is not configured"));
    }

    @GetMapping("/locations")
    public Collection<Location> locations() {
        return registry.locations();
    }

    @GetMapping("/locations/{location}")
    public Location location(@PathVariable String location) {
        return registry.location(location)
                .orElseThrow(() -> ApiException.notFound("location \"" + location + "\" is not configured"));
    }
}
