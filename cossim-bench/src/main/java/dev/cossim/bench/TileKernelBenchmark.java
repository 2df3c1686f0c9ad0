package dev.cossim.bench;

import dev.cossim.blas.BlasTileKernel;
import dev.cossim.kernel.ScalarTileKernel;
import dev.cossim.kernel.TileKernel;
import dev.cossim.kernel.VectorTileKernel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * One 256 x 256 tile of dot products (the engine's default block), the row block prepared once as the engine does,
 * per kernel: blas (OpenBLAS) against vector (Vector API), with the scalar reference for scale. d = 384 and 768 are
 * real model widths; 1021 leaves tails everywhere. GFLOP/s = 2 * 256 * 256 * d / time per op. Every iteration
 * checks its tile against the scalar reference (1e-5), so a wrong kernel fails the benchmark instead of winning it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class TileKernelBenchmark {
    static final int TILE = 256;

    @Param({"blas", "vector"})
    public String kernel;

    @Param({"384", "768", "1021"})
    public int d;

    private float[] rows;
    private float[] out;
    private float[] reference;
    private TileKernel.RowBlock block;

    @Setup(Level.Trial)
    public void setUp() {
        rows = BenchData.unitRows(2 * TILE, d, 42 + d);
        TileKernel k = switch (kernel) {
            case "blas" -> new BlasTileKernel();
            case "vector" -> new VectorTileKernel();
            case "scalar" -> new ScalarTileKernel();
            default -> throw new IllegalArgumentException(kernel);
        };
        block = k.rowBlock(rows, 0, TILE, d);
        out = new float[TILE * TILE];
        reference = new float[TILE * TILE];
        new ScalarTileKernel().dots(rows, 0, TILE, rows, TILE, TILE, d, reference);
    }

    @Benchmark
    public float[] tile() {
        block.dots(rows, TILE, TILE, out);
        return out;
    }

    @TearDown(Level.Iteration)
    public void check() {
        for (int q = 0; q < out.length; q++) {
            if (!(Math.abs(out[q] - reference[q]) <= 1e-5)) {
                throw new IllegalStateException(kernel + " kernel wrong at " + q + ": " + out[q] + " vs " + reference[q]);
            }
        }
    }
}
