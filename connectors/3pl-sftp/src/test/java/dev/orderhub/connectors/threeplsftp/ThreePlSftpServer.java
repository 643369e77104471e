package dev.orderhub.connectors.threeplsftp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.CopyOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * The 3PL in the tests: an SFTP server in this JVM (Apache MINA SSHD on 127.0.0.1, its file
 * system a temporary folder) with the connector's folders, a login with a password and one
 * with a key, and a host key of its own (its known_hosts line: {@link #knownHosts()}). It plays
 * the warehouse as README.md describes it: {@link #pickUp()} takes the order and cancel files
 * from the outbound folder (an order id it holds already is a repeat, never a second order),
 * and it writes shipment confirmations and stock counts into the inbound folder the way a 3PL
 * should: under a temporary name, then renamed.
 */
public final class ThreePlSftpServer implements AutoCloseable {

    static final String USER = "acme-shop";
    /** Test-only credentials, never real ones. */
    static final String PASSWORD = "test-only-3pl-password-not-real";
    static final String KEY_USER = "acme-keys";

    private final Path root;
    private final SshServer server;
    private final KeyPair hostKey;
    private final KeyPair clientKey;
    private final AtomicInteger renamedIntoOutbound = new AtomicInteger();
    private final Map<String, String> orders = new LinkedHashMap<>();
    private final List<String> cancels = new ArrayList<>();
    private final AtomicInteger repeats = new AtomicInteger();

    private ThreePlSftpServer(Path root, SshServer server, KeyPair hostKey, KeyPair clientKey) {
        this.root = root;
        this.server = server;
        this.hostKey = hostKey;
        this.clientKey = clientKey;
    }

    public static ThreePlSftpServer start() {
        try {
            Path root = Files.createTempDirectory("3pl-sftp");
            for (String folder : List.of("to-3pl", "from-3pl", "taken")) {
                Files.createDirectories(root.resolve(folder));
            }
            KeyPair hostKey = ecKeyPair();
            KeyPair clientKey = rsaKeyPair();
            SshServer server = SshServer.setUpDefaultServer();
            server.setHost("127.0.0.1");
            server.setPort(0);
            server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
            server.setPasswordAuthenticator((user, password, session) -> USER.equals(user) && PASSWORD.equals(password));
            server.setPublickeyAuthenticator((user, key, session) -> KEY_USER.equals(user)
                    && KeyUtils.compareKeys(key, clientKey.getPublic()));
            SftpSubsystemFactory sftp = new SftpSubsystemFactory();
            ThreePlSftpServer stub = new ThreePlSftpServer(root, server, hostKey, clientKey);
            sftp.addSftpEventListener(new SftpEventListener() {
                @Override
                public void moved(ServerSession session, Path source, Path target, Collection<CopyOption> options,
                                  Throwable thrown) {
                    if (thrown == null && target.getParent() != null && target.getParent().getFileName() != null
                            && target.getParent().getFileName().toString().equals("to-3pl")) {
                        stub.renamedIntoOutbound.incrementAndGet();
                    }
                }
            });
            server.setSubsystemFactories(List.of(sftp));
            server.setFileSystemFactory(new VirtualFileSystemFactory(root));
            server.start();
            return stub;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("the 3PL's SFTP server did not start", e);
        }
    }

    private static KeyPair ecKeyPair() throws java.security.GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static KeyPair rsaKeyPair() throws java.security.GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    public int port() {
        return server.getPort();
    }

    /**
     * The hub's 3PL account on this server ({@code orderhub.channels.<account>}, with its
     * THREE_PL location), read every {@code pollInterval}, and a channel {@code <account>-shop}
     * served by that location whose orders the tests route to the 3PL.
     */
    void configure(org.springframework.test.context.DynamicPropertyRegistry registry, String account, String location,
                   String pollInterval, String readLock) {
        properties(account, location, pollInterval, readLock).forEach((key, value) -> registry.add(key, () -> value));
        registry.add("orderhub.channels." + account + "-shop.name", () -> "Shop shipped by the 3PL");
        registry.add("orderhub.channels." + account + "-shop.locations[0]", () -> location);
        // The hub's fulfilment timers run when a test says so.
        registry.add("orderhub.fulfilment.dispatch-interval-ms", () -> "3600000");
        registry.add("orderhub.fulfilment.auto-route-interval-ms", () -> "3600000");
        registry.add("orderhub.fulfilment.backoff-ms", () -> "50");
        registry.add("orderhub.fulfilment.follow-every-ms", () -> "0");
    }

    /** The hub properties of a 3PL account on this server and its THREE_PL location (for a hub run as its own process too). */
    public Map<String, String> properties(String account, String location, String pollInterval, String readLock) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("orderhub.locations." + location + ".name", "Acme Logistics NL (3PL)");
        properties.put("orderhub.locations." + location + ".kind", "THREE_PL");
        String entry = "orderhub.channels." + account + ".";
        properties.put(entry + "name", "Acme Logistics (SFTP)");
        properties.put(entry + "kind", "THREE_PL");
        properties.put(entry + "connector.name", "3pl-sftp");
        String connector = entry + "connector.properties.";
        properties.put(connector + "host", "127.0.0.1");
        properties.put(connector + "port", String.valueOf(port()));
        properties.put(connector + "username", USER);
        properties.put(connector + "password", PASSWORD);
        properties.put(connector + "knownHosts", knownHosts());
        properties.put(connector + "location", location);
        properties.put(connector + "pollInterval", pollInterval);
        properties.put(connector + "readLock", readLock);
        return properties;
    }

    /** The server's known_hosts line, as ssh-keyscan prints it for a port other than 22. */
    public String knownHosts() {
        return "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(hostKey.getPublic());
    }

    /** Another server's key for the same address: what a server posing as the 3PL would show. */
    String someoneElsesKnownHosts() {
        try {
            PublicKey other = ecKeyPair().getPublic();
            return "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(other);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The private key of login {@link #KEY_USER} as PKCS#8 PEM text, as a seller would put it in the environment. */
    String clientPrivateKeyPem() {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(clientKey.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    }

    public Path folder(String name) {
        return root.resolve(name);
    }

    /** How many files were renamed into the outbound folder (each file the hub wrote: upload, then rename). */
    int filesWritten() {
        return renamedIntoOutbound.get();
    }

    /** The names in a folder (files only, sorted). */
    public List<String> names(String folder) {
        Path dir = root.resolve(folder);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String read(String folder, String name) {
        try {
            return Files.readString(root.resolve(folder).resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The warehouse takes what is in the outbound folder: each order file becomes an order (an
     * order id it holds already is a repeat and ships nothing more), each cancel file a cancel.
     * The files are moved to its own folder.
     */
    public synchronized void pickUp() {
        for (String name : names("to-3pl")) {
            if (name.endsWith(".part")) {
                continue;
            }
            String content = read("to-3pl", name);
            String orderId = content.lines().skip(1).findFirst().map(row -> row.split(",", 2)[0]).orElse("");
            if (name.startsWith("ORDER_")) {
                if (orders.putIfAbsent(orderId, content) != null) {
                    repeats.incrementAndGet();
                }
            } else if (name.startsWith("CANCEL_")) {
                cancels.add(orderId);
            }
            try {
                Files.move(root.resolve("to-3pl").resolve(name), root.resolve("taken").resolve(name + "." + System.nanoTime()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The orders the warehouse holds: order id to the file that brought it. */
    public synchronized Map<String, String> orders() {
        return Map.copyOf(orders);
    }

    synchronized List<String> cancels() {
        return List.copyOf(cancels);
    }

    /** Order files for an order the warehouse held already. */
    public int repeats() {
        return repeats.get();
    }

    /** The warehouse writes a file into the inbound folder: under a temporary name, then renamed. */
    public void deliver(String name, String content) {
        deliver(name, content.getBytes(StandardCharsets.UTF_8));
    }

    void deliver(String name, byte[] content) {
        try {
            Path inbound = root.resolve("from-3pl");
            Path part = inbound.resolve(name + ".part");
            Files.write(part, content);
            Files.move(part, inbound.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Empties every folder (between tests). */
    synchronized void clear() {
        for (String folder : List.of("to-3pl", "from-3pl", "taken")) {
            try (Stream<Path> files = Files.walk(root.resolve(folder))) {
                files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(root.resolve(folder))).forEach(p -> {
                    try {
                        Files.delete(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        orders.clear();
        cancels.clear();
        repeats.set(0);
    }

    @Override
    public void close() {
        try {
            server.stop(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
