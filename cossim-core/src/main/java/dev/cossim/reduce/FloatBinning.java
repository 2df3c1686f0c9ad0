package dev.cossim.reduce;

/**
 * When a histogram's bins can be computed in float lanes and still equal {@link Histogram#bin}'s, which works in
 * double: twice as many lanes per vector and no float-to-double conversions in the fused pass.
 *
 * <p>Let y = (x - lo) * scale, computed exactly (x a float similarity). If scale and lo * scale are floats, exactly,
 * then fma(x, scale, -lo * scale) in float is round(y), one rounding to nearest. Rounding is monotonic and every
 * integer in range is a float, so when round(y) is not an integer, y lies strictly between the same two integers
 * and at least half a float ulp of y away from both; the double computation in {@code Histogram.bin} errs by a few
 * double ulps, far less, so both truncate to the same bin (negative values clamp to bin 0 either way). When round(y)
 * is an integer, y may sit just below it: those rare lanes (about one in 10^4) are binned again by
 * {@code Histogram.bin}.
 */
final class FloatBinning {
    private FloatBinning() {
    }

    /** True when scale and lo * scale are exact floats (e.g. [-1, 1] in 2000 bins: 1000 and -1000). */
    static boolean exact(double lo, double scale) {
        double offset = lo * scale;
        return (float) scale == scale && (float) offset == offset && Math.fma(lo, scale, -offset) == 0
                && Math.abs(offset) < 1 << 22 && scale < 1 << 22;
    }
}
