package dev.cossim.reduce;

import dev.cossim.engine.Tile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The vector pass bins the floats at and around every bin edge (a few ulps either side) as Histogram.bin does, both
 * where the bins are computed in float lanes and where they need double lanes.
 */
class FloatBinningTest {
    @Test
    void exactWhereScaleAndOffsetAreFloats() {
        assertTrue(FloatBinning.exact(-1, 1000));       // [-1, 1] in 2000 bins
        assertTrue(FloatBinning.exact(-1, 498.5));      // [-1, 1] in 997 bins
        assertTrue(FloatBinning.exact(0, 10));
        assertFalse(FloatBinning.exact(-0.3, 1000));    // lo * scale is not a float
        assertFalse(FloatBinning.exact(-1, 1.0 / 3));   // scale is not a float
    }

    @ParameterizedTest(name = "[{0}, {1}] in {2} bins")
    @CsvSource({
            "-1, 1, 2000",
            "-1, 1, 997",
            "0, 1, 10",
            "-2, 2, 4096",
            "-0.3, 0.7, 1000",
            "-1, 1, 3",
    })
    void edgesLandInTheReferenceBins(double lo, double hi, int bins) {
        Histogram ref = new Histogram(lo, hi, bins);
        List<Float> values = new ArrayList<>();
        for (int k = 0; k <= bins; k++) {
            float e = (float) (lo + k * (hi - lo) / bins);
            float down = e, up = e;
            values.add(e);
            for (int u = 0; u < 3; u++) {
                down = Math.nextDown(down);
                up = Math.nextUp(up);
                values.add(down);
                values.add(up);
            }
        }
        values.add((float) (lo - 5));
        values.add((float) (hi + 5));
        values.add(0f);
        values.add(-0f);
        int cols = 64, rows = (values.size() + cols - 1) / cols;
        Tile t = new Tile(rows * cols);
        for (int i = 0; i < rows * cols; i++) {
            t.values[i] = values.get(i % values.size());
        }
        t.set(0, rows, rows, cols, false);
        ref.accept(t);
        Histogram fused = new Histogram(lo, hi, bins);
        int[] ids = new int[rows + cols];
        new VectorSummaryPass().accept(t, fused, new PairStatistics(ids), null);
        assertArrayEquals(ref.counts(), fused.counts());
        assertEquals((long) rows * cols, fused.total());
    }
}
