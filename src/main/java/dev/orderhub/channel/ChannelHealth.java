package dev.orderhub.channel;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Whether each channel's connector can work as configured, as {@code /actuator/health}'s
 * {@code channels} component: UP while every channel is usable; DOWN, naming each unusable
 * channel, what failed and since when, while one is not (its sink cannot be created, the remote
 * refuses its credentials). The flow that met the problem marks it; the next call that gets
 * through clears it. The container's own liveness ({@code /actuator/health/liveness}) does not
 * include it: restarting the hub fixes no configuration.
 */
@Component("channels")
public class ChannelHealth implements HealthIndicator {

    /** Why a channel is unusable: the flow that found out, the connector's reason, since when. */
    public record Problem(String flow, String reason, Instant since) {
    }

    private final Map<String, Problem> down = new ConcurrentHashMap<>();
    private final Clock clock;

    public ChannelHealth(Clock clock) {
        this.clock = clock;
    }

    /** Marks the channel DOWN; answers true when it was not already (so a person is told once). */
    public boolean down(String channel, String flow, String reason) {
        Problem before = down.putIfAbsent(channel, new Problem(flow, reason, clock.instant()));
        if (before != null && !before.reason().equals(reason)) {
            down.put(channel, new Problem(flow, reason, before.since()));
        }
        return before == null;
    }

    /** The channel worked again; answers true when it had been DOWN. */
    public boolean up(String channel) {
        return down.remove(channel) != null;
    }

    /** The flow that had found the channel down worked again; answers true when that flow's problem was cleared. */
    public boolean up(String channel, String flow) {
        Problem problem = down.get(channel);
        return problem != null && problem.flow().equals(flow) && down.remove(channel, problem);
    }

    public Optional<Problem> problem(String channel) {
        return Optional.ofNullable(down.get(channel));
    }

    @Override
    public Health health() {
        if (down.isEmpty()) {
            return Health.up().build();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        down.forEach((channel, problem) -> details.put(channel, Map.of("status", "DOWN", "flow", problem.flow(),
                "reason", problem.reason(), "since", problem.since().toString())));
        return Health.down().withDetails(details).build();
    }
}
