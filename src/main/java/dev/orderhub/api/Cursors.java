package dev.orderhub.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque page cursors: the position after which the next page starts. */
final class Cursors {

    private Cursors() {
    }

    static String encode(Long position) {
        return position == null ? null
                : Base64.getUrlEncoder().withoutPadding().encodeToString(("p" + position).getBytes(StandardCharsets.US_ASCII));
    }

    static long decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return 0;
        }
        try {
            String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            if (plain.startsWith("p")) {
                return Long.parseLong(plain.substring(1));
            }
        } catch (IllegalArgumentException e) {
            // falls through to the error below
        }
        throw ApiException.invalid("cursor: \"" + cursor + "\" is not a cursor this API gave out");
    }

    static int limit(Integer limit) {
        if (limit == null) {
            return 50;
        }
        if (limit < 1 || limit > 500) {
            throw ApiException.invalid("limit: must be between 1 and 500, was " + limit);
        }
        return limit;
    }
}
