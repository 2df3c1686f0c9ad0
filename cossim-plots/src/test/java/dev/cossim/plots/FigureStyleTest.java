package dev.cossim.plots;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Node;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The figure style: overlaid series stay distinguishable (each series' own colour is on the picture, and the legend
 * names every series), titles and fonts can be set, PNGs are drawn at the asked dpi and say so, long report groups fold.
 */
class FigureStyleTest {
    /** Two nearly equal distributions: the case where the second used to vanish behind the first. */
    static List<HistogramSeries> twoAlike() {
        long[] a = new long[200], b = new long[200];
        for (int i = 0; i < 200; i++) {
            double x = (i - 100) / 25.0;
            a[i] = Math.round(1e6 * Math.exp(-x * x / 2));
            b[i] = Math.round(1e6 * Math.exp(-(x - 0.05) * (x - 0.05) / 2));
        }
        return List.of(new HistogramSeries("cosine", -1, 1, a), new HistogramSeries("correlation", -1, 1, b));
    }

    static long pixelsNear(BufferedImage img, Color c, int tolerance) {
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                int r = p >> 16 & 0xff, g = p >> 8 & 0xff, bl = p & 0xff;
                if (Math.abs(r - c.getRed()) <= tolerance && Math.abs(g - c.getGreen()) <= tolerance && Math.abs(bl - c.getBlue()) <= tolerance) {
                    n++;
                }
            }
        }
        return n;
    }

    static Color overWhite(Color c, double alpha) {
        return new Color((int) Math.round(255 + (c.getRed() - 255) * alpha), (int) Math.round(255 + (c.getGreen() - 255) * alpha),
                (int) Math.round(255 + (c.getBlue() - 255) * alpha));
    }

    @Test
    void overlaidSeriesKeepTheirOwnColoursAndAreAllInTheLegend() throws Exception {
        for (boolean log : new boolean[]{false, true}) {
            Figure f = Charts.histogram("Distribution", "Similarity", twoAlike(), 100, log, 900, 450);
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(f.toPng()));
            long first = pixelsNear(img, overWhite(Charts.SERIES[0], 0.45), 6);
            long second = pixelsNear(img, Charts.SERIES[1], 12);
            assertTrue(first > 5_000, "the first series' fill shows: " + first + " pixels (log " + log + ")");
            assertTrue(second > 300, "the second series' line shows on top: " + second + " pixels (log " + log + ")");
            var plot = f.panels().getFirst().chart().getXYPlot();
            assertEquals(2, plot.getLegendItems().getItemCount(), "a legend item per series");
            assertNotNull(f.panels().getFirst().chart().getLegend());
            List<String> labels = new ArrayList<>();
            for (int i = 0; i < plot.getLegendItems().getItemCount(); i++) {
                labels.add(plot.getLegendItems().get(i).getLabel());
            }
            assertTrue(labels.get(0).startsWith("cosine") && labels.get(1).startsWith("correlation"), labels.toString());
        }
    }

    @Test
    void colourBlindSafePaletteOfDistinctColours() {
        for (int i = 0; i < Charts.SERIES.length; i++) {
            for (int j = i + 1; j < Charts.SERIES.length; j++) {
                Color a = Charts.SERIES[i], b = Charts.SERIES[j];
                int d = Math.abs(a.getRed() - b.getRed()) + Math.abs(a.getGreen() - b.getGreen()) + Math.abs(a.getBlue() - b.getBlue());
                assertTrue(d > 60, "series colours " + i + " and " + j + " are far apart"); // the closest pair, orange and vermillion: 82
            }
        }
    }

    @Test
    void titleFontSizeAndDpi() throws Exception {
        Figure f = Charts.histogram("Distribution", "Similarity", twoAlike().subList(0, 1), 100, false, 600, 300);
        float labelBefore = f.panels().getFirst().chart().getXYPlot().getDomainAxis().getLabelFont().getSize2D();
        f.restyle("My title", 26).dpi(300);
        assertEquals("My title", f.panels().getFirst().chart().getTitle().getText());
        assertEquals(2 * labelBefore, f.panels().getFirst().chart().getXYPlot().getDomainAxis().getLabelFont().getSize2D(), 1e-3);
        byte[] png = f.toPng();
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(Math.round(600 * 300 / 96.0), img.getWidth());
        assertEquals(Math.round(300 * 300 / 96.0), img.getHeight());
        // The PNG says 300 dpi (pHYs: 11,811 pixels per metre).
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(png))) {
            ImageReader r = ImageIO.getImageReadersByFormatName("png").next();
            r.setInput(in);
            IIOMetadata meta = r.getImageMetadata(0);
            Node phys = find(meta.getAsTree("javax_imageio_png_1.0"), "pHYs");
            assertNotNull(phys, "a pHYs chunk");
            assertEquals("11811", phys.getAttributes().getNamedItem("pixelsPerUnitXAxis").getNodeValue());
        }
    }

    static Node find(Node n, String name) {
        if (n.getNodeName().equals(name)) {
            return n;
        }
        for (Node c = n.getFirstChild(); c != null; c = c.getNextSibling()) {
            Node f = find(c, name);
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    @Test
    void longGroupsFoldInTheReport() {
        int[] big = IntStream.range(0, 1_729).toArray();
        int[] small = {2000, 2001, 2002};
        ReportData.NearDuplicates nd = new ReportData.NearDuplicates("cosine", 0.8, 5_000, 1_000_000, List.of(big, small));
        ReportData d = new ReportData("m", List.of(), List.of(), null, nd);
        String html = HtmlReport.render(d);
        assertTrue(html.contains("<details class=\"more\"><summary>show all 1,729</summary>"), "the long group folds");
        assertEquals(1, html.split("<details class=\"more\">", -1).length - 1, "only the long group folds");
        assertTrue(html.contains("<code>#19</code>") && html.contains("<code>#1728</code>"), "every token is still on the page");
        assertFalse(html.substring(0, html.indexOf("show all 1,729")).contains("<code>#20</code>"), "the first 20 before the fold");
    }
}
