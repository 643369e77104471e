package dev.orderhub.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;

/**
 * The hub's API keys: created with a name, a role and optionally the channels an integration
 * key may post for; listed without ever showing a key again; rotated (a new key, the old one
 * stops working) and revoked. Only a SHA-256 hash of a key is stored: keys are 256 random bits,
 * so a fast hash is enough and keeps checking a request cheap. A checked key is remembered for
 * a few seconds, so a rotation or revocation takes effect on every instance within that time.
 */
public class ApiKeys {

    public static final String PREFIX = "ohk_";
    /** The id of the key given by {@code orderhub.security.bootstrap-admin-key}. */
    public static final String BOOTSTRAP_ID = "bootstrap";
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N} ._@:/-]{1,100}");
    private static final Pattern CHANNEL = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Duration remember;
    private final Map<String, Remembered> checked = new ConcurrentHashMap<>();

    public ApiKeys(JdbcClient jdbc, Clock clock, Duration remember) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.remember = remember;
    }

    /** A key as listed: never the key itself. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ApiKey(String id, String name, String role, List<String> channels, Instant createdAt,
                         Instant rotatedAt, Instant revokedAt) {
    }

    /** A key just created or rotated: {@code key} is shown this once. */
    public record Issued(String key, ApiKey apiKey) {
    }

    /** A request to create a key: refused with {@link InvalidKeyRequest} when a field is wrong. */
    public record NewKey(String name, String role, List<String> channels) {
    }

    @Transactional
    public Issued create(NewKey request) {
        String name = request.name();
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidKeyRequest("name: 1 to 100 letters, digits, spaces or . _ @ : / -");
        }
        Role role = Role.of(request.role()).orElseThrow(() -> new InvalidKeyRequest(
                "role: must be one of viewer, operator, integration, admin"));
        List<String> channels = request.channels() == null ? List.of() : request.channels();
        if (channels.size() > 50) {
            throw new InvalidKeyRequest("channels: at most 50");
        }
        for (int i = 0; i < channels.size(); i++) {
            if (channels.get(i) == null || !CHANNEL.matcher(channels.get(i)).matches()) {
                throw new InvalidKeyRequest("channels[" + i + "]: must be a channel id (lower case letters, digits, - and _)");
            }
        }
        if (!channels.isEmpty() && role != Role.INTEGRATION) {
            throw new InvalidKeyRequest("channels: only an integration key is limited to channels");
        }
        String id = "key-" + HexFormat.of().formatHex(randomBytes(8));
        String key = newKey();
        jdbc.sql("INSERT INTO api_keys (id, name, role, channels, key_hash, created_at) "
                        + "VALUES (:id, :name, :role, :channels, :hash, :now)")
                .param("id", id).param("name", name).param("role", role.id())
                .param("channels", channels.isEmpty() ? null : String.join(",", new LinkedHashSet<>(channels)))
                .param("hash", hash(key)).param("now", now()).update();
        return new Issued(key, find(id).orElseThrow());
    }

    @Transactional(readOnly = true)
    public List<ApiKey> list() {
        return jdbc.sql("SELECT id, name, role, channels, created_at, rotated_at, revoked_at FROM api_keys ORDER BY created_at, id")
                .query((rs, n) -> map(rs)).list();
    }

    @Transactional(readOnly = true)
    public Optional<ApiKey> find(String id) {
        return jdbc.sql("SELECT id, name, role, channels, created_at, rotated_at, revoked_at FROM api_keys WHERE id = :id")
                .param("id", id).query((rs, n) -> map(rs)).optional();
    }

    /** A new key for the same name, role and channels; the old key stops working. */
    @Transactional
    public Issued rotate(String id) {
        ApiKey existing = active(id);
        String key = newKey();
        jdbc.sql("UPDATE api_keys SET key_hash = :hash, rotated_at = :now WHERE id = :id")
                .param("hash", hash(key)).param("now", now()).param("id", existing.id()).update();
        checked.clear();
        return new Issued(key, find(id).orElseThrow());
    }

    @Transactional
    public ApiKey revoke(String id) {
        active(id);
        jdbc.sql("UPDATE api_keys SET revoked_at = :now WHERE id = :id").param("now", now()).param("id", id).update();
        checked.clear();
        return find(id).orElseThrow();
    }

    /**
     * The bootstrap admin key given in the environment (for a first start without a person at
     * the console, e.g. docker-compose): made to match it, or revoked when it is no longer set.
     */
    @Transactional
    public void bootstrap(String key) {
        Optional<ApiKey> existing = find(BOOTSTRAP_ID);
        if (key == null || key.isBlank()) {
            if (existing.isPresent() && existing.get().revokedAt() == null) {
                jdbc.sql("UPDATE api_keys SET revoked_at = :now WHERE id = :id").param("now", now())
                        .param("id", BOOTSTRAP_ID).update();
            }
            return;
        }
        if (key.length() < 32 || key.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw new IllegalStateException("orderhub.security.bootstrap-admin-key must be at least 32 printable ASCII "
                    + "characters without spaces");
        }
        if (existing.isEmpty()) {
            jdbc.sql("INSERT INTO api_keys (id, name, role, key_hash, created_at) VALUES (:id, 'bootstrap admin key "
                            + "(ORDERHUB_BOOTSTRAP_ADMIN_KEY)', 'admin', :hash, :now)")
                    .param("id", BOOTSTRAP_ID).param("hash", hash(key)).param("now", now()).update();
        } else {
            jdbc.sql("UPDATE api_keys SET key_hash = :hash, role = 'admin', revoked_at = NULL WHERE id = :id")
                    .param("hash", hash(key)).param("id", BOOTSTRAP_ID).update();
        }
        checked.clear();
    }

    /** The caller a presented key stands for: empty when the key is unknown, rotated or revoked. */
    public Optional<Caller> caller(String presented) {
        if (presented == null || presented.length() < 32 || presented.length() > 200) {
            return Optional.empty();
        }
        String hash = hash(presented);
        Instant now = clock.instant();
        Remembered known = checked.get(hash);
        if (known != null && known.until().isAfter(now)) {
            return Optional.ofNullable(known.caller());
        }
        Caller caller = jdbc.sql("SELECT id, name, role, channels FROM api_keys WHERE key_hash = :hash AND revoked_at IS NULL")
                .param("hash", hash)
                .query((rs, n) -> new Caller(rs.getString(2) + " (" + rs.getString(1) + ")", Caller.Kind.KEY,
                        Role.of(rs.getString(3)).map(Set::of).orElse(Set.of()), channels(rs.getString(4))))
                .optional().orElse(null);
        if (checked.size() > 10_000) {
            checked.clear();
        }
        checked.put(hash, new Remembered(caller, now.plus(remember)));
        return Optional.ofNullable(caller);
    }

    private ApiKey active(String id) {
        ApiKey key = find(id).orElseThrow(() -> new KeyNotFound(id));
        if (key.revokedAt() != null) {
            throw new InvalidKeyRequest("key " + id + " is revoked");
        }
        return key;
    }

    private record Remembered(Caller caller, Instant until) {
    }

    private static String newKey() {
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static Set<String> channels(String list) {
        return list == null || list.isBlank() ? Set.of()
                : Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }

    private static ApiKey map(java.sql.ResultSet rs) throws java.sql.SQLException {
        String channels = rs.getString(4);
        return new ApiKey(rs.getString(1), rs.getString(2), rs.getString(3),
                channels == null ? List.of() : List.of(channels.split(",")), instant(rs, 5), instant(rs, 6), instant(rs, 7));
    }

    private static Instant instant(java.sql.ResultSet rs, int column) throws java.sql.SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    /** A create or rotate request with a wrong field. */
    public static class InvalidKeyRequest extends RuntimeException {
        public InvalidKeyRequest(String message) {
            super(message);
        }
    }

    /** No key with that id. */
    public static class KeyNotFound extends RuntimeException {
        public KeyNotFound(String id) {
            super("key " + id + " does not exist");
        }
    }
}
