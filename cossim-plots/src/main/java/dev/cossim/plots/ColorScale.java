package dev.cossim.plots;

import dev.cossim.CossimException;
import org.jfree.chart.renderer.PaintScale;

import java.awt.Color;
import java.awt.Paint;
import java.awt.image.BufferedImage;

/** A colour map stretched over [vmin, vmax] (values outside are clamped, as matplotlib does); NaN is light grey. */
public record ColorScale(ColorMap map, double vmin, double vmax) implements PaintScale {
    public static final int NAN_RGB = 0xdddddd;

    public ColorScale {
        if (!(vmax > vmin) || !Double.isFinite(vmin) || !Double.isFinite(vmax)) {
            throw new CossimException("colour limits --vmin " + vmin + " --vmax " + vmax + ": need finite vmin < vmax");
        }
    }

    public int rgb(double v) {
        return Double.isNaN(v) ? NAN_RGB : map.rgb((v - vmin) / (vmax - vmin));
    }

    @Override
    public double getLowerBound() {
        return vmin;
    }

    @Override
    public double getUpperBound() {
        return vmax;
    }

    @Override
    public Paint getPaint(double value) {
        return new Color(rgb(value));
    }

    /** A raster of a row-major rows x cols grid: pixel (x, y) is grid[y * cols + x]. */
    public BufferedImage image(float[] grid, int rows, int cols) {
        BufferedImage img = new BufferedImage(cols, rows, BufferedImage.TYPE_INT_RGB);
        int[] px = new int[cols];
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < cols; x++) {
                px[x] = rgb(grid[y * cols + x]);
            }
            img.setRGB(0, y, cols, 1, px, 0, cols);
        }
        return img;
    }
}
