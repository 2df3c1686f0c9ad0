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

    public BufferedImage toImage() {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        draw(g);
        g.dispose();
        return img;
    }

    public byte[] toPng() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(toImage(), "png", out);
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
