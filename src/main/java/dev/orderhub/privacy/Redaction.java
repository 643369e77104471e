package dev.orderhub.privacy;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What may be logged of a failure or a reason without personal data. Exception messages are
 * never logged as they are: the database quotes the refused value ("Value too long for column
 * ...: 'Keizersgracht 1'", pgjdbc's "Key (email)=(...)"), Jackson quotes the input, a
 * validation reason quotes the field it refuses. What stays is what an operator needs to find
 * the cause: the exception classes, SQLState and vendor code, the stack frames, and the
 * exception store entry that holds the payload and full reason (behind the API).
 */
public final class Redaction {

    /** A field path as the validators name them: {@code shipTo.city}, {@code lines[0].qty}, {@code channel}. */
    private static final Pattern FIELD = Pattern.compile("[A-Za-z][A-Za-z0-9_]*(\\[\\d+])?(\\.[A-Za-z][A-Za-z0-9_]*(\\[\\d+])?)*");

    private Redaction() {
    }

    /** The failure as a chain of exception classes with SQLState and vendor code, outermost first; no message. */
    public static String describe(Throwable failure) {
        List<String> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && chain.size() < 8; t = t.getCause() == t ? null : t.getCause()) {
            chain.add(describeOne(t));
        }
        return String.join(" <- ", chain);
    }

    /**
     * The same failure with its stack frames but without any message: for logging a stack trace.
     * Each exception of the chain becomes a {@link Redacted} naming its class (and SQLState).
     */
    public static Throwable redacted(Throwable failure) {
        if (failure == null) {
            return null;
        }
        Throwable cause = failure.getCause() == null || failure.getCause() == failure ? null : failure.getCause();
        Redacted copy = new Redacted(describeOne(failure), redacted(cause));
        copy.setStackTrace(failure.getStackTrace());
        return copy;
    }

    /**
     * The fields a reason names ({@code "buyer.name: must be a string, was ..."; ...} gives
     * {@code buyer.name}), without what it says of their values; a reason that names no field
     * gives its length only.
     */
    public static String fieldsOf(String reason) {
        if (reason == null || reason.isBlank()) {
            return "(no reason)";
        }
        List<String> fields = new ArrayList<>();
        for (String problem : reason.split("; ")) {
            int colon = problem.indexOf(':');
            String field = colon > 0 ? problem.substring(0, colon).trim() : "";
            if (FIELD.matcher(field).matches() && field.length() <= 100) {
                if (!fields.contains(field)) {
                    fields.add(field);
                }
            }
        }
        return fields.isEmpty() ? "a reason of " + reason.length() + " characters" : "problems in " + String.join(", ", fields);
    }

    private static String describeOne(Throwable t) {
        String name = t instanceof Redacted ? t.getMessage() : t.getClass().getName();
        if (t instanceof SQLException sql) {
            return name + " (SQLState " + sql.getSQLState() + ", code " + sql.getErrorCode() + ")";
        }
        return name;
    }

    /** A stand-in for an exception whose message is withheld. */
    public static final class Redacted extends RuntimeException {

        Redacted(String description, Throwable cause) {
            super(description + " [message withheld: it may quote personal data]", cause, false, true);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
