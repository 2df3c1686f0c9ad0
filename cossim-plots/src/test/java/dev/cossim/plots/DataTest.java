package dev.cossim.plots;

import dev.cossim.source.Tensor;
import dev.cossim.testing.Synthetic;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plain-data computations behind the figures, against hand-computed numbers. */
class DataTest {

    @Test
    void rowStatsByHand() {
        // rows: (3, -4), (1, 1), (NaN, 0)
        Tensor t = Synthetic.tensor(new float[]{3, -4, 1, 1, Float.NaN, 0}, 3, 2);
        RowStats s = RowStats.of(t);
        assertArrayEquals(new double[]{-0.5, 1}, new double[]{s.arithmeticMeans()[0], s.arithmeticMeans()[1]}, 1e-12);
        assertArrayEquals(new double[]{3.5, 1}, new double[]{s.l1Means()[0], s.l1Means()[1]}, 1e-12);
        assertEquals(5, s.norms()[0], 1e-12);
        assertEquals(Math.sqrt(2), s.norms()[1], 1e-12);
        assertTrue(Double.isNaN(s.norms()[2]));
        assertEquals(1, s.nonFiniteRows());
        assertEquals(2, s.finite(s.norms()).length);
    }

    @Test
    void pairSampleIsCosineAndCorrelationInDouble() {
        // (1, 2, 3) and (2, 4, 7): cosine 31/sqrt(14*69); centred (-1, 0, 1), (-7/3, -1/3, 8/3): r = (7/3+8/3)/sqrt(2 * 38/3)
        Tensor t = Synthetic.tensor(new float[]{1, 2, 3, 2, 4, 7}, 2, 3);
        PairSample p = PairSample.draw(t, 10, 1);
        assertEquals(1, p.size(), "only one distinct pair exists");
        assertEquals(31 / Math.sqrt(14 * 69), p.cosine()[0], 1e-12);
        assertEquals(5 / Math.sqrt(2 * 38.0 / 3), p.correlation()[0], 1e-12);
        PairSample again = PairSample.draw(Synthetic.tensor(Synthetic.gaussian(50, 4, 1), 50, 4), 100, 9);
        PairSample same = PairSample.draw(Synthetic.tensor(Synthetic.gaussian(50, 4, 1), 50, 4), 100, 9);
        assertArrayEquals(again.i(), same.i(), "seeded");
        for (int q = 0; q < again.size(); q++) {
            assertTrue(again.i()[q] < again.j()[q]);
        }
    }

    @Test
    void histogramRegroupAndDensity() {
        long[] c = new long[20];
        c[5] = 2;
        c[6] = 4;
        c[9] = 2;
        HistogramSeries s = new HistogramSeries("x", -1, 1, c).regroup(3);
        // occupied bins 5..9 (5 bins) in groups of 2: [5,6] [7,8] [9,10)
        assertArrayEquals(new long[]{6, 0, 2}, s.counts());
        assertEquals(-0.5, s.lo(), 1e-12);
        assertEquals(0.1, s.hi(), 1e-12);
        assertEquals(6 / (8 * 0.2), s.density(0), 1e-12);
        double integral = 0;
        for (int i = 0; i < s.bins(); i++) {
            integral += s.density(i) * s.width();
        }
        assertEquals(1, integral, 1e-12);
    }

    @Test
    void svgCoordinatesKeepTwoDecimals() {
        assertEquals("89.49", Figure.twoDecimals(89.4865493774414));
        assertEquals("271", Figure.twoDecimals(271.0));
        assertEquals("-0.5", Figure.twoDecimals(-0.5));
        assertEquals("0.07", Figure.twoDecimals(0.0712));
    }

    @Test
    void colourMapsMatchMatplotlibEnds() {
        assertEquals(0x0d0887, ColorMap.PLASMA.rgb(0));
        assertEquals(0xf0f921, ColorMap.PLASMA.rgb(1));
        assertEquals(0x053061, ColorMap.RDBU_R.rgb(0), "RdBu_r starts dark blue");
        assertEquals(0x67001f, ColorMap.RDBU_R.rgb(1), "and ends dark red");
        assertEquals(0x0000ff, ColorMap.BWR.rgb(0));
        assertEquals(0xff0000, ColorMap.BWR.rgb(1));
        assertEquals(ColorMap.PLASMA.rgb(1), ColorMap.PLASMA.rgb(7), "clamped");
        assertEquals(ColorScale.NAN_RGB, new ColorScale(ColorMap.PLASMA, 0, 1).rgb(Double.NaN));
    }
}
