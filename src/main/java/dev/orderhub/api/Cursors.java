package dev.orderhub.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Opaque page cursors: the position after which the next page starts, tagged with the list it
 * belongs to. Anything else given as a cursor (empty, garbage, edited, another list's) is a 400:
 * silently starting from the top would page through the same items again.
 */
public final class Cursors {

    /** Which list a cursor pages through. */
    public enum List {
        ORDERS('o'), ORDERS_NEWEST('n'), EXCEPTIONS('e'), EXCEPTIONS_NEWEST('x'), STOCK_HISTORY('h'), SKUS('s'),
        RESERVATIONS('r'), ALERTS('a'), ROUTING_QUEUE('q');

        private final char tag;

        List(char tag) {
            this.tag = tag;
        }
    }

    private static final Pattern POSITION = Pattern.compile("[1-9][0-9]{0,17}");

    private Cursors() {
    }

    public static String encode(List list, Long position) {
        return position == null ? null
                : Base64.getUrlEncoder().withoutPadding().encodeToString((list.tag + ":" + position).getBytes(StandardCharsets.US_ASCII));
    }

    /** The position a cursor of {@code list} stands for; 0 (the start) when none was given. */
    public static long decode(List list, String cursor) {
        if (cursor == null) {
            return 0;
        }
        if (cursor.isEmpty()) {
            throw ApiException.invalid("cursor: is empty; leave it out to start at the first page");
        }
        try {
            String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            if (plain.length() > 2 && plain.charAt(0) == list.tag && plain.charAt(1) == ':'
                    && POSITION.matcher(plain.substring(2)).matches() && cursor.equals(encode(list, Long.parseLong(plain.substring(2))))) {
                return Long.parseLong(plain.substring(2));
            }
        } catch (IllegalArgumentException e) {
            // falls through to the error below
        }
        throw ApiException.invalid("cursor: is not a cursor this API gave out for this list; use the \"next\" of the page before");
    }

    /** A cursor standing for a text position (a sku), for lists ordered by text. */
    public static String encodeText(List list, String position) {
        return position == null ? null : Base64.getUrlEncoder().withoutPadding()
                .encodeToString((list.tag + ":" + position).getBytes(StandardCharsets.UTF_8));
    }

    /** The text position of a cursor of {@code list}; null (the start) when none was given. */
    public static String decodeText(List list, String cursor) {
        return decodeText(list, cursor, 200);
    }

    /** The text position (at most {@code maxChars} long) of a cursor of {@code list}; null (the start) when none was given. */
    public static String decodeText(List list, String cursor, int maxChars) {
        if (cursor == null) {
            return null;
        }
        try {
            String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (plain.length() > 2 && plain.length() <= maxChars + 2 && plain.charAt(0) == list.tag && plain.charAt(1) == ':'
                    && cursor.equals(encodeText(list, plain.substring(2)))) {
                return plain.substring(2);
            }
        } catch (IllegalArgumentException e) {
            // falls through to the error below
        }
        throw notACursor();
    }

    /** The answer to a cursor this API did not give out for the list. */
    public static ApiException notACursor() {
        return ApiException.invalid("cursor: is not a cursor this API gave out for this list; use the \"next\" of the page before");
    }

    public static int limit(Integer limit) {
        if (limit == null) {
            return 50;
        }
        if (limit < 1 || limit > 500) {
            throw ApiException.invalid("limit: must be between 1 and 500, was " + limit);
        }
        return limit;
    }
}
