package dev.cossim.reduce;

import dev.cossim.engine.Vectorization;
import dev.cossim.engine.Tile;
import dev.cossim.engine.TileReducer;

/**
 * The standard all-pairs pass: histogram, statistics and (when k > 0) top-k neighbours, fused into one walk over
 * each tile (vectorised where the Vector API is enabled): see {@link FusedSummaryPass}.
 */
public final class SummaryReducer implements TileReducer<SummaryReducer>, java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final Histogram histogram;
    private final PairStatistics statistics;
    private final TopKNeighbors topK;
    /** Per-instance scratch of the fused pass; not shipped with the reducer (Spark tasks rebuild it). */
    private transient FusedSummaryPass pass;
    /** The scalar pass, for tiles that come while a warm-up is still compiling the vector one. */
    private transient ScalarSummaryPass scalarPass;

    public SummaryReducer(int[] ids, int bins, double lo, double hi, int k) {
        this(ids, bins, lo, hi, k, false);
    }

    /** @param nearestSmallest top-k keeps the smallest values (for a distance metric) */
    public SummaryReducer(int[] ids, int bins, double lo, double hi, int k, boolean nearestSmallest) {
        this.histogram = new Histogram(lo, hi, bins);
        this.statistics = new PairStatistics(ids);
        this.topK = k > 0 ? new TopKNeighbors(ids, k, nearestSmallest) : null;
    }

    @Override
    public void accept(Tile tile) {
        if (topK != null && !topK.keepsLargest()) {
            // The fused pass filters top-k candidates by "larger is better"; distances take the plain reducers.
            histogram.accept(tile);
            statistics.accept(tile);
            topK.accept(tile);
            return;
        }
        // While the warm-up compiles the vector pass (Vectorization.summaryPassReady false), the scalar one: until C2
        // has compiled it, Vector API code makes a call of every operation (real tiles took 150-580 ns per pair that
        // way, where the scalar pass takes about 10 in C1's code and the compiled vector pass 2-5).
        if (!Vectorization.get().summaryPassReady()) {
            if (scalarPass == null) {
                scalarPass = new ScalarSummaryPass();
            }
            scalarPass.accept(tile, histogram, statistics, topK);
            return;
        }
        fusedPass().accept(tile, histogram, statistics, topK);
    }

    private FusedSummaryPass fusedPass() {
        if (pass == null) {
            pass = FusedSummaryPass.create();
        }
        return pass;
    }

    @Override
    public void merge(SummaryReducer o) {
        histogram.merge(o.histogram);
        statistics.merge(o.statistics);
        if (topK != null) {
            topK.merge(o.topK);
        }
    }

    public Histogram histogram() {
        return histogram;
    }

    public PairStatistics statistics() {
        return statistics;
    }

    /** Null when k = 0. */
    public TopKNeighbors topK() {
        return topK;
    }

    /**
     * Runs the fused pass over small synthetic tiles on a background thread, so that the JIT has compiled it before
     * the real tiles come, or soon after; the caller goes on loading the matrix meanwhile, and reducers take the
     * scalar pass until the vector one runs at compiled speed (see {@link #warmUp}). {@code cossim all-pairs} on
     * 30522 x 768 (two threads) spent 4.3-4.6 s of its threads' time in the pass with no warm-up; with this one and the
     * float-lane bins, 0.9-1.8 s (6 runs; 0.8-1.0 s once compiled, as in a second run in the same JVM).
     *
     * @param bounds the run's histogram range when known before the rows are read (else null)
     */
    public static void warmUpInBackground(int bins, int k, boolean nearestSmallest, double[] bounds) {
        warmUpInBackground(bins, k, nearestSmallest, bounds, () -> { });
    }

    /** As {@link #warmUpInBackground(int, int, boolean, double[])}, running {@code first} on the thread before it. */
    public static void warmUpInBackground(int bins, int k, boolean nearestSmallest, double[] bounds, Runnable first) {
        Vectorization.get().warmUpSummaryPass(() -> {
            first.run();
            warmUp(bins, k, nearestSmallest, bounds);
        });
    }

    /**
     * Synthetic tiles of up to 72 x 73 similarities (four vectors and a scalar tail per row with 16 lanes; diagonal,
     * full and short tiles), values spread over [-1, 1] as cosines are, so that the top-k heaps fill and then turn
     * most candidates away, as in a real run. First 300 tiles through the scalar pass (the one reducers take
     * meanwhile), then the same tiles through the vector pass and the scalar pass in turn, each into its own reducer,
     * until in two passes running the vector pass was the faster and under 20 ns per pair on its fastest tile
     * (compiled: 3-5 here; not yet: 100 and more): at least 150 tiles (a first C2 compile after fewer, on smaller
     * rows, now and then ran slow for the whole run), at most for 5 s. Reducers take the scalar pass until then.
     * Nothing to warm up for distances (nearestSmallest with k > 0: the plain reducers) or without the Vector API.
     */
    static void warmUp(int bins, int k, boolean nearestSmallest, double[] bounds) {
        FusedSummaryPass vector = FusedSummaryPass.create();
        if (nearestSmallest && k > 0 || vector instanceof ScalarSummaryPass) {
            return; // distances take the plain reducers; without the Vector API there is nothing to compile
        }
        // The run's own range where known: the pass bins in float or in double lanes by the range (see FloatBinning).
        // Unknown: a range that needs double lanes, as the max-norm bounds of dot and Euclidean usually do.
        double lo = bounds != null ? bounds[0] : -0.3, hi = bounds != null ? bounds[1] : 0.7;
        int n = 217, b = 72, blocks = (n + b - 1) / b;
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
        }
        java.util.Random r = new java.util.Random(1);
        float[][] samples = new float[4][b * b];
        for (float[] v : samples) {
            for (int i = 0; i < v.length; i++) {
                // Now and then 0, whose float bin is integral (the lanes the float bins check again).
                v[i] = i % 61 == 7 ? 0f : (float) Math.max(-1, Math.min(1, r.nextGaussian() * 0.3));
            }
        }
        Tile tile = new Tile(b * b);
        // At most 10 neighbours: a larger k only adds heap work (the same code) and would hide the pass's own speed.
        int kk = Math.max(0, Math.min(k, 10));
        {
            FusedSummaryPass scalar = new ScalarSummaryPass();
            long end = System.nanoTime() + 5_000_000_000L;
            SummaryReducer forScalar = null, forVector = null;
            for (int pass = 0, done = 0, fast = 0; ; pass++) {
                // Fresh heaps now and then while the scalar pass warms up: they fill, then turn most candidates away.
                // Not after: the two passes' heap work would hide their own speeds from the comparison.
                if (pass % 4 == 0 && done < 300) {
                    forScalar = new SummaryReducer(ids, Math.max(1, bins), lo, hi, kk, false);
                    forVector = new SummaryReducer(ids, Math.max(1, bins), lo, hi, kk, false);
                }
                // Each pass's fastest tile per pass kind, in ns per pair: the engine's threads share the cores with
                // this one, and a tile that lost its core to them says nothing about the code.
                double scalarBest = Double.MAX_VALUE, vectorBest = Double.MAX_VALUE;
                for (int bi = 0; bi < blocks; bi++) {
                    for (int bj = bi; bj < blocks; bj++, done++) {
                        System.arraycopy(samples[done & 3], 0, tile.values, 0, b * b);
                        tile.set(bi * b, Math.min(b, n - bi * b), bj * b, Math.min(b, n - bj * b), bi == bj);
                        double pairs = Math.max(1, tile.pairCount());
                        long t0 = System.nanoTime();
                        scalar.accept(tile, forScalar.histogram, forScalar.statistics, forScalar.topK);
                        long t1 = System.nanoTime();
                        scalarBest = Math.min(scalarBest, (t1 - t0) / pairs);
                        if (done >= 300) {
                            vector.accept(tile, forVector.histogram, forVector.statistics, forVector.topK);
                            vectorBest = Math.min(vectorBest, (System.nanoTime() - t1) / pairs);
                        }
                    }
                }
                fast = vectorBest < scalarBest && vectorBest < 20 ? fast + 1 : 0;
                if (done >= 450 && fast >= 2 || System.nanoTime() > end) {
                    return;
                }
            }
        }
    }
}
