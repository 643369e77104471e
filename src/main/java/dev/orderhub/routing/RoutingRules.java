package dev.orderhub.routing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import dev.orderhub.channel.Channel;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.channel.Location;
import dev.orderhub.channel.LocationKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The rules in force: config/rules.yaml ({@code orderhub.routing.rules-file}), read at start and
 * looked at again every {@code reload-interval-ms} (routes/routing.camel.yaml): a changed file
 * is checked first and takes over only when it is valid; an invalid one keeps the last good
 * rules and is reported ({@link #problem()}, raised as the alert {@code routing.rules_invalid}
 * naming the rule and field). No file: rule routing is off and orders stay where intake
 * reserved them.
 */
@Component("routingRules")
public class RoutingRules {

    private static final Logger LOG = LoggerFactory.getLogger(RoutingRules.class);

    /** Why the file on disk is not in force: its hash, the problems, since when. */
    public record Problem(String fileHash, java.util.List<String> problems, Instant since) {
    }

    /** What the API shows: the rules in force (if any), the file's text, and a problem with a newer file. */
    public record State(Integer version, String hash, Instant loadedAt, int rules, String file, Problem problem) {
    }

    private final Path file;
    private final ChannelRegistry channels;
    private final Clock clock;
    private final AtomicReference<RuleSet> current = new AtomicReference<>();
    private final AtomicReference<Instant> loadedAt = new AtomicReference<>();
    private final AtomicReference<Problem> problem = new AtomicReference<>();
    private volatile String seenHash;

    public RoutingRules(@Value("${orderhub.routing.rules-file:config/rules.yaml}") String file, ChannelRegistry channels,
                        Clock clock) {
        this.file = Path.of(file);
        this.channels = channels;
        this.clock = clock;
        reload();
    }

    /** The rules in force, or empty when there are none (no file, or no valid file yet). */
    public Optional<RuleSet> current() {
        return Optional.ofNullable(current.get());
    }

    public Optional<Problem> problem() {
        return Optional.ofNullable(problem.get());
    }

    public Map<String, LocationKind> locationKinds() {
        Map<String, LocationKind> kinds = new LinkedHashMap<>();
        for (Location l : channels.locations()) {
            kinds.put(l.id(), l.kind());
        }
        return kinds;
    }

    /** Checks a rules text against this hub's locations and channels without putting it in force. */
    public RuleSet check(byte[] text) {
        Set<String> channelIds = channels.channels().stream().map(Channel::id).collect(Collectors.toSet());
        return RuleSetParser.parse(text, locationKinds(), channelIds);
    }

    /** Reads the file if it changed; answers whether new rules took over. */
    public synchronized boolean reload() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            if (current.get() != null || seenHash == null) {
                LOG.info("routing rules: no {}; orders stay where intake reserved them", file);
            }
            seenHash = "";
            return false;
        } catch (IOException e) {
            problem.set(new Problem(null, java.util.List.of("cannot read " + file + ": " + e.getMessage()), clock.instant()));
            return false;
        }
        String hash = RuleSetParser.sha256(bytes);
        if (hash.equals(seenHash)) {
            return false;
        }
        seenHash = hash;
        try {
            RuleSet rules = check(bytes);
            RuleSet before = current.getAndSet(rules);
            loadedAt.set(clock.instant());
            problem.set(null);
            LOG.info("routing rules: version {} ({} rules, sha256 {}) in force{}", rules.version(), rules.rules().size(),
                    hash.substring(0, 12), before == null ? "" : ", replacing version " + before.version());
            return true;
        } catch (RuleSetParser.Invalid e) {
            problem.set(new Problem(hash, e.problems(), clock.instant()));
            LOG.warn("routing rules: {} is not valid, {}: {}", file, current.get() == null ? "no rules are in force"
                    : "version " + current.get().version() + " stays in force", e.problems().get(0));
            return false;
        }
    }

    public State state() {
        RuleSet rules = current.get();
        String text;
        try {
            text = Files.exists(file) ? Files.readString(file) : null;
        } catch (IOException e) {
            text = null;
        }
        return new State(rules == null ? null : rules.version(), rules == null ? null : rules.hash(), loadedAt.get(),
                rules == null ? 0 : rules.rules().size(), text, problem.get());
    }
}
