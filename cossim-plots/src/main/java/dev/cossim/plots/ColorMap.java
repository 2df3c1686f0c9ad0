package dev.cossim.plots;

import dev.cossim.CossimException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The seed notebooks' colour maps, as 256-entry lookup tables matching matplotlib's: plasma (its listed data, a
 * resource), RdBu_r and bwr (linear ramps through ColorBrewer's RdBu points and blue-white-red, as matplotlib
 * builds them).
 */
public enum ColorMap {
    PLASMA("plasma"),
    RDBU_R("RdBu_r"),
    BWR("bwr");

    /** ColorBrewer RdBu, 11 classes, red to blue (matplotlib's _RdBu_data); RdBu_r runs it backwards. */
    private static final int[] RDBU = {0x67001f, 0xb2182b, 0xd6604d, 0xf4a582, 0xfddbc7, 0xf7f7f7, 0xd1e5f0, 0x92c5de,
            0x4393c3, 0x2166ac, 0x053061};

    private final String label;
    private int[] lut;

    ColorMap(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** By its matplotlib name, ignoring case: plasma, RdBu_r, bwr. */
    public static ColorMap of(String name) {
        for (ColorMap c : values()) {
            if (c.label.equalsIgnoreCase(name)) {
                return c;
            }
        }
        throw new CossimException("unknown colour map '" + name + "': use plasma, RdBu_r or bwr");
    }

    /** sRGB of position t in [0, 1] (clamped), from the 256-entry table. */
    public int rgb(double t) {
        int[] table = table();
        int i = (int) Math.round((Double.isNaN(t) ? 0 : Math.max(0, Math.min(1, t))) * 255);
        return table[i];
    }

    private synchronized int[] table() {
        if (lut == null) {
            lut = switch (this) {
                case PLASMA -> readTable("plasma.txt");
                case RDBU_R -> ramp(reversed(RDBU));
                case BWR -> ramp(new int[]{0x0000ff, 0xffffff, 0xff0000});
            };
        }
        return lut;
    }

    private static int[] reversed(int[] a) {
        int[] r = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[a.length - 1 - i];
        }
        return r;
    }

    /** 256 colours linearly interpolated between evenly spaced control points (matplotlib's from_list). */
    static int[] ramp(int[] points) {
        int[] out = new int[256];
        int segs = points.length - 1;
        for (int i = 0; i < 256; i++) {
            double pos = i / 255.0 * segs;
            int s = Math.min(segs - 1, (int) Math.floor(pos));
            double f = pos - s;
            int a = points[s], b = points[s + 1];
            int r = (int) Math.round(((a >> 16) & 255) * (1 - f) + ((b >> 16) & 255) * f);
            int g = (int) Math.round(((a >> 8) & 255) * (1 - f) + ((b >> 8) & 255) * f);
            int bl = (int) Math.round((a & 255) * (1 - f) + (b & 255) * f);
            out[i] = (r << 16) | (g << 8) | bl;
        }
        return out;
    }

    private static int[] readTable(String name) {
        try (InputStream in = ColorMap.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("colour table " + name + " is missing from the jar");
            }
            List<Integer> rows = new ArrayList<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                line = line.strip();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    rows.add(Integer.parseInt(line, 16));
                }
            }
            if (rows.size() != 256) {
                throw new IllegalStateException("colour table " + name + " has " + rows.size() + " entries, expected 256");
            }
            return rows.stream().mapToInt(Integer::intValue).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return label.toLowerCase(Locale.ROOT);
    }
}
