package dev.cossim.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The reference every engine result is checked against: cosine similarities of all unordered pairs computed in
 * double precision straight from the raw values, with no tiling, threads or float32 anywhere.
 */
public final class BruteForce {
    public final int n;
    public final int d;
    /** Rows that take part (non-zero, finite), by original id. */
    public final int[] ids;
    /** sims[a][b] for packed rows a, b. */
    public final double[][] sims;

    public BruteForce(float[] m, int n, int d) {
        this.n = n;
        this.d = d;
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double ss = 0;
            boolean finite = true;
            for (int k = 0; k < d; k++) {
                float v = m[i * d + k];
                finite &= Float.isFinite(v);
                ss += (double) v * v;
            }
            if (finite && ss > 0) {
                keep.add(i);
            }
        }
        ids = keep.stream().mapToInt(Integer::intValue).toArray();
        sims = new double[ids.length][ids.length];
        for (int a = 0; a < ids.length; a++) {
            for (int b = 0; b < ids.length; b++) {
                double num = 0, na = 0, nb = 0;
                for (int k = 0; k < d; k++) {
                    double x = m[ids[a] * d + k], y = m[ids[b] * d + k];
                    num += x * y;
                    na += x * x;
                    nb += y * y;
                }
                sims[a][b] = num / Math.sqrt(na * nb);
            }
        }
    }

    public long pairs() {
        return (long) ids.length * (ids.length - 1) / 2;
    }

    /** Histogram by the documented rule: bin i covers [lo + i*w, lo + (i+1)*w), values clamped, hi in the last bin. */
    public long[] histogram(double lo, double hi, int bins) {
        long[] c = new long[bins];
        double w = (hi - lo) / bins;
        for (int a = 0; a < ids.length; a++) {
            for (int b = a + 1; b < ids.length; b++) {
                double v = Math.max(lo, Math.min(hi, sims[a][b]));
                int bin = (int) Math.floor((v - lo) / w);
                c[Math.min(bin, bins - 1)]++;
            }
        }
        return c;
    }

    /** Number of pairs within {@code eps} of any bin edge: the only pairs whose bin may differ from float32 results. */
    public long nearEdge(double lo, double hi, int bins, double eps) {
        double w = (hi - lo) / bins;
        long count = 0;
        for (int a = 0; a < ids.length; a++) {
            for (int b = a + 1; b < ids.length; b++) {
                double pos = (sims[a][b] - lo) / w;
                double dist = Math.abs(pos - Math.rint(pos)) * w;
                if (dist <= eps) {
                    count++;
                }
            }
        }
        return count;
    }

    public double mean() {
        double s = 0;
        for (int a = 0; a < ids.length; a++) {
            for (int b = a + 1; b < ids.length; b++) {
                s += sims[a][b];
            }
        }
        return s / pairs();
    }

    public double std() {
        double mu = mean(), s = 0;
        for (int a = 0; a < ids.length; a++) {
            for (int b = a + 1; b < ids.length; b++) {
                s += (sims[a][b] - mu) * (sims[a][b] - mu);
            }
        }
        return Math.sqrt(s / pairs());
    }

    /** {id_i, id_j} of the extreme pair (max if {@code max}), ties to the lower (i, j). */
    public int[] extreme(boolean max) {
        int bi = -1, bj = -1;
        double best = max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        for (int a = 0; a < ids.length; a++) {
            for (int b = a + 1; b < ids.length; b++) {
                double v = sims[a][b];
                if (max ? v > best : v < best) {
                    best = v;
                    bi = ids[a];
                    bj = ids[b];
                }
            }
        }
        return new int[]{bi, bj};
    }

    public double sim(int idA, int idB) {
        return sims[index(idA)][index(idB)];
    }

    private int index(int id) {
        for (int a = 0; a < ids.length; a++) {
            if (ids[a] == id) {
                return a;
            }
        }
        throw new IllegalArgumentException("row " + id + " is excluded");
    }

    /** Original ids of the k nearest other rows of original row {@code id}: by similarity, ties to the lower id. */
    public int[] topK(int id, int k) {
        int a = index(id);
        List<Integer> others = new ArrayList<>();
        for (int b = 0; b < ids.length; b++) {
            if (b != a) {
                others.add(b);
            }
        }
        others.sort(Comparator.<Integer>comparingDouble(b -> -sims[a][b]).thenComparingInt(b -> ids[b]));
        return others.stream().limit(k).mapToInt(b -> ids[b]).toArray();
    }
}
