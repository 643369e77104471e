package dev.orderhub.inventory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.input.InputRules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Bulk stock files (CSV {@code sku,location,onHand}): each good row is applied as an absolute
 * count, each bad row is reported with its line number and reason, and progress can be read
 * while the import runs. A row applies the same rules as a single count.
 *
 * <p>An upload is streamed to {@code <data-dir>/imports/<id>.csv} (its header checked and its
 * rows counted on the way, never held in memory) and recorded QUEUED. One import runs at a
 * time per hub instance, the others wait QUEUED in arrival order. Each applied row commits
 * together with the import's place in the file, so an import RUNNING when the hub died goes
 * on after a restart from the row after the last one applied. The reject list keeps the
 * first {@code orderhub.imports.max-listed-rejects} rows; {@code rejectedCount} counts all.
 */
@Service
public class StockImports implements SmartLifecycle {

    public static final String HEADER = "sku,location,onHand";
    private static final Logger LOG = LoggerFactory.getLogger(StockImports.class);
    /** Rows (good or bad) between two progress writes; every applied row writes its own. */
    private static final int PROGRESS_EVERY = 50;
    private static final Duration PROGRESS_AT_LEAST_EVERY = Duration.ofSeconds(1);
    private static final int MAX_REASON = 300;
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(5);

    private final StockLedger ledger;
    private final ChannelRegistry registry;
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final Clock clock;
    private final TransactionTemplate transaction;
    private final Path directory;
    private final int maxListedRejects;
    private final int maxQueued;
    private final String instance;
    private final BlockingQueue<Boolean> wake = new ArrayBlockingQueue<>(1);
    private volatile boolean running;
    private Thread runner;

    public StockImports(StockLedger ledger, ChannelRegistry registry, JdbcClient jdbc, ObjectMapper json, Clock clock,
                        PlatformTransactionManager transactions, @Value("${orderhub.data-dir}") Path dataDir,
                        @Value("${orderhub.imports.max-listed-rejects:1000}") int maxListedRejects,
                        @Value("${orderhub.imports.max-queued:20}") int maxQueued) {
        this.ledger = ledger;
        this.registry = registry;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.transaction = new TransactionTemplate(transactions);
        this.directory = dataDir.resolve("imports");
        this.maxListedRejects = maxListedRejects;
        this.maxQueued = maxQueued;
        this.instance = instanceName(directory);
    }

    /** A row that was not applied. */
    public record Rejected(int line, String reason) {
    }

    /**
     * Where an import is: QUEUED, RUNNING, DONE or FAILED (why in {@code failure}); the first
     * rejected rows in {@code rejected}, all of them counted in {@code rejectedCount}.
     */
    public record Progress(String importId, String status, int rowsTotal, int rowsDone, int rejectedCount,
                           List<Rejected> rejected, Instant createdAt, Instant startedAt, Instant finishedAt,
                           String failure) {
    }

    /** Too many imports already wait on this instance. */
    public static class QueueFullException extends RuntimeException {
        public QueueFullException(String message) {
            super(message);
        }
    }

