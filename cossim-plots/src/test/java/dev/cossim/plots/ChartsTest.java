package dev.cossim.plots;

import dev.cossim.engine.AllPairsEngine;
import dev.cossim.analysis.ProgressListener;
import dev.cossim.kernel.VectorTileKernel;
import dev.cossim.matrix.Normalization;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.reduce.Histogram;
import dev.cossim.reduce.PooledHeatmap;
import dev.cossim.source.Tensor;
import dev.cossim.testing.Synthetic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every figure, drawn from a small synthetic matrix: PNG of the asked size and not blank, SVG well formed. */
class ChartsTest {
    static final int N = 300, D = 24;
    static final float[] M = Synthetic.gaussian(N, D, 5);
    static final Tensor T = Synthetic.tensor(M, N, D);

    static void assertPicture(Figure f, int w, int h, @TempDir Path dir) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(f.toPng()));
        assertEquals(w, img.getWidth(), f.name() + " width");
        assertEquals(h, img.getHeight(), f.name() + " height");
        // Not blank: many distinct colours, and a real share of non-white pixels (axes, text, data).
        Set<Integer> colours = new HashSet<>();
        long nonWhite = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int c = img.getRGB(x, y) & 0xffffff;
                colours.add(c);
                if (c != 0xffffff) {
                    nonWhite++;
                }
            }
        }
        assertTrue(colours.size() > 20, f.name() + ": only " + colours.size() + " colours");
        assertTrue(nonWhite > 0.02 * w * h, f.name() + ": only " + nonWhite + " non-white pixels");

        Path png = dir.resolve(f.name() + ".png");
        Path svg = dir.resolve(f.name() + ".svg");
        f.write(png);
        f.write(svg);
        assertEquals(w, ImageIO.read(png.toFile()).getWidth());
        String s = Files.readString(svg);
        assertTrue(s.startsWith("<?xml") && s.contains("<svg") && s.strip().endsWith("</svg>"), "SVG document");
        assertTrue(s.matches("(?s).*<svg [^>]*width='" + w + "(\\.0)?' height='" + h + "(\\.0)?'.*"), "SVG size");
        assertFalse(Files.exists(dir.resolve(f.name() + ".png.partial")), "no temporary file left");
    }

    @Test
    void pairAndMatrix(@TempDir Path dir) throws IOException {
        float[] a = new float[D], b = new float[D];
        System.arraycopy(M, 0, a, 0, D);
        System.arraycopy(M, D, b, 0, D);
        assertPicture(Charts.embeddingPair("hello", a, "world", b, 1200, 360), 1200, 360, dir);
        EmbeddingImage img = EmbeddingImage.of(T, 100);
        assertEquals(3, img.tokensPerColumn());
        assertEquals(100, img.columns());
        // Column 0, dimension 1: the mean of rows 0..2 of that dimension.
        assertEquals((M[1] + M[D + 1] + M[2 * D + 1]) / 3, img.grid()[100], 1e-6);
        double lim = img.symmetricLimit();
        assertPicture(Charts.embeddingMatrix(img, new ColorScale(ColorMap.BWR, -lim, lim), 1200, 420), 1200, 420, dir);
    }

    @Test
    void heatmapsAndHistograms(@TempDir Path dir) throws IOException {
        RowMatrix rows = RowMatrix.of(T, Normalization.UNIT);
        AllPairsEngine e = new AllPairsEngine(new VectorTileKernel(), 2, 64);
        PooledHeatmap ph = e.run(rows, () -> new PooledHeatmap(N, 100), ProgressListener.NONE);
        HeatmapData h = HeatmapData.of(ph, false, "mean", "Tokens", 0, N, "Cosine similarity");
        assertPicture(Charts.heatmap(h, Defaults.limits(h, ColorMap.PLASMA), 760, 640), 760, 640, dir);
        HeatmapData hm = HeatmapData.of(ph, true, "max", "Tokens", 0, N, "Cosine similarity");
        assertPicture(Charts.heatmap(hm, new ColorScale(ColorMap.RDBU_R, -1, 1), 700, 600), 700, 600, dir);

        Histogram cos = e.run(rows, () -> new Histogram(-1, 1, 2000), ProgressListener.NONE);
        RowMatrix centred = RowMatrix.of(T, Normalization.CENTRED_UNIT);
        Histogram cor = e.run(centred, () -> new Histogram(-1, 1, 2000), ProgressListener.NONE);
        List<HistogramSeries> s = List.of(HistogramSeries.of("cosine", cos), HistogramSeries.of("correlation", cor));
        assertPicture(Charts.histogram("Distribution", "Similarity", s, 100, false, 900, 450), 900, 450, dir);
        assertPicture(Charts.histogram("Distribution", "Similarity", s, 100, true, 900, 450), 900, 450, dir);
    }

    @Test
    void perRowFigures(@TempDir Path dir) throws IOException {
        boolean[] unused = new boolean[N];
        for (int i = 1; i < 40; i++) {
            unused[i] = true;
        }
        assertPicture(Charts.usedUnused(unused, "^\\[unused", 1, 1100, 330), 1100, 330, dir);
        PairSample p = PairSample.draw(T, 500, 3);
        assertEquals(500, p.size());
        assertPicture(Charts.correlationVsCosine(p, 640, 560), 640, 560, dir);
        RowStats st = RowStats.of(T);
        assertPicture(Charts.means(st, 40, 760, 450), 760, 450, dir);
        assertPicture(Charts.norms(st, 40, 760, 450), 760, 450, dir);
    }

    @Test
    void badOutputNameIsRefused(@TempDir Path dir) {
        Figure f = Charts.norms(RowStats.of(T), 10, 300, 200);
        assertThrows(dev.cossim.CossimException.class, () -> f.write(dir.resolve("x.jpg")));
        assertThrows(dev.cossim.CossimException.class, () -> f.write(dir.resolve("missing/x.png")));
        assertThrows(dev.cossim.CossimException.class, () -> new ColorScale(ColorMap.PLASMA, 1, 0));
    }
}
