package dev.cossim.plots;

import dev.cossim.results.Heatmap;

/**
 * A square grid of similarity values to draw: row-major {@code size x size}, cell (a, b) covering tokens
 * [axisLo + a*w, axisLo + (a+1)*w) with w = (axisHi - axisLo) / size along each side.
 */
public record HeatmapData(String title, float[] grid, int size, String axisLabel, double axisLo, double axisHi,
                          String valueLabel) {

    public HeatmapData {
        if (grid.length != (long) size * size) {
            throw new IllegalArgumentException("grid holds " + grid.length + " values, expected " + size + "^2");
        }
    }

    /** Mean (or max, when {@code max}) pooled blocks of a {@link Heatmap}. */
    public static HeatmapData of(Heatmap h, boolean max, String title, String axisLabel, double axisLo,
                                 double axisHi, String valueLabel) {
        return new HeatmapData(title, max ? h.max() : h.mean(), h.size(), axisLabel, axisLo, axisHi, valueLabel);
    }

    /** Smallest and largest finite values (for default colour limits). */
    public double[] range() {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (float v : grid) {
            if (Float.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        return new double[]{lo, hi};
    }
}
