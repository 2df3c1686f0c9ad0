package dev.cossim.testing;

import dev.cossim.matrix.Metric;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The brute-force reference for every metric and for selections: each pair's value computed in double straight from
 * the raw float values (no normalised float32 rows, no tiles, no threads), listed pair by pair. Rows are kept by the
 * library's rule: finite, and not of zero length (after mean-centring, for correlation).
 */
public final class MetricReference {
    public final Metric metric;
    /** Pairs by original id (i < j) and their values. */
    public final int[] pi;
    public final int[] pj;
    public final double[] pv;
    /** Kept rows of side A (all rows of a within run) and side B (empty for a within run). */
    public final int[] idsA;
    public final int[] idsB;

    private MetricReference(Metric metric, int[] idsA, int[] idsB, List<double[]> pairs) {
        this.metric = metric;
        this.idsA = idsA;
        this.idsB = idsB;
        pi = new int[pairs.size()];
        pj = new int[pairs.size()];
        pv = new double[pairs.size()];
        for (int q = 0; q < pairs.size(); q++) {
            pi[q] = (int) pairs.get(q)[0];
            pj[q] = (int) pairs.get(q)[1];
            pv[q] = pairs.get(q)[2];
        }
    }

    /** Every unordered pair among the selected rows. */
    public static MetricReference within(float[] m, int d, Metric metric, int[] selection) {
        int[] ids = kept(m, d, metric, selection);
        List<double[]> pairs = new ArrayList<>();
        for (int a = 0; a < ids.length; a++) {
            for (int b = a + 1; b < ids.length; b++) {
                pairs.add(new double[]{Math.min(ids[a], ids[b]), Math.max(ids[a], ids[b]), value(m, d, metric, ids[a], ids[b])});
            }
        }
        return new MetricReference(metric, ids, new int[0], pairs);
    }

    /** Every pair of one row of A with one of B (disjoint selections). */
    public static MetricReference cross(float[] m, int d, Metric metric, int[] a, int[] b) {
        int[] ka = kept(m, d, metric, a), kb = kept(m, d, metric, b);
        List<double[]> pairs = new ArrayList<>();
        for (int x : ka) {
            for (int y : kb) {
                pairs.add(new double[]{Math.min(x, y), Math.max(x, y), value(m, d, metric, x, y)});
            }
        }
        return new MetricReference(metric, ka, kb, pairs);
    }

    public static int[] kept(float[] m, int d, Metric metric, int[] selection) {
        return Arrays.stream(selection).filter(r -> {
            double s = 0;
            for (int k = 0; k < d; k++) {
                if (!Float.isFinite(m[r * d + k])) {
                    return false;
                }
                s += m[r * d + k];
            }
            double mean = metric == Metric.CORRELATION ? s / d : 0, ss = 0;
            for (int k = 0; k < d; k++) {
                double x = m[r * d + k] - mean;
                ss += x * x;
            }
            return ss > 0;
        }).toArray();
    }

    /** The metric's value for raw rows x and y, in double. */
    public static double value(float[] m, int d, Metric metric, int x, int y) {
        double mx = 0, my = 0;
        if (metric == Metric.CORRELATION) {
            for (int k = 0; k < d; k++) {
                mx += m[x * d + k];
                my += m[y * d + k];
            }
            mx /= d;
            my /= d;
        }
        double dot = 0, nx = 0, ny = 0, dist = 0;
        for (int k = 0; k < d; k++) {
            double a = m[x * d + k] - mx, b = m[y * d + k] - my;
            dot += a * b;
            nx += a * a;
            ny += b * b;
            dist += (a - b) * (a - b);
        }
        return switch (metric) {
            case COSINE, CORRELATION -> dot / Math.sqrt(nx * ny);
            case DOT -> dot;
            case EUCLIDEAN -> Math.sqrt(dist);
        };
    }

    public long count() {
        return pv.length;
    }

    public double mean() {
        return Arrays.stream(pv).sum() / pv.length;
    }

    public double std() {
        double mu = mean();
        return Math.sqrt(Arrays.stream(pv).map(v -> (v - mu) * (v - mu)).sum() / pv.length);
    }

    public double min() {
        return Arrays.stream(pv).min().orElse(Double.NaN);
    }

    public double max() {
        return Arrays.stream(pv).max().orElse(Double.NaN);
    }

    public double value(int a, int b) {
        int i = Math.min(a, b), j = Math.max(a, b);
        for (int q = 0; q < pv.length; q++) {
            if (pi[q] == i && pj[q] == j) {
                return pv[q];
            }
        }
        throw new IllegalArgumentException("no pair " + a + ", " + b);
    }

    /** Indices of pairs, best first (largest, or smallest with {@code smallest}), ties by lower (i, j). */
    public int[] ranked(boolean smallest) {
        Comparator<Integer> byValue = Comparator.comparingDouble(q -> pv[q]);
        return java.util.stream.IntStream.range(0, pv.length).boxed()
                .sorted((smallest ? byValue : byValue.reversed()).thenComparingInt(q -> pi[q]).thenComparingInt(q -> pj[q]))
                .mapToInt(Integer::intValue).toArray();
    }

    public boolean qualifies(double v, double threshold, boolean below) {
        return below ? v <= threshold : v >= threshold;
    }

    public long countQualifying(double threshold, boolean below) {
        return Arrays.stream(pv).filter(v -> qualifies(v, threshold, below)).count();
    }

    /** Connected components (>= 2 rows) of the qualifying pairs by plain graph search, largest first, ties by first id. */
    public List<int[]> groups(double threshold, boolean below) {
        int[] all = java.util.stream.IntStream.concat(Arrays.stream(idsA), Arrays.stream(idsB)).sorted().toArray();
        List<int[]> out = new ArrayList<>();
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int start : all) {
            if (seen.contains(start)) {
                continue;
            }
            java.util.TreeSet<Integer> comp = new java.util.TreeSet<>();
            java.util.ArrayDeque<Integer> todo = new java.util.ArrayDeque<>(List.of(start));
            while (!todo.isEmpty()) {
                int x = todo.pop();
                if (!comp.add(x)) {
                    continue;
                }
                for (int q = 0; q < pv.length; q++) {
                    if (qualifies(pv[q], threshold, below)) {
                        if (pi[q] == x && !comp.contains(pj[q])) {
                            todo.push(pj[q]);
                        } else if (pj[q] == x && !comp.contains(pi[q])) {
                            todo.push(pi[q]);
                        }
                    }
                }
            }
            seen.addAll(comp);
            if (comp.size() > 1) {
                out.add(comp.stream().mapToInt(Integer::intValue).toArray());
            }
        }
        out.sort(Comparator.<int[]>comparingInt(g -> -g.length).thenComparingInt(g -> g[0]));
        return out;
    }

    /** Mean of the values of the pairs that row {@code id} is part of. */
    public double rowMean(int id) {
        double s = 0;
        long c = 0;
        for (int q = 0; q < pv.length; q++) {
            if (pi[q] == id || pj[q] == id) {
                s += pv[q];
                c++;
            }
        }
        return s / c;
    }

    public long rowHubness(int id, double threshold, boolean below) {
        long c = 0;
        for (int q = 0; q < pv.length; q++) {
            if ((pi[q] == id || pj[q] == id) && qualifies(pv[q], threshold, below)) {
                c++;
            }
        }
        return c;
    }

    /** Smallest distance of any pair's value to {@code t}: a threshold test is exact when this exceeds float error. */
    public double margin(double t) {
        return Arrays.stream(pv).map(v -> Math.abs(v - t)).min().orElse(Double.POSITIVE_INFINITY);
    }
}
