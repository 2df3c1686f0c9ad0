package dev.cossim.compare;

import java.util.Arrays;
import java.util.Comparator;

/** Rank correlation of paired samples: Spearman's rho as the Pearson correlation of ranks, ties sharing their mean rank. */
final class Ranks {
    private Ranks() {
    }

    /** Ranks 1..n of the values, tied values getting the mean of the ranks they span. */
    static double[] of(double[] v) {
        int n = v.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> v[i]));
        double[] rank = new double[n];
        for (int i = 0; i < n; ) {
            int j = i;
            while (j + 1 < n && v[order[j + 1]] == v[order[i]]) {
                j++;
            }
            double r = (i + j) / 2.0 + 1;
            for (int t = i; t <= j; t++) {
                rank[order[t]] = r;
            }
            i = j + 1;
        }
        return rank;
    }

    static double spearman(double[] a, double[] b) {
        return pearson(of(a), of(b));
    }

    static double pearson(double[] a, double[] b) {
        int n = a.length;
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < n; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= n;
        mb /= n;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < n; i++) {
            double x = a[i] - ma;
            double y = b[i] - mb;
            sab += x * y;
            saa += x * x;
            sbb += y * y;
        }
        return sab / Math.sqrt(saa * sbb);
    }
}
