package dev.orderhub.inventory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.input.InputRules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Bulk stock files (CSV {@code sku,location,onHand}): each good row is applied as an absolute
 * count in its own transaction, each bad row is reported with its line number and reason, and
 * progress can be read while the import runs. A row applies the same rules as a single count.
 */
@Service
public class StockImports implements DisposableBean {

    public static final String HEADER = "sku,location,onHand";
    private static final Logger LOG = LoggerFactory.getLogger(StockImports.class);
    private static final int PROGRESS_EVERY = 50;

    private final StockLedger ledger;
    private final ChannelRegistry registry;
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final Clock clock;
    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "stock-import");
        thread.setDaemon(true);
        return thread;
    });

    public StockImports(StockLedger ledger, ChannelRegistry registry, JdbcClient jdbc, ObjectMapper json, Clock clock) {
        this.ledger = ledger;
        this.registry = registry;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /** A row that was not applied. */
    public record Rejected(int line, String reason) {
    }

    /** Where an import is. */
    public record Progress(String importId, String status, int rowsTotal, int rowsDone, List<Rejected> rejected) {
    }

    /** Checks the header, records the import and runs it in the background. Returns its id. */
    public String start(String csv, String actor) {
        List<String> lines = csv.lines().toList();
        if (lines.isEmpty() || !HEADER.equals(stripBom(lines.get(0)).trim())) {
            throw new IllegalArgumentException("import: the first line must be the header \"" + HEADER + "\", was \""
                    + (lines.isEmpty() ? "" : abbreviate(lines.get(0))) + "\"");
        }
        int rows = (int) lines.stream().skip(1).filter(line -> !line.isBlank()).count();
        String id = UUID.randomUUID().toString();
        jdbc.sql("INSERT INTO stock_imports (id, status, rows_total, rows_done, rejected, created_at) "
                        + "VALUES (:id, 'RUNNING', :rows, 0, '[]', :now)")
                .param("id", id).param("rows", rows).param("now", now()).update();
        runner.execute(() -> run(id, csv, actor));
        return id;
    }

    private void run(String id, String csv, String actor) {
        List<Rejected> rejected = new ArrayList<>();
        int done = 0;
        try (BufferedReader reader = new BufferedReader(new StringReader(csv))) {
            reader.readLine();
            String line;
            int number = 1;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                String problem = apply(line, id, actor);
                if (problem != null) {
                    rejected.add(new Rejected(number, problem));
                }
                done++;
                if (done % PROGRESS_EVERY == 0) {
                    progress(id, "RUNNING", done, rejected);
                }
            }
            progress(id, "DONE", done, rejected);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            LOG.error("stock import {} failed after {} rows", id, done, e);
            rejected.add(new Rejected(0, "import stopped: " + e.getMessage()));
            progress(id, "FAILED", done, rejected);
        }
    }

    /** Applies one row; returns why it was rejected, or null. */
    private String apply(String line, String importId, String actor) {
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
        try {
            LockConflicts.retry(() -> ledger.setOnHand(sku, location, onHand, "import " + importId, actor));
            return null;
        } catch (StockInputException e) {
            return e.getMessage();
        }
    }

    private void progress(String id, String status, int done, List<Rejected> rejected) {
        String list;
        try {
            list = json.writeValueAsString(rejected);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        jdbc.sql("UPDATE stock_imports SET status = :status, rows_done = :done, rejected = :rejected, "
                        + "finished_at = CASE WHEN :status = 'RUNNING' THEN NULL ELSE :now END WHERE id = :id")
                .param("status", status).param("done", done).param("rejected", list).param("now", now()).param("id", id)
                .update();
    }

    public Optional<Progress> progress(String id) {
        return jdbc.sql("SELECT id, status, rows_total, rows_done, rejected FROM stock_imports WHERE id = :id")
                .param("id", id)
                .query((rs, n) -> new Progress(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4),
                        readRejected(rs.getString(5))))
                .optional();
    }

    private List<Rejected> readRejected(String list) {
        try {
            return json.readValue(list, new TypeReference<List<Rejected>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stock_imports.rejected is not a JSON list", e);
        }
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    private static String stripBom(String line) {
        return line.startsWith("\uFEFF") ? line.substring(1) : line;
    }

    private static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "...";
    }

    @Override
    public void destroy() {
        runner.shutdownNow();
    }
}
