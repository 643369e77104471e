package dev.orderhub.security;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.orderhub.HubClock;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcClientAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * {@code java -jar orderhub.jar keys ...}: manages API keys straight in the hub's database, with
 * the hub's configuration (profile, data directory, database settings), without starting the
 * broker, the routes or the HTTP server. The first admin key of a PostgreSQL installation is
 * made this way. On the H2 default the database file belongs to the running hub: there, use the
 * API from this machine, or stop the hub first.
 */
public final class ApiKeysCommand {

    static final String USAGE = """
            usage: keys create --name NAME --role viewer|operator|integration|admin [--channels a,b]
                   keys list
                   keys rotate ID
                   keys revoke ID
            with the hub's settings from config/ and the environment (SPRING_PROFILES_ACTIVE, ORDERHUB_DB_*),
            or given as --spring.NAME=VALUE / --orderhub.NAME=VALUE""";

    private ApiKeysCommand() {
    }

    /** Only the database, Flyway and the keys service (no @Configuration: the hub's component scan must not find it). */
    @ImportAutoConfiguration({DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class,
            JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class,
            DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class})
    @Import({HubClock.class, ApiKeysConfig.class})
    static class KeysContext {
    }

    /** Runs the command; returns the process exit code (0 done, 2 usage, 1 failure). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> words = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
        if (words.isEmpty()) {
            err.println(USAGE);
            return 2;
        }
        String action = words.remove(0);
        Map<String, String> options = new HashMap<>();
        List<String> positional = new ArrayList<>();
        List<String> settings = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (word.startsWith("--spring.") || word.startsWith("--orderhub.")) {
                settings.add(word); // a hub setting, as the hub itself takes them: --spring.profiles.active=postgres
            } else if (word.startsWith("--") && i + 1 < words.size()) {
                options.put(word.substring(2), words.get(++i));
            } else if (word.startsWith("--")) {
                err.println("keys: " + word + " needs a value\n" + USAGE);
                return 2;
            } else {
                positional.add(word);
            }
        }
        if (action.equals("create") && (options.get("name") == null || options.get("role") == null)) {
            err.println("keys: create needs --name and --role\n" + USAGE);
            return 2;
        }
        if ((action.equals("rotate") || action.equals("revoke")) && positional.size() != 1) {
            err.println("keys: " + action + " needs one key id\n" + USAGE);
            return 2;
        }
        if (!java.util.Set.of("create", "list", "rotate", "revoke").contains(action)) {
            err.println("keys: unknown action " + action + "\n" + USAGE);
            return 2;
        }
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(KeysContext.class)
                .web(WebApplicationType.NONE).bannerMode(Banner.Mode.OFF).logStartupInfo(false)
                .properties("orderhub.command=keys", "logging.level.dev.orderhub=WARN", "logging.level.org.springframework=WARN",
                        "logging.level.org.flywaydb=WARN", "logging.level.com.zaxxer=WARN")
                .run(settings.toArray(String[]::new))) {
            ApiKeys keys = context.getBean(ApiKeys.class);
            switch (action) {
                case "create" -> {
                    List<String> channels = options.containsKey("channels")
                            ? Arrays.stream(options.get("channels").split(",")).map(String::trim).toList() : List.of();
                    ApiKeys.Issued issued = keys.create(new ApiKeys.NewKey(options.get("name"), options.get("role"), channels));
                    out.println("created " + issued.apiKey().id() + " (" + issued.apiKey().role() + "): " + issued.key());
                    out.println("The key is shown this once; send it as: Authorization: Bearer <key>");
                }
                case "list" -> keys.list().forEach(k -> out.println(k.id() + "\t" + k.role() + "\t" + k.name()
                        + (k.channels().isEmpty() ? "" : "\tchannels " + String.join(",", k.channels()))
                        + (k.revokedAt() == null ? "" : "\trevoked " + k.revokedAt())));
                case "rotate" -> {
                    ApiKeys.Issued issued = keys.rotate(single(positional));
                    out.println("rotated " + issued.apiKey().id() + ": " + issued.key());
                    out.println("The old key no longer works; the new one is shown this once.");
                }
                case "revoke" -> out.println("revoked " + keys.revoke(single(positional)).id());
                default -> {
                    err.println("keys: unknown action " + action + "\n" + USAGE);
                    return 2;
                }
            }
            return 0;
        } catch (ApiKeys.InvalidKeyRequest | ApiKeys.KeyNotFound e) {
            err.println("keys: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            err.println("keys: " + describe(e));
            return 1;
        }
    }

    private static String single(List<String> positional) {
        if (positional.size() != 1) {
            throw new ApiKeys.InvalidKeyRequest("give one key id\n" + USAGE);
        }
        return positional.get(0);
    }

    private static String describe(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            String message = String.valueOf(cause.getMessage());
            if (message.contains("Database may be already in use") || message.contains("locked by another process")) {
                return "the hub is running on this data directory and holds its H2 database: create keys through the "
                        + "API from this machine (POST /api/keys), or stop the hub first";
            }
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