    /**
     * Streams an upload to its file, checking the header as soon as the first line is in and
     * counting rows on the way, then records the import QUEUED. Returns its id. A bad header
     * (IllegalArgumentException), a body that cannot be read (IOException) or any failure of
     * {@code body} itself (a size limit, a deadline) leaves no file behind.
     */
    public String receive(InputStream body, String actor) throws IOException {
        int waiting = jdbc.sql("SELECT COUNT(*) FROM stock_imports WHERE instance = :me AND status = 'QUEUED'")
                .param("me", instance).query(Integer.class).single();
        if (waiting >= maxQueued) {
            throw new QueueFullException("import: " + waiting + " imports are already waiting on this instance (at most "
                    + maxQueued + "); post the file again once one has finished");
        }
        String id = UUID.randomUUID().toString();
        Path file = directory.resolve(id + ".csv");
        CsvLines.Counter counter = new CsvLines.Counter();
        boolean kept = false;
        try {
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                byte[] buffer = new byte[64 * 1024];
                int n;
                while ((n = body.read(buffer)) != -1) {
                    if (counter.feed(buffer, 0, n)) {
                        checkHeader(counter.header());
                    }
                    write(out, buffer, n);
                }
                if (counter.finish()) {
                    checkHeader(counter.header());
                }
                force(out);
            }
            jdbc.sql("INSERT INTO stock_imports (id, status, rows_total, rows_done, rejected, created_at, instance, file, "
                            + "position, line_no, rejected_count, actor) "
                            + "VALUES (:id, 'QUEUED', :rows, 0, NULL, :now, :instance, :file, :position, 1, 0, :actor)")
                    .param("id", id).param("rows", counter.rows()).param("now", now()).param("instance", instance)
                    .param("file", file.getFileName().toString()).param("position", counter.headerBytes())
                    .param("actor", actor)
                    .update();
            kept = true;
        } finally {
            if (!kept) {
                Files.deleteIfExists(file);
            }
        }
        wake.offer(Boolean.TRUE);
        return id;
    }

    private static void checkHeader(String first) {
        if (!HEADER.equals(stripBom(first).trim())) {
            throw new IllegalArgumentException("import: the first line must be the header \"" + HEADER + "\", was \""
                    + abbreviate(first) + "\"");
        }
    }

    /** Disk errors are the hub's problem (500), not the caller's: they do not pass as IOException. */
    private static void write(FileChannel out, byte[] buffer, int n) {
        try {
            ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("import: the upload could not be written to disk", e);
        }
    }

    private static void force(FileChannel out) {
        try {
            out.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("import: the upload could not be written to disk", e);
        }
    }

    // ---------------------------------------------------------------- the runner

    /** An import being worked off: where it stands in its file, as last committed plus what is pending. */
    private static final class Run {
        final String id;
        final Path file;
        final String actor;
        long position;
        int line;
        int done;
        int rejectedCount;
        final List<Rejected> pendingRejects = new ArrayList<>();
        int sinceSave;
        Instant savedAt;

        Run(String id, Path file, String actor, long position, int line, int done, int rejectedCount, Instant now) {
            this.id = id;
            this.file = file;
            this.actor = actor;
            this.position = position;
            this.line = line;
            this.done = done;
            this.rejectedCount = rejectedCount;
            this.savedAt = now;
        }
    }

    private void work() {
        while (running) {
            try {
                Optional<Run> next = claimNext();
                if (next.isPresent()) {
                    run(next.get());
                    continue;
                }
                wake.poll(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // The database is away or the disk failed: the import stays RUNNING at its last
                // committed row and is taken up again from there.
                LOG.warn("stock import runner: {}; trying again in {} s", e.getMessage(), RETRY_AFTER_FAILURE.toSeconds());
                try {
                    wake.poll(RETRY_AFTER_FAILURE.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** The import RUNNING here (after a restart), else the oldest QUEUED one, now RUNNING. */
    private Optional<Run> claimNext() {
        return transaction.execute(status -> {
            Optional<Run> next = jdbc.sql("SELECT id, file, position, line_no, rows_done, rejected_count, actor, status "
                            + "FROM stock_imports WHERE instance = :me AND status IN ('RUNNING', 'QUEUED') "
                            + "ORDER BY CASE WHEN status = 'RUNNING' THEN 0 ELSE 1 END, seq LIMIT 1")
                    .param("me", instance)
                    .query((rs, n) -> {
                        Run run = new Run(rs.getString(1), directory.resolve(rs.getString(2)), rs.getString(7),
                                rs.getLong(3), rs.getInt(4), rs.getInt(5), rs.getInt(6), clock.instant());
                        if ("RUNNING".equals(rs.getString(8))) {
                            LOG.info("stock import {}: resuming after line {}", run.id, run.line);
                        }
                        return run;
                    })
                    .optional();
            next.ifPresent(run -> jdbc.sql("UPDATE stock_imports SET status = 'RUNNING', started_at = COALESCE(started_at, :now) "
                            + "WHERE id = :id").param("now", now()).param("id", run.id).update());
            return next;
        });
    }

    private void run(Run run) {
        FileChannel channel;
        try {
            channel = FileChannel.open(run.file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            fail(run, "the import's file " + run.file.getFileName() + " is missing from " + directory);
            return;
        } catch (IOException e) {
            throw new UncheckedIOException("stock import " + run.id + ": cannot open its file", e);
        }
        try (channel; InputStream in = Channels.newInputStream(channel.position(run.position))) {
            CsvLines lines = new CsvLines(in, run.position);
            CsvLines.Line line;
            while (running && (line = lines.next()) != null) {
                int number = run.line + 1;
                if (line.blank()) {
                    run.position = line.next();
                    run.line = number;
                    continue;
                }
                String problem = line.tooLong()
                        ? "line is longer than " + CsvLines.MAX_LINE_BYTES + " bytes"
                        : apply(line.text(), run, number, line.next());
                if (problem != null) {
                    reject(run, number, problem, line.next());
                }
                if (run.sinceSave >= PROGRESS_EVERY
                        || Duration.between(run.savedAt, clock.instant()).compareTo(PROGRESS_AT_LEAST_EVERY) >= 0) {
                    transaction.executeWithoutResult(status -> save(run, "RUNNING"));
                    saved(run);
                }
            }
            if (running) {
                transaction.executeWithoutResult(status -> save(run, "DONE"));
                saved(run);
                LOG.info("stock import {}: DONE, {} rows, {} rejected", run.id, run.done, run.rejectedCount);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("stock import " + run.id + ": reading its file failed", e);
        }
    }

    /** A bad row: counted, listed while the list is short, committed with the next progress write. */
    private void reject(Run run, int number, String problem, long next) {
        if (run.rejectedCount < maxListedRejects) {
            run.pendingRejects.add(new Rejected(number, abbreviate(problem, MAX_REASON)));
        }
        run.rejectedCount++;
        advance(run, number, next);
    }

    private static void advance(Run run, int number, long next) {
        run.done++;
        run.line = number;
        run.position = next;
        run.sinceSave++;
    }

    /** Applies one row; returns why it was rejected, or null. */
    private String apply(String line, Run run, int number, long next) {
        String[] fields = line.split(",", -1);
        if (fields.length != 3) {
            return "expected 3 fields (sku,location,onHand), found " + fields.length;
        }
        String sku = fields[0].trim();
        String location = fields[1].trim();
        String count = fields[2].trim();
        String skuProblem = InputRules.skuProblem(sku);
        if (skuProblem != null) {
            return "sku: " + skuProblem;
        }
        if (registry.location(location).isEmpty()) {
            return "location \"" + abbreviate(location) + "\" is not configured";
        }
        long onHand;
        try {
            onHand = Long.parseLong(count);
        } catch (NumberFormatException e) {
            return "onHand \"" + abbreviate(count) + "\" is not a whole number";
        }
        if (onHand < 0 || onHand > 1_000_000_000L) {
            return "onHand " + onHand + " must be between 0 and 1000000000";
        }
        return applyCount(sku, location, onHand, run, number, next);
    }

    /**
     * The count and the import's new place in its file commit together: after a crash the row
     * is either applied and passed, or neither. A row the ledger refuses, or that fails on its
     * own, is rejected with the reason; the database being away stops the run (it resumes).
     */
    private String applyCount(String sku, String location, long onHand, Run run, int number, long next) {
        try {
            LockConflicts.retry(() -> transaction.execute(status -> {
                ledger.setOnHand(sku, location, onHand, "import " + run.id, run.actor);
                write(run, "RUNNING", next, number, run.done + 1);
                return null;
            }));
        } catch (StockInputException e) {
            return e.getMessage();
        } catch (TransientDataAccessException | DataAccessResourceFailureException
                 | CannotCreateTransactionException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warn("stock import {}: line {} not applied", run.id, number, e);
            return "not applied: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        advance(run, number, next);
        saved(run);
        return null;
    }

    /** Writes the import's place, counts and pending rejects as they are (within the caller's transaction). */
    private void save(Run run, String status) {
        write(run, status, run.position, run.line, run.done);
    }

    private void write(Run run, String status, long position, int line, int done) {
        for (Rejected rejected : run.pendingRejects) {
            jdbc.sql("INSERT INTO stock_import_rejects (import_id, line, reason) VALUES (:id, :line, :reason)")
                    .param("id", run.id).param("line", rejected.line()).param("reason", rejected.reason()).update();
        }
        jdbc.sql("UPDATE stock_imports SET status = :status, position = :position, line_no = :line, rows_done = :done, "
                        + "rejected_count = :rejected, finished_at = CASE WHEN :status = 'RUNNING' THEN NULL ELSE :now END "
                        + "WHERE id = :id")
                .param("status", status).param("position", position).param("line", line).param("done", done)
                .param("rejected", run.rejectedCount).param("now", now()).param("id", run.id)
                .update();
    }

    /** After the commit of a write: the pending rejects are stored. */
    private void saved(Run run) {
        run.pendingRejects.clear();
        run.sinceSave = 0;
        run.savedAt = clock.instant();
    }

    /** FAILED with a short reason: a write that cannot fail for a long list or a bad row. */
    private void fail(Run run, String reason) {
        LOG.error("stock import {} FAILED: {}", run.id, reason);
        jdbc.sql("UPDATE stock_imports SET status = 'FAILED', failure = :reason, finished_at = :now WHERE id = :id")
                .param("reason", abbreviate(reason, 1000)).param("now", now()).param("id", run.id).update();
    }

    // ---------------------------------------------------------------- reading, retention

    public Optional<Progress> progress(String id) {
        return jdbc.sql("SELECT id, status, rows_total, rows_done, rejected_count, rejected, created_at, started_at, "
                        + "finished_at, failure FROM stock_imports WHERE id = :id")
                .param("id", id)
                .query((rs, n) -> new Progress(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4), rs.getInt(5),
                        rs.getString(6) == null ? rejects(id) : readRejected(rs.getString(6)),
                        instant(rs.getObject(7, OffsetDateTime.class)), instant(rs.getObject(8, OffsetDateTime.class)),
                        instant(rs.getObject(9, OffsetDateTime.class)), rs.getString(10)))
                .optional();
    }

    private List<Rejected> rejects(String id) {
        return jdbc.sql("SELECT line, reason FROM stock_import_rejects WHERE import_id = :id ORDER BY line")
                .param("id", id).query((rs, n) -> new Rejected(rs.getInt(1), rs.getString(2))).list();
    }

    /** Imports recorded before V11 kept their list as JSON in the row. */
    private List<Rejected> readRejected(String list) {
        try {
            return json.readValue(list, new TypeReference<List<Rejected>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stock_imports.rejected is not a JSON list", e);
        }
    }

    /**
     * Retention: deletes finished imports (DONE, FAILED) that finished before {@code before},
     * their reject lists and their files. Returns how many. Waiting and running ones are kept.
     */
    public int deleteFinishedBefore(Instant before) {
        int deleted = 0;
        List<String[]> batch;
        do {
            batch = jdbc.sql("SELECT id, file FROM stock_imports WHERE status IN ('DONE', 'FAILED') AND finished_at < :before "
                            + "ORDER BY finished_at LIMIT 500")
                    .param("before", before.atOffset(ZoneOffset.UTC))
                    .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2)}).list();
            for (String[] row : batch) {
                transaction.executeWithoutResult(status -> {
                    jdbc.sql("DELETE FROM stock_import_rejects WHERE import_id = :id").param("id", row[0]).update();
                    jdbc.sql("DELETE FROM stock_imports WHERE id = :id").param("id", row[0]).update();
                });
                if (row[1] != null) {
                    try {
                        Files.deleteIfExists(directory.resolve(row[1]));
                    } catch (IOException e) {
                        LOG.warn("stock import {}: its file could not be deleted ({})", row[0], e.getMessage());
                    }
                }
            }
            deleted += batch.size();
        } while (batch.size() == 500);
        return deleted;
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void start() {
        running = true;
        runner = new Thread(this::work, "stock-import");
        runner.setDaemon(true);
        runner.start();
    }

    /** Stops between two rows (never interrupting a database write); the import resumes at the next start. */
    @Override
    public void stop() {
        running = false;
        wake.offer(Boolean.TRUE);
        if (runner != null) {
            try {
                runner.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * This instance's name on its imports: kept in the data directory, so a restart finds the
     * imports it was running, and another instance on the same database leaves them alone
     * (their files are in this instance's data directory).
     */
    private static String instanceName(Path directory) {
        try {
            Files.createDirectories(directory);
            Path name = directory.resolve("instance");
            if (Files.exists(name)) {
                return Files.readString(name, StandardCharsets.UTF_8).trim();
            }
            String created = UUID.randomUUID().toString();
            Files.writeString(name, created, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException("imports: cannot use " + directory, e);
        }
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    private static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }

    private static String stripBom(String line) {
        return line.startsWith("\uFEFF") ? line.substring(1) : line;
    }

    private static String abbreviate(String value) {
        return abbreviate(value, 40);
    }

    private static String abbreviate(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max) + "...";
    }
}
