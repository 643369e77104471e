package dev.orderhub.api;

import java.util.List;

import dev.orderhub.operations.Operations;
import dev.orderhub.security.RequiresRole;
import dev.orderhub.security.Role;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** What the operations console's overview and channels pages show, as JSON. */
@RestController
@RequestMapping(path = "/api", produces = MediaType.APPLICATION_JSON_VALUE)
public class OperationsApi {

    private final Operations operations;

    public OperationsApi(Operations operations) {
        this.operations = operations;
    }

    /** Orders today per channel and status, stock health, stock-sync lag, open exceptions, channels down. */
    @RequiresRole(Role.VIEWER)
    @GetMapping("/overview")
    public Operations.Overview overview() {
        return operations.overview();
    }

    /** Every channel's health, last poll and push, rate-limit buckets, errors, listings and connector conformance. */
    @RequiresRole(Role.VIEWER)
    @GetMapping("/overview/channels")
    public ChannelStatuses statuses() {
        return new ChannelStatuses(operations.channelStatuses(), null);
    }

    public record ChannelStatuses(List<Operations.ChannelStatus> items, String next) {
    }

    @RequiresRole(Role.VIEWER)
    @GetMapping("/channels/{channel}/status")
    public Operations.ChannelStatus status(@PathVariable String channel) {
        return operations.channelStatus(channel)
                .orElseThrow(() -> ApiException.notFound("channel \"" + Fields.quoted(channel) + "\" is not configured"));
    }
}
