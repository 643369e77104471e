package dev.orderhub.connector.manifest;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/** The known name a mistyped one most likely meant, for "did you mean" in error lines. */
public final class ClosestName {

    private ClosestName() {
    }

    /** The nearest of {@code known} to {@code typed}, if it is near enough to be a typo of it. */
    static Optional<String> to(String typed, Collection<String> known) {
        String t = typed.toLowerCase(Locale.ROOT);
        return known.stream()
                .min(Comparator.comparingInt((String k) -> distance(t, k.toLowerCase(Locale.ROOT))).thenComparing(k -> k))
                .filter(k -> distance(t, k.toLowerCase(Locale.ROOT)) <= Math.max(2, k.length() / 3));
    }

    /** " (did you mean "x"?)" or "". */
    public static String hint(String typed, Collection<String> known) {
        return to(typed, known).map(k -> " (did you mean \"" + k + "\"?)").orElse("");
    }

    /** Levenshtein distance, with a swap of two neighbours counted as one edit (stokc → stock). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
