package dev.cossim.cli;

import dev.cossim.testing.Synthetic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code cossim plot ...} and {@code cossim report} end to end on small .npy matrices (written per the NumPy format). */
class PlotCommandTest {
    @TempDir
    static Path dir;
    static Path npy;
    static Path npy2;

    /** A little-endian float32 C-order .npy: magic, version 1.0, header length, dict padded to 64 bytes, data. */
    static Path writeNpy(Path file, float[] m, int n, int d) throws IOException {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + n + ", " + d + "), }";
        int pad = 64 - (10 + dict.length() + 1) % 64;
        String header = dict + " ".repeat(pad % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 4 * m.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        for (float v : m) {
            b.putFloat(v);
        }
        Files.write(file, b.array());
        return file;
    }

    @BeforeAll
    static void models() throws IOException {
        npy = writeNpy(dir.resolve("a.npy"), Synthetic.gaussian(200, 12, 3), 200, 12);
        npy2 = writeNpy(dir.resolve("b.npy"), Synthetic.gaussian(150, 12, 4), 150, 12);
    }

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    static BufferedImage png(Path p) throws IOException {
        return ImageIO.read(p.toFile());
    }

    @Test
    void everyKindWritesItsFigure() throws IOException {
        String[][] kinds = {
                {"pair", npy.toString(), "3", "17"},
                {"matrix", npy.toString()},
                {"heatmap", npy.toString(), "--size", "50", "--pool", "max", "--cmap", "RdBu_r", "--vmin", "-1", "--vmax", "1"},
                {"heatmap", npy.toString(), "--stride", "3", "--rows", "10-159", "--metric", "correlation"},
                {"heatmap", npy.toString(), "--match", "^#1", "--metric", "euclidean", "--pool", "max"},
                {"heatmap", npy.toString(), "--sample", "60", "--seed", "5", "--metric", "dot", "--size", "20", "--cmap", "bwr"},
                {"histogram", npy.toString(), "--metric", "dot,euclidean"},
                {"histogram", npy.toString(), npy2.toString(), "--metric", "cosine,correlation", "--log"},
                {"unused", npy.toString(), "--pattern", "^1"},
                {"unused", npy.toString(), "--unused", "^1", "--seed", "3"},
                {"corr-cos", npy.toString(), "--samples", "500"},
                {"corr-cos", npy.toString(), "--sample-pairs", "400", "--seed", "3"},
                {"means", npy.toString()},
                {"norms", npy.toString()},
        };
        for (String[] k : kinds) {
            Path out = dir.resolve(k[0] + "-" + k.length + ".png");
            String[] args = new String[k.length + 3];
            args[0] = "plot";
            System.arraycopy(k, 0, args, 1, k.length);
            args[k.length + 1] = "-o";
            args[k.length + 2] = out.toString();
            Result r = run(args);
            assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
            BufferedImage img = png(out);
            assertTrue(r.out().contains("(" + img.getWidth() + " x " + img.getHeight() + ")"), r.out());
        }
        Result styled = run("plot", "histogram", npy.toString(), npy2.toString(), "--label", "first,second", "--title", "Two models",
                "--dpi", "192", "--font-size", "15", "-o", dir.resolve("styled.png").toString());
        assertEquals(0, styled.code(), styled.err());
        BufferedImage big = png(dir.resolve("styled.png"));
        assertEquals(1800, big.getWidth(), "900 pixels at 192 dpi");
        assertTrue(styled.out().contains("(1800 x 900, 192 dpi)"), styled.out());
        Result labels = run("plot", "histogram", npy.toString(), "--label", "a,b", "-o", dir.resolve("bad.png").toString());
        assertEquals(2, labels.code());
        assertTrue(labels.err().contains("--label a,b: 2 name(s) for 1 model(s)"), labels.err());
        Result dpi = run("plot", "norms", npy.toString(), "--dpi", "5000", "-o", dir.resolve("bad2.png").toString());
        assertEquals(2, dpi.code());
        assertTrue(dpi.err().contains("--dpi 5000: choose 24 to 1200"), dpi.err());
        assertFalse(Files.exists(dir.resolve("bad.png")) || Files.exists(dir.resolve("bad2.png")));
        Result svg = run("plot", "norms", npy.toString(), "--width", "500", "--height", "300", "-o", dir.resolve("n.svg").toString());
        assertEquals(0, svg.code(), svg.err());
        assertTrue(Files.readString(dir.resolve("n.svg")).matches("(?s).*<svg [^>]*width='500(\\.0)?' height='300(\\.0)?'.*"));
    }

    @Test
    void badInputIsOneLineAndWritesNothing() {
        Result r = run("plot", "norms", npy.toString(), "-o", dir.resolve("x.jpg").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("must end in .png or .svg"), r.err());
        assertFalse(Files.exists(dir.resolve("x.jpg")));
        Result v = run("plot", "heatmap", npy.toString(), "--vmin", "1", "--vmax", "0", "-o", dir.resolve("h.png").toString());
        assertEquals(2, v.code());
        assertTrue(v.err().contains("--vmin 1.0 --vmax 0.0"), v.err());
        assertFalse(Files.exists(dir.resolve("h.png")));
        Result c = run("plot", "heatmap", npy.toString(), "--cmap", "jet", "-o", dir.resolve("h.png").toString());
        assertEquals(2, c.code());
        assertTrue(c.err().contains("unknown colour map 'jet'"), c.err());
        Result rows = run("plot", "heatmap", npy.toString(), "--rows", "150-100", "-o", dir.resolve("h.png").toString());
        assertEquals(2, rows.code());
        assertTrue(rows.err().contains("--rows 150-100"), rows.err());
        Result none = run("plot", "heatmap", npy.toString(), "--match", "^x", "-o", dir.resolve("h.png").toString());
        assertEquals(2, none.code());
        assertTrue(none.err().contains("the selection match=^x leaves fewer than two usable rows (0 selected"), none.err());
        Result metric = run("plot", "histogram", npy.toString(), "--metric", "cosine,manhattan", "-o", dir.resolve("h.png").toString());
        assertEquals(2, metric.code());
        assertTrue(metric.err().contains("--metric manhattan: unknown metric"), metric.err());
        assertFalse(Files.exists(dir.resolve("h.png")));
    }

    @Test
    void reportWritesOnePage() throws IOException {
        Path html = dir.resolve("r.html");
        Result r = run("report", npy.toString(), "-k", "3", "--size", "64", "--pair", "5,6", "-o", html.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("pass 1: cosine tiles") && r.err().contains("pass 2: correlation tiles"), r.err());
        String page = Files.readString(html);
        assertTrue(page.startsWith("<!DOCTYPE html>") && page.contains("id=\"topk\""));
        assertEquals(10, page.split("<img ", -1).length - 1);
        Result bad = run("report", npy.toString(), "--pair", "5", "-o", dir.resolve("r2.html").toString());
        assertEquals(2, bad.code());
        assertFalse(Files.exists(dir.resolve("r2.html")));
    }
}
