package dev.cossim.plots;

import dev.cossim.source.Tensor;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Cosine similarity and Pearson correlation of a seeded random sample of distinct row pairs, both in double straight
 * from the raw values (the seed's scatter of one against the other). Rows that are zero, non-finite or constant
 * (no correlation defined) are never drawn.
 */
public record PairSample(int[] i, int[] j, double[] cosine, double[] correlation) {

    public int size() {
        return cosine.length;
    }

    public static PairSample draw(Tensor t, int pairs, long seed) {
        t.requireMatrix();
        int n = Math.toIntExact(t.rows());
        int d = (int) t.rowLength();
        if (n < 2) {
            return new PairSample(new int[0], new int[0], new double[0], new double[0]);
        }
        long possible = (long) n * (n - 1) / 2;
        int want = (int) Math.min(pairs, possible);
        SplittableRandom rnd = new SplittableRandom(seed);
        Set<Long> seen = new HashSet<>();
        int[] is = new int[want], js = new int[want];
        double[] cos = new double[want], cor = new double[want];
        int got = 0;
        long attempts = 0;
        while (got < want && attempts++ < 20L * want + 1000) {
            int a = rnd.nextInt(n), b = rnd.nextInt(n);
            if (a == b) {
                continue;
            }
            int lo = Math.min(a, b), hi = Math.max(a, b);
            if (!seen.add((long) lo * n + hi)) {
                continue;
            }
            double[] x = t.rowAsDoubles(lo), y = t.rowAsDoubles(hi);
            double c = cosine(x, y, false), r = cosine(x, y, true);
            if (Double.isFinite(c) && Double.isFinite(r)) {
                is[got] = lo;
                js[got] = hi;
                cos[got] = c;
                cor[got] = r;
                got++;
            }
        }
        return new PairSample(java.util.Arrays.copyOf(is, got), java.util.Arrays.copyOf(js, got),
                java.util.Arrays.copyOf(cos, got), java.util.Arrays.copyOf(cor, got));
    }

    /** Cosine of x and y, or of their mean-centred versions (Pearson correlation); NaN when a vector is zero. */
    static double cosine(double[] x, double[] y, boolean centre) {
        double mx = 0, my = 0;
        if (centre) {
            for (int k = 0; k < x.length; k++) {
                mx += x[k];
                my += y[k];
            }
            mx /= x.length;
            my /= y.length;
        }
        double num = 0, nx = 0, ny = 0;
        for (int k = 0; k < x.length; k++) {
            double a = x[k] - mx, b = y[k] - my;
            num += a * b;
            nx += a * a;
            ny += b * b;
        }
        return nx == 0 || ny == 0 ? Double.NaN : num / Math.sqrt(nx * ny);
    }
}
