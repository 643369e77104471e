package dev.orderhub.input;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Currency;
import java.util.regex.Pattern;

/**
 * The one set of rules for what the hub takes in at its edge (API bodies, path variables,
 * query parameters, headers, CSV rows, orders arriving over the broker). Each check answers
 * null when the value is fine, or the problem without the field's name, for the caller to
 * prefix with where the value was ({@code lines[0].sku: ...}). Problems never quote the value,
 * so they are safe to log and to show whatever the field holds.
 */
public final class InputRules {

    public static final int MAX_SKU_LENGTH = 100;
    /** Dates outside these are typos or attacks, not orders: no channel sells in the year 999999999. */
    public static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("2099-12-31T23:59:59Z");
    /** Digits, optionally a point and more digits: no plus sign, exponent, spaces, NaN or Infinity (minus: range check). */
    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");
    /** When a currency has no minor unit defined (XXX, XAU...): the hub's storage precision. */
    private static final int MAX_DECIMALS = 4;

    private InputRules() {
    }

    /**
     * Text of at most {@code maxLength} printable characters: no control characters (NUL,
     * line breaks, tabs, DEL, C1) and no unpaired UTF-16 surrogates, which no database stores.
     */
    public static String textProblem(String value, int maxLength) {
        if (value.length() > maxLength) {
            return "at most " + maxLength + " characters, was " + value.length();
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                return "contains a control character (U+" + String.format("%04X", (int) c) + ") at position " + i
                        + "; only printable characters are accepted";
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "contains an unpaired UTF-16 surrogate at position " + i + "; it is not valid Unicode";
            }
        }
        return null;
    }

    /**
     * Multi-line text (an edited payload, a rules file) of at most {@code maxLength} characters:
     * line breaks and tabs are allowed, no other control character.
     */
    public static String blockProblem(String value, int maxLength) {
        if (value.length() > maxLength) {
            return "must be at most " + maxLength + " characters, was " + value.length();
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
                return "holds a control character at position " + i;
            }
        }
        return null;
    }

    /**
     * A sku is a name in URLs ({@code /api/stock/{sku}}) and files: 1 to 100 printable
     * characters, no slash or backslash, not "." or "..", no whitespace at either end.
     */
    public static String skuProblem(String sku) {
        if (sku.isBlank()) {
            return "is blank";
        }
        String text = textProblem(sku, MAX_SKU_LENGTH);
        if (text != null) {
            return text;
        }
        if (!sku.strip().equals(sku)) {
            return "must not start or end with whitespace";
        }
        if (sku.equals(".") || sku.equals("..")) {
            return "\"" + sku + "\" is a path segment, not a sku";
        }
        if (sku.indexOf('/') >= 0 || sku.indexOf('\\') >= 0) {
            return "must not contain \"/\" or \"\\\"";
        }
        return null;
    }

    /** Parses an ISO-8601 date-time with offset between {@link #EARLIEST} and {@link #LATEST}. */
    public static Instant instant(String text) {
        Instant instant;
        try {
            instant = OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new Refused("is not an ISO-8601 date-time with offset (e.g. 2026-11-26T10:15:00Z)");
        }
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw new Refused("must be between " + EARLIEST + " and " + LATEST);
        }
        return instant;
    }

    /**
     * An amount of money as the exact decimal its text says ("19.95" from a JSON string, or the
     * raw text of a JSON number): plain digits with at most the currency's decimals (trailing
     * zeros do not count), at least 0 and below {@code max}. Null currency: at most 4 decimals.
     */
    public static BigDecimal money(String text, Currency currency, BigDecimal max) {
        if (text.indexOf('e') >= 0 || text.indexOf('E') >= 0) {
            throw new Refused("must be written without an exponent (e.g. 100 or \"19.95\", not 1e2)");
        }
        if (!DECIMAL.matcher(text).matches()) {
            throw new Refused("must be a decimal number such as 19.95 or \"19.95\" (digits and one point; "
                    + "no plus sign, spaces, NaN or Infinity)");
        }
        BigDecimal value = new BigDecimal(text);
        if (value.signum() < 0 || value.compareTo(max) >= 0) {
            throw new Refused("must be between 0 and " + max.toPlainString() + ", was "
                    + (text.length() <= 40 ? text : text.substring(0, 40) + "..."));
        }
        int decimals = currency == null || currency.getDefaultFractionDigits() < 0 ? MAX_DECIMALS
                : currency.getDefaultFractionDigits();
        if (Math.max(0, value.stripTrailingZeros().scale()) > decimals) {
            throw new Refused(currency == null || currency.getDefaultFractionDigits() < 0
                    ? "at most " + decimals + " decimals, was " + text
                    : currency.getCurrencyCode() + " has " + decimals + " decimals, was " + text);
        }
        return value;
    }

    /** A value that breaks a rule; the message is the problem, to be prefixed with the field. */
    public static final class Refused extends RuntimeException {

        public Refused(String problem) {
            super(problem, null, false, false);
        }
    }
}
