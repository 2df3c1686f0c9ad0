package dev.cossim.plots;

import java.util.Arrays;

/** Default colour limits when the user gives none. */
public final class Defaults {
    private Defaults() {
    }

    /** 1st to 99th percentile of the finite values: one diagonal of 1.0s does not wash out the rest. */
    public static ColorScale limits(HeatmapData h, ColorMap map) {
        float[] v = finiteSorted(h.grid());
        if (v.length == 0) {
            return new ColorScale(map, -1, 1);
        }
        double lo = v[(int) (0.01 * (v.length - 1))];
        double hi = v[(int) Math.ceil(0.99 * (v.length - 1))];
        if (!(hi > lo)) {
            lo = v[0];
            hi = v[v.length - 1];
        }
        if (!(hi > lo)) {
            lo -= 0.5;
            hi += 0.5;
        }
        return new ColorScale(map, lo, hi);
    }

    static float[] finiteSorted(float[] g) {
        float[] v = new float[g.length];
        int n = 0;
        for (float x : g) {
            if (Float.isFinite(x)) {
                v[n++] = x;
            }
        }
        v = Arrays.copyOf(v, n);
        Arrays.sort(v);
        return v;
    }
}
