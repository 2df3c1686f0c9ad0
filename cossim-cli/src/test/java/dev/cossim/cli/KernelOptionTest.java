package dev.cossim.cli;

import dev.cossim.kernel.Kernels;
import dev.cossim.testing.Synthetic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --kernel} on the CLI: auto takes OpenBLAS (cossim-blas is on the CLI's runtime classpath and loads on
 * linux-x86_64) unless its kernels are narrower than the Vector API's, scalar and vector are honoured, and every
 * choice gives the same statistics.
 */
class KernelOptionTest {
    @TempDir
    Path dir;

    private Path npy(int n, int d) throws IOException {
        float[] m = Synthetic.gaussian(n, d, 3);
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + n + ", " + d + "), }";
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        byte[] header = (dict + " ".repeat(pad) + "\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(10 + header.length + 4 * m.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0).putShort((short) header.length);
        b.put(header);
        for (float v : m) {
            b.putFloat(v);
        }
        Path f = dir.resolve("m.npy");
        Files.write(f, b.array());
        return f;
    }

    private record Run(int code, String out, String err) {
        String line(String prefix) {
            return (out + err).lines().filter(l -> l.startsWith(prefix)).findFirst().orElse("(no " + prefix + " line)");
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void autoPicksBlasUnlessNarrowerAndExplicitKernelsAreHonoured() throws IOException {
        Path f = npy(203, 37);
        Run auto = run("all-pairs", f.toString(), "--top-k", "3", "--threads", "2", "--verbose");
        Run scalar = run("all-pairs", f.toString(), "--top-k", "3", "--kernel", "scalar", "--verbose");
        Run vector = run("all-pairs", f.toString(), "--top-k", "3", "--kernel", "vector", "--verbose");
        assertEquals(0, auto.code(), auto.err());
        assertEquals(0, scalar.code(), scalar.err());
        assertEquals(0, vector.code(), vector.err());
        if (System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64")) {
            // cossim-blas ships OpenBLAS for linux-x86_64: there auto must pick it, unless OPENBLAS_CORETYPE names
            // kernels narrower than the Vector API's (this project's CI sets Haswell), which tiles pass over.
            Kernels.Width blas = java.util.ServiceLoader.load(Kernels.Provider.class).stream().map(java.util.ServiceLoader.Provider::get)
                    .filter(p -> p.name().equals("blas")).findFirst().orElseThrow().widthBeforeLoading();
            if (Kernels.vectorApiWider(blas.bits(), Kernels.vectorApiBits())) {
                assertTrue(auto.line("kernel:").startsWith("kernel: vector (auto: blas passed over: " + blas.basis()), auto.line("kernel:"));
                assertTrue(auto.line("time:").contains("vector kernel"), auto.line("time:"));
            } else {
                assertTrue(auto.line("kernel:").startsWith("kernel: blas (auto: native library loaded; OpenBLAS"), auto.line("kernel:"));
                assertTrue(auto.line("time:").contains("blas kernel"), auto.line("time:"));
            }
        }
        assertEquals("kernel: scalar (requested)", scalar.line("kernel:"));
        assertTrue(scalar.line("time:").contains("scalar kernel"), scalar.line("time:"));
        assertTrue(vector.line("kernel:").startsWith("kernel: vector (requested"), vector.line("kernel:"));
        assertTrue(vector.line("time:").contains("vector kernel"), vector.line("time:"));
        // Same pairs, same statistics to the printed precision, whichever kernel computed them.
        assertEquals(scalar.line("pairs:"), auto.line("pairs:"));
        assertEquals(scalar.line("cosine:"), vector.line("cosine:"));
        assertEquals(scalar.line("cosine:"), auto.line("cosine:"));
    }

    @Test
    void unknownKernelIsAOneLineError() throws IOException {
        Path f = npy(30, 4);
        Run bad = run("all-pairs", f.toString(), "--kernel", "gpu");
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("cossim: error: --kernel gpu: unknown"), bad.err());
    }
}
