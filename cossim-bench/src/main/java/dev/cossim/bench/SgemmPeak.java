package dev.cossim.bench;

import dev.cossim.blas.OpenBlas;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Locale;

/**
 * The machine's sgemm speed through the same OpenBLAS the blas kernel uses, on all cores (OpenBLAS's own threads):
 * C (m x m) = A (m x k) * A^T, the all-pairs product shape. Prints the median GFLOP/s of several runs.
 * Usage: SgemmPeak [m] [k] [runs] [threads].
 */
public final class SgemmPeak {
    public static void main(String[] args) {
        int m = args.length > 0 ? Integer.parseInt(args[0]) : 8192;
        int k = args.length > 1 ? Integer.parseInt(args[1]) : 768;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : Runtime.getRuntime().availableProcessors();
        OpenBlas blas = OpenBlas.get();
        blas.threads(threads);
        Arena arena = Arena.ofAuto();
        MemorySegment a = arena.allocate((long) m * k * Float.BYTES, 64);
        MemorySegment.copy(BenchData.unitRows(m, k, 1), 0, a, ValueLayout.JAVA_FLOAT, 0, m * k);
        MemorySegment c = arena.allocate((long) m * m * Float.BYTES, 64);
        double[] gflops = new double[runs];
        blas.sgemm(m, m, k, 1f, a, k, a, k, true, 0f, c, m); // warm-up
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            blas.sgemm(m, m, k, 1f, a, k, a, k, true, 0f, c, m);
            gflops[r] = 2.0 * m * m * k / (System.nanoTime() - t0);
        }
        Arrays.sort(gflops);
        System.out.printf(Locale.ROOT, "sgemm %d x %d x %d, OpenBLAS %s, %d threads: median %.1f GFLOP/s (runs %s)%n",
                m, m, k, blas.core(), blas.threads(), gflops[runs / 2], Arrays.toString(Arrays.stream(gflops).mapToLong(Math::round).toArray()));
    }
}
