package dev.cossim.bench;

import dev.cossim.blas.BlasTileKernel;
import dev.cossim.engine.Tile;
import dev.cossim.kernel.TileKernel;
import dev.cossim.reduce.Histogram;
import dev.cossim.reduce.PairStatistics;
import dev.cossim.reduce.SummaryReducer;
import dev.cossim.reduce.TopKNeighbors;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The summary reduction (2000-bin histogram, statistics, top-10) over every tile of an all-pairs run of n rows,
 * paired: {@code separate} walks each tile once per reducer (Histogram, PairStatistics, TopKNeighbors, scalar),
 * {@code fused} is SummaryReducer's single vectorised walk. Tiles are computed once in set-up; each op reduces them all
 * into fresh reducers, as one all-pairs run does. Set-up checks that both give the same histogram, neighbours and
 * statistics. ns per pair = time per op / pairs (printed at set-up).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
public class ReducerBenchmark {
    static final int BLOCK = 256;
    static final int BINS = 2000;
    static final int K = 10;

    @Param({"separate", "fused"})
    public String reducer;

    @Param({"4093"})
    public int n;

    private final List<Tile> tiles = new ArrayList<>();
    private int[] ids;

    @Setup(Level.Trial)
    public void setUp() {
        // The fused pass takes its vector code only after the JIT warm-up has compiled it (as in cossim all-pairs).
        SummaryReducer.warmUpInBackground(BINS, K, false, new double[]{-1, 1});
        dev.cossim.engine.Vectorization.get().awaitSummaryPass();
        if (!dev.cossim.engine.Vectorization.get().summaryPassReady()) {
            throw new IllegalStateException("the vector summary pass did not get ready");
        }
        int d = 128;
        float[] m = BenchData.unitRows(n, d, 7);
        TileKernel kernel = new BlasTileKernel();
        int blocks = (n + BLOCK - 1) / BLOCK;
        for (int bi = 0; bi < blocks; bi++) {
            int r0 = bi * BLOCK, rows = Math.min(BLOCK, n - r0);
            for (int bj = bi; bj < blocks; bj++) {
                int c0 = bj * BLOCK, cols = Math.min(BLOCK, n - c0);
                Tile t = new Tile(rows * cols);
                kernel.dots(m, r0, rows, m, c0, cols, d, t.values);
                t.rowStart = r0;
                t.rows = rows;
                t.colStart = c0;
                t.cols = cols;
                t.diagonal = bi == bj;
                tiles.add(t);
            }
        }
        ids = new int[n];
        Arrays.setAll(ids, i -> i);
        Separate a = separate();
        SummaryReducer b = fused();
        if (!Arrays.equals(a.h.counts(), b.histogram().counts())) {
            throw new IllegalStateException("fused histogram differs from the separate reducers'");
        }
        if (Math.abs(a.s.mean() - b.statistics().mean()) > 1e-9 || Math.abs(a.s.std() - b.statistics().std()) > 1e-9
                || !a.s.max().equals(b.statistics().max()) || !a.s.min().equals(b.statistics().min())) {
            throw new IllegalStateException("fused statistics differ from the separate reducers'");
        }
        for (int r = 0; r < n; r++) {
            if (!Arrays.equals(a.top.neighbors(r).ids(), b.topK().neighbors(r).ids())) {
                throw new IllegalStateException("fused top-k differs at row " + r);
            }
        }
        System.out.println("# " + tiles.size() + " tiles, " + (long) n * (n - 1) / 2 + " pairs per op");
    }

    record Separate(Histogram h, PairStatistics s, TopKNeighbors top) {
    }

    private Separate separate() {
        Separate r = new Separate(new Histogram(-1, 1, BINS), new PairStatistics(ids), new TopKNeighbors(ids, K));
        for (Tile t : tiles) {
            r.h.accept(t);
            r.s.accept(t);
            r.top.accept(t);
        }
        return r;
    }

    private SummaryReducer fused() {
        SummaryReducer r = new SummaryReducer(ids, BINS, -1, 1, K);
        for (Tile t : tiles) {
            r.accept(t);
        }
        return r;
    }

    @Benchmark
    public Object reduceAllTiles() {
        return reducer.equals("fused") ? fused() : separate();
    }
}
