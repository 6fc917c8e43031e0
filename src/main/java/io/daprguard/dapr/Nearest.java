package io.daprguard.dapr;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * "Did you mean" suggestions: the candidate closest to a misspelt name by optimal string alignment distance
 * (Damerau-Levenshtein with adjacent transpositions), compared case-insensitively. Ties go to the candidate
 * listed first.
 */
public final class Nearest {

    private final List<String> candidates;
    private final List<String> lowerCase;

    /** Suggestions among these candidates, in this order. */
    public Nearest(List<String> candidates) {
        this.candidates = List.copyOf(candidates);
        this.lowerCase = candidates.stream().map(c -> c.toLowerCase(Locale.ROOT)).toList();
    }

    /**
     * The candidate closest to {@code name} at a distance of at most {@code limit}; {@code name} itself when it
     * is a candidate (in any case).
     */
    public Optional<String> find(String name, int limit) {
        if (name == null || name.isEmpty() || limit < 0) {
            return Optional.empty();
        }
        String key = name.toLowerCase(Locale.ROOT);
        int best = Integer.MAX_VALUE;
        int bestIndex = -1;
        int[][] rows = new int[3][]; // reused rolling rows
        for (int i = 0; i < lowerCase.size(); i++) {
            String candidate = lowerCase.get(i);
            if (Math.abs(candidate.length() - key.length()) > Math.min(limit, best)) {
                continue; // the distance is at least the difference in length
            }
            int d = distance(key, candidate, rows);
            if (d < best) {
                best = d;
                bestIndex = i;
                if (d == 0) {
                    break;
                }
            }
        }
        return bestIndex >= 0 && best <= limit ? Optional.of(candidates.get(bestIndex)) : Optional.empty();
    }

    /** Optimal string alignment distance with three rolling rows. */
    private static int distance(String a, String b, int[][] rows) {
        int n = b.length();
        if (rows[0] == null || rows[0].length < n + 1) {
            rows[0] = new int[n + 1];
            rows[1] = new int[n + 1];
            rows[2] = new int[n + 1];
        }
        int[] prev2 = rows[0];
        int[] prev = rows[1];
        int[] cur = rows[2];
        for (int j = 0; j <= n; j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            char ca = a.charAt(i - 1);
            for (int j = 1; j <= n; j++) {
                char cb = b.charAt(j - 1);
                int cost = ca == cb ? 0 : 1;
                int v = Math.min(Math.min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
                if (i > 1 && j > 1 && ca == b.charAt(j - 2) && a.charAt(i - 2) == cb) {
                    v = Math.min(v, prev2[j - 2] + 1);
                }
                cur[j] = v;
            }
            int[] t = prev2;
            prev2 = prev;
            prev = cur;
            cur = t;
        }
        return prev[n];
    }
}
