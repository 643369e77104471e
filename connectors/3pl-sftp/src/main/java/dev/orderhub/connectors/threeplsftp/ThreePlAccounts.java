package dev.orderhub.connectors.threeplsftp;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.orderhub.connector.ChannelSettings;
import dev.orderhub.connector.manifest.ConnectorConfigurationException;
import dev.orderhub.connector.manifest.ConnectorSettings;
import org.apache.camel.CamelContext;
import org.springframework.stereotype.Component;

/**
 * The 3PL account: the one entry under {@code orderhub.channels} whose {@code connector.name} is
 * 3pl-sftp, with the properties connectors/3pl-sftp/connector.yaml declares (validated by the hub
 * at start-up). Its secrets (password, private key, passphrase) and the server's known host key
 * are bound in Camel's registry and reached from endpoint URIs as {@code #bean:} references, so
 * no endpoint URI, route dump or log line ever holds them.
 */
@Component
public class ThreePlAccounts {

    /** The connector's name: its folder and its manifest's name. */
    public static final String CONNECTOR = "3pl-sftp";

    /**
     * The account, keyed by its entry under orderhub.channels.
     *
     * @param doneFolder   relative to the inbound folder
     * @param failedFolder relative to the inbound folder
     */
    public record Account(String channel, String host, int port, String username, String location, String outboundFolder,
                          String inboundFolder, String doneFolder, String failedFolder, Duration pollInterval, String readLock,
                          boolean strictHostKeyChecking, boolean password, boolean privateKey, boolean passphrase,
                          boolean knownHosts, String knownHostsFile) {

        /** The name a secret of this account is bound under in Camel's registry. */
        String bean(String what) {
            return CONNECTOR + "." + channel + "." + what;
        }

        /** The options every SFTP endpoint of this account takes: the login, the key check, timeouts. */
        Map<String, String> connection() {
            Map<String, String> options = new LinkedHashMap<>();
            options.put("username", "RAW(" + username + ")");
            if (password) {
                options.put("password", "#bean:" + bean("password"));
            }
            if (privateKey) {
                options.put("privateKey", "#bean:" + bean("privateKey"));
            }
            if (passphrase) {
                options.put("privateKeyPassphrase", "#bean:" + bean("privateKeyPassphrase"));
            }
            if (knownHosts) {
                options.put("knownHosts", "#bean:" + bean("knownHosts"));
            }
            if (knownHostsFile != null) {
                options.put("knownHostsFile", "RAW(" + knownHostsFile + ")");
            }
            options.put("strictHostKeyChecking", strictHostKeyChecking ? "yes" : "no");
            // Only the host key given here is trusted, never whatever ~/.ssh/known_hosts of the hub's user holds.
            options.put("useUserKnownHostsFile", "false");
            options.put("connectTimeout", "10000");
            options.put("soTimeout", "60000");
            return options;
        }

        @Override
        public String toString() {
            return CONNECTOR + "/" + channel;
        }
    }

    private final Map<String, Account> accounts = new LinkedHashMap<>();

    public ThreePlAccounts(ChannelSettings settings, CamelContext camel) {
        List<String> problems = new ArrayList<>();
        List<String> channels = settings.channels(CONNECTOR);
        if (channels.size() > 1) {
            problems.add("channels.yaml: orderhub.channels." + channels.get(1) + ".connector: one 3PL account per hub uses "
                    + CONNECTOR + ", and " + channels.get(0) + " already does");
        }
        for (String channel : channels.stream().limit(1).toList()) {
            ConnectorSettings properties = settings.settings(CONNECTOR, channel).orElseThrow();
            String at = "channels.yaml: orderhub.channels." + channel + ".connector.properties.";
            Optional<String> password = properties.getString("password");
            Optional<String> privateKey = properties.getString("privateKey");
            Optional<String> passphrase = properties.getString("privateKeyPassphrase");
            Optional<String> knownHosts = properties.getString("knownHosts");
            Optional<String> knownHostsFile = properties.getString("knownHostsFile");
            boolean strict = properties.getBoolean("strictHostKeyChecking").orElseThrow();
            if (password.isEmpty() && privateKey.isEmpty()) {
                problems.add(at + "password: the login needs a password or a privateKey (from the environment, as ${VAR})");
            }
            if (strict && knownHosts.isEmpty() && knownHostsFile.isEmpty()) {
                problems.add(at + "knownHosts: the server's host key is checked (strictHostKeyChecking), so give its "
                        + "known_hosts line (knownHosts) or a knownHostsFile");
            }
            Account account = new Account(channel, properties.getString("host").orElseThrow(),
                    properties.getInt("port").orElseThrow(), properties.getString("username").orElseThrow(),
                    properties.getString("location").orElseThrow(), folder(properties, "outboundFolder"),
                    folder(properties, "inboundFolder"), properties.getString("doneFolder").orElseThrow(),
                    properties.getString("failedFolder").orElseThrow(), properties.getDuration("pollInterval").orElseThrow(),
                    properties.getString("readLock").orElseThrow(), strict, password.isPresent(), privateKey.isPresent(),
                    passphrase.isPresent(), knownHosts.isPresent(), knownHostsFile.orElse(null));
            if (account.port() < 1 || account.port() > 65535) {
                problems.add(at + "port: must be 1 to 65535, is " + account.port());
            }
            if (account.outboundFolder().equals(account.inboundFolder())) {
                problems.add(at + "inboundFolder: must differ from outboundFolder (the hub would read its own order files)");
            }
            password.ifPresent(value -> camel.getRegistry().bind(account.bean("password"), value));
            privateKey.ifPresent(value -> camel.getRegistry().bind(account.bean("privateKey"), value.getBytes(StandardCharsets.UTF_8)));
            passphrase.ifPresent(value -> camel.getRegistry().bind(account.bean("privateKeyPassphrase"), value));
            knownHosts.ifPresent(value -> camel.getRegistry().bind(account.bean("knownHosts"),
                    (value.strip() + "\n").getBytes(StandardCharsets.UTF_8)));
            accounts.put(channel, account);
        }
        ConnectorConfigurationException.throwIfAny(problems);
    }

    /** A folder on the server, without a trailing slash (the root is "."). */
    private static String folder(ConnectorSettings properties, String name) {
        String folder = properties.getString(name).orElseThrow();
        while (folder.length() > 1 && folder.endsWith("/")) {
            folder = folder.substring(0, folder.length() - 1);
        }
        return folder;
    }

    /** The account, if one is configured. */
    public Optional<Account> account() {
        return accounts.values().stream().findFirst();
    }

    boolean serves(String channel) {
        return accounts.containsKey(channel);
    }

    Account require() {
        return account().orElseThrow(() -> new IllegalStateException("no 3PL account uses connector " + CONNECTOR
                + " (an entry under orderhub.channels with connector.name: " + CONNECTOR + ")"));
    }
}
