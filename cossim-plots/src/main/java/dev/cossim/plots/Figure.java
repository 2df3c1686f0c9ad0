package dev.cossim.plots;

import dev.cossim.CossimException;
import dev.cossim.output.AtomicFile;
import org.jfree.chart.JFreeChart;
import org.jfree.svg.SVGGraphics2D;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One picture: one or more charts side by side (widths in proportion to their weights, like matplotlib's gridspec),
 * written as PNG or SVG. Files are written under a temporary name and renamed, so a failed run leaves nothing.
 */
public final class Figure {
    private final String name;
    private final List<Panel> panels;
    private final int width;
    private final int height;
    /** PNG pixels per inch: 96 draws at the stated size, 300 at 300/96 of it (sharp in print); SVG is resolution-free. */
    private int dpi = 96;

    /** A chart and its share of the figure's width. */
    public record Panel(JFreeChart chart, double weight) {
    }

    public Figure(String name, int width, int height, List<Panel> panels) {
        if (width < 50 || height < 50) {
            throw new CossimException("figure size " + width + " x " + height + ": both sides must be at least 50 pixels");
        }
        this.name = name;
        this.width = width;
        this.height = height;
        this.panels = List.copyOf(panels);
    }

    public Figure(String name, int width, int height, JFreeChart chart) {
        this(name, width, height, List.of(new Panel(chart, 1)));
    }

    /** A short file-name-like identifier: histogram, heatmap, ... */
    public String name() {
        return name;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public List<Panel> panels() {
        return panels;
    }

    private void draw(Graphics2D g) {
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        double total = panels.stream().mapToDouble(Panel::weight).sum();
        double x = 0;
        for (Panel p : panels) {
            double w = width * p.weight() / total;
            p.chart().draw(g, new Rectangle2D.Double(x, 0, w, height));
            x += w;
        }
    }

    /** Draws PNGs at {@code dpi} pixels per inch (96: the stated width and height in pixels). */
    public Figure dpi(int dpi) {
        if (dpi < 24 || dpi > 1200) {
            throw new CossimException("dpi " + dpi + ": choose 24 to 1200 (96 draws at the stated pixel size)");
        }
        long w = Math.round(width * dpi / 96.0), h = Math.round(height * dpi / 96.0);
        if (w * h > 200_000_000L) {
            throw new CossimException(String.format(Locale.ROOT, "figure of %,d x %,d pixels at %d dpi: more than 200 million pixels", w, h, dpi));
        }
        this.dpi = dpi;
        return this;
    }

    public int dpiValue() {
        return dpi;
    }

    /** The PNG's width and height in pixels at this figure's dpi. */
    public int pixelWidth() {
        return (int) Math.round(width * dpi / 96.0);
    }

    public int pixelHeight() {
        return (int) Math.round(height * dpi / 96.0);
    }

    /**
     * A title of the user's instead of the figure's own (null keeps it), and every font scaled so that the axis labels
     * are {@code fontSize} points (13 by default; titles a little larger, tick labels a little smaller).
     */
    public Figure restyle(String title, Integer fontSize) {
        double scale = fontSize == null ? 1 : fontSize / 13.0;
        if (fontSize != null && (fontSize < 6 || fontSize > 48)) {
            throw new CossimException("font size " + fontSize + ": choose 6 to 48 points");
        }
        for (Panel p : panels) {
            JFreeChart c = p.chart();
            if (title != null && p == panels.getFirst()) {
                c.setTitle(title); // a figure of several panels (pair) takes it on the first
            }
            if (scale != 1) {
                if (c.getTitle() != null) {
                    c.getTitle().setFont(scaled(c.getTitle().getFont(), scale));
                }
                if (c.getPlot() instanceof org.jfree.chart.plot.XYPlot xy) {
                    for (int a = 0; a < xy.getDomainAxisCount(); a++) {
                        scaleAxis(xy.getDomainAxis(a), scale);
                    }
                    for (int a = 0; a < xy.getRangeAxisCount(); a++) {
                        scaleAxis(xy.getRangeAxis(a), scale);
                    }
                }
                for (int s = 0; s < c.getSubtitleCount(); s++) {
                    if (c.getSubtitle(s) instanceof org.jfree.chart.title.LegendTitle l) {
                        l.setItemFont(scaled(l.getItemFont(), scale));
                    } else if (c.getSubtitle(s) instanceof org.jfree.chart.title.PaintScaleLegend bar) {
                        scaleAxis(bar.getAxis(), scale);
                    }
                }
            }
        }
        return this;
    }

    private static void scaleAxis(org.jfree.chart.axis.Axis a, double scale) {
        if (a != null) {
            a.setLabelFont(scaled(a.getLabelFont(), scale));
            a.setTickLabelFont(scaled(a.getTickLabelFont(), scale));
        }
    }

    private static java.awt.Font scaled(java.awt.Font f, double scale) {
        return f.deriveFont((float) (f.getSize2D() * scale));
    }

    public BufferedImage toImage() {
        double s = dpi / 96.0;
        BufferedImage img = new BufferedImage(pixelWidth(), pixelHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        if (s != 1) {
            g.scale(s, s);
        }
        draw(g);
        g.dispose();
        return img;
    }

    /** The PNG, with its resolution (the pHYs chunk) set to the figure's dpi so that print layouts size it right. */
    public byte[] toPng() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BufferedImage img = toImage();
        try (javax.imageio.stream.ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            javax.imageio.ImageWriter w = ImageIO.getImageWritersByFormatName("png").next();
            javax.imageio.ImageTypeSpecifier type = javax.imageio.ImageTypeSpecifier.createFromRenderedImage(img);
            javax.imageio.metadata.IIOMetadata meta = w.getDefaultImageMetadata(type, null);
            javax.imageio.metadata.IIOMetadataNode phys = new javax.imageio.metadata.IIOMetadataNode("pHYs");
            String perMetre = Long.toString(Math.round(dpi / 0.0254));
            phys.setAttribute("pixelsPerUnitXAxis", perMetre);
            phys.setAttribute("pixelsPerUnitYAxis", perMetre);
            phys.setAttribute("unitSpecifier", "meter");
            javax.imageio.metadata.IIOMetadataNode root = new javax.imageio.metadata.IIOMetadataNode("javax_imageio_png_1.0");
            root.appendChild(phys);
            meta.mergeTree("javax_imageio_png_1.0", root);
            w.setOutput(ios);
            w.write(new javax.imageio.IIOImage(img, null, meta));
            w.dispose();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A standalone SVG document; rasters (heatmaps) inside it are embedded PNGs. */
    public String toSvg() {
        SVGGraphics2D g = svg();
        draw(g);
        return g.getSVGDocument();
    }

    /** The SVG element alone, for inlining in HTML. */
    public String toSvgElement() {
        SVGGraphics2D g = svg();
        draw(g);
        return g.getSVGElement();
    }

    /** Coordinates to 1/100 pixel: full double digits made a 30,000-point scatter 40 MB. */
    private SVGGraphics2D svg() {
        SVGGraphics2D g = new SVGGraphics2D(width, height);
        g.setGeomDoubleConverter(Figure::twoDecimals);
        g.setTransformDoubleConverter(Figure::twoDecimals);
        return g;
    }

    static String twoDecimals(double d) {
        long r = Math.round(d * 100);
        if (r % 100 == 0) {
            return Long.toString(r / 100);
        }
        return java.math.BigDecimal.valueOf(r, 2).stripTrailingZeros().toPlainString();
    }

    /** Writes PNG or SVG by the file's extension. */
    public void write(Path file) {
        String f = file.getFileName().toString().toLowerCase(Locale.ROOT);
        byte[] bytes;
        if (f.endsWith(".png")) {
            bytes = toPng();
        } else if (f.endsWith(".svg")) {
            bytes = toSvg().getBytes(StandardCharsets.UTF_8);
        } else {
            throw new CossimException(file + ": the output must end in .png or .svg");
        }
        writeAtomically(file, bytes);
    }

    /** Writes bytes to a temporary sibling, then renames it over the target ({@link AtomicFile}). */
    public static void writeAtomically(Path file, byte[] bytes) {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new CossimException(file + ": directory " + dir + " does not exist");
        }
        try {
            AtomicFile.write(abs, bytes);
        } catch (IOException e) {
            throw new CossimException(file + ": cannot write (" + e.getMessage() + ")");
        }
    }
}
