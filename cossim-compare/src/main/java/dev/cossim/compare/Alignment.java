package dev.cossim.compare;

import dev.cossim.source.EmbeddingModel;
import dev.cossim.vocab.Vocabulary;

import java.util.HashMap;
import java.util.Map;

/**
 * Which row of A pairs with which row of B: by token string when both models have vocabularies, by id otherwise.
 * A token spelled by several rows of one side pairs through its first (lowest) id; the later rows are counted as
 * duplicates and left out. Row {@code i} of the comparison is row {@code idsA[i]} of A and {@code idsB[i]} of B, in
 * the order of A's ids.
 *
 * @param by          "token" or "id"
 * @param onlyA       selected rows of A with no partner in B (duplicates not counted)
 * @param onlyB       rows of B with no partner among the selected rows of A (duplicates not counted)
 * @param duplicatesA selected rows of A left out because an earlier row of A spells the same token
 * @param duplicatesB rows of B left out because an earlier row of B spells the same token
 * @param unusable    aligned pairs left out because either row is zero or not finite (no direction, so no cosine)
 */
public record Alignment(String by, int[] idsA, int[] idsB, int selectedA, int onlyA, int onlyB, int duplicatesA,
                        int duplicatesB, int unusable) {

    public int size() {
        return idsA.length;
    }

    static boolean hasVocabulary(EmbeddingModel m) {
        return m.vocabulary() != Vocabulary.none();
    }

    /** Pairs the selected rows of A (ascending ids) with rows of B; leaves out pairs where either row is unusable. */
    static Alignment of(EmbeddingModel a, int[] selectedA, EmbeddingModel b) {
        int[] pa = new int[selectedA.length];
        int[] pb = new int[selectedA.length];
        int n = 0;
        int dupA = 0;
        int dupB = 0;
        String by;
        if (hasVocabulary(a) && hasVocabulary(b)) {
            by = "token";
            Vocabulary vb = b.vocabulary();
            Map<String, Integer> first = new HashMap<>();
            for (int id = 0; id < b.rows(); id++) {
                String t = id < vb.size() ? vb.token(id) : null;
                if (t != null && first.putIfAbsent(t, id) != null) {
                    dupB++;
                }
            }
            Vocabulary va = a.vocabulary();
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (int id : selectedA) {
                String t = id < va.size() ? va.token(id) : null;
                if (t == null) {
                    continue;
                }
                if (!seen.add(t)) {
                    dupA++;
                    continue;
                }
                Integer j = first.get(t);
                if (j != null) {
                    pa[n] = id;
                    pb[n] = j;
                    n++;
                }
            }
        } else {
            by = "id";
            for (int id : selectedA) {
                if (id < b.rows()) {
                    pa[n] = id;
                    pb[n] = id;
                    n++;
                }
            }
        }
        int paired = n;
        boolean[] okA = usable(a, pa, n);
        boolean[] okB = usable(b, pb, n);
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (okA[i] && okB[i]) {
                pa[m] = pa[i];
                pb[m] = pb[i];
                m++;
            }
        }
        return new Alignment(by, java.util.Arrays.copyOf(pa, m), java.util.Arrays.copyOf(pb, m), selectedA.length,
                selectedA.length - paired - dupA, b.rows() - paired - dupB, dupA, dupB, n - m);
    }

    /** Whether each of the first n rows has a direction: finite values and a norm above zero (in double). */
    private static boolean[] usable(EmbeddingModel m, int[] ids, int n) {
        boolean[] ok = new boolean[n];
        var t = m.matrix();
        int d = m.dim();
        java.util.stream.IntStream.range(0, n).parallel().forEach(i -> {
            long base = (long) ids[i] * d;
            double ss = 0;
            for (int c = 0; c < d; c++) {
                double x = t.getDouble(base + c);
                ss += x * x;
            }
            ok[i] = ss > 0 && Double.isFinite(ss);
        });
        return ok;
    }
}
