package dev.cossim.query;

import dev.cossim.ParameterException;
import dev.cossim.matrix.Metric;

import dev.cossim.CossimException;
import dev.cossim.engine.Checkpoints;
import dev.cossim.engine.JitWarmUp;
import dev.cossim.engine.KernelWarmUp;
import dev.cossim.engine.ResumeState;
import dev.cossim.engine.TileScheduler;
import dev.cossim.engine.Vectorization;
import dev.cossim.analysis.ProgressListener;
import dev.cossim.kernel.TileKernel;
import dev.cossim.source.HalfFloats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Exact top-k of each query over every row of a corpus. Each batch is cut into blocks of rows that worker threads read
 * from the mapped file (converted to float32 on the way), score against all queries at once through the tile kernel,
 * and keep in their own candidate heaps; a batch's candidates are merged, then merged into the corpus-wide ones. Heap
 * use is {@code threads x block x (dim + queries)} floats whatever the corpus size (with many queries the block
 * shrinks so that its scores stay within {@link #MAX_BLOCK_SCORES}).
 *
 * <p>Selection runs on float32 scores; the k winners of each query are then rescored in double from the stored values
 * and ordered by that score, ties by the lower global row. Rows with NaN or infinite values are skipped for every
 * metric, zero rows for cosine; both are counted.
 */
public final class QueryEngine {
    /**
     * Corpus rows per block. 1,000,000 x 384 float16 rows, 100 queries, 2 threads (AMD EPYC family 26, OpenBLAS
     * Haswell kernels), three rounds alternating: search 0.725-0.747 s at 1024 rows, 0.755-0.836 s at 512, 0.797-0.842
     * at 2048, 0.969-1.013 at 4096.
     */
    public static final int DEFAULT_BLOCK = 1024;
    /** Scores one worker's block may hold (16 MB of floats). */
    static final int MAX_BLOCK_SCORES = 1 << 22;

    /** One result: global row and its exact (double) score. */
    public record Hit(long row, double score) {
    }

    /**
     * Hits per query (best first), with what was skipped; {@code seconds} the search took, after {@code warmUpWait}
     * seconds spent waiting for the JIT warm-up started before it ({@link #awaitWarmUp}).
     */
    public record Result(Metric metric, int k, int position, List<Hit[]> hits, long scanned, long zeroRows,
                         long nonFiniteRows, double seconds, double warmUpWait) {
    }

    private final TileKernel kernel;
    private final int threads;
    private final int block;

    public QueryEngine(TileKernel kernel, int threads, int block) {
        if (threads < 1 || block < 1) {
            throw new IllegalArgumentException("threads and block must be positive");
        }
        this.kernel = kernel;
        this.threads = threads;
        this.block = block;
    }

    public TileKernel kernel() {
        return kernel;
    }

    public int threads() {
        return threads;
    }

    /**
     * @param position  a resolved position ({@link Corpus#position})
     * @param queries   raw query vectors of the corpus's dimension
     * @param names     a name per query for error messages
     * @param batchLog  told one line as each batch is done (may be null)
     */
    public Result search(Corpus corpus, int position, double[][] queries, List<String> names, Metric metric, int k,
                         ProgressListener progress, Consumer<String> batchLog) {
        return search(corpus, position, queries, names, metric, k, progress, batchLog, null);
    }

    /** At most about this many work units in a checkpointed search (plus one per batch at most). */
    static final int MAX_UNITS = 256;

    /** Rows per block of a search with {@code queries} queries: the engine's block, fewer when the scores would not fit. */
    public int block(int queries) {
        return Math.max(1, Math.min(this.block, MAX_BLOCK_SCORES / Math.max(1, queries)));
    }

    /** Blocks {@code [from, to)} of batch {@code batch}: one work unit of a search. */
    record Unit(int batch, long from, long to) {
    }

    /**
     * The work units of a search in their fixed order: without a checkpoint, one per batch; with one, each batch cut
     * into runs of whole blocks (counted from the batch's first row, as an uninterrupted search cuts them), about
     * {@link #MAX_UNITS} over the corpus. They depend on the batches' sizes and the block only, not on the threads.
     */
    static List<Unit> units(Corpus corpus, int block, boolean cut) {
        long total = 0;
        for (Corpus.Batch b : corpus.batches()) {
            total += (b.rows() + block - 1) / block;
        }
        long per = cut ? Math.max(1, (total + MAX_UNITS - 1) / MAX_UNITS) : Long.MAX_VALUE;
        List<Unit> out = new ArrayList<>();
        for (Corpus.Batch b : corpus.batches()) {
            long blocks = (b.rows() + block - 1) / block;
            long from = 0;
            do {
                long to = Math.min(blocks, from + Math.min(per, blocks - from));
                out.add(new Unit(b.index(), from, to));
                from = to;
            } while (from < blocks);
        }
        return out;
    }

    /**
     * As {@link #search(Corpus, int, double[][], List, Metric, int, ProgressListener, Consumer)}, resumable when
     * {@code checkpoints} is given: the corpus is cut into work units ({@link #units}); each unit's candidates and
     * skipped rows are saved with the units done now and then, and a state that {@code checkpoints} returns at the start
     * is continued (its units are skipped). The hits equal an uninterrupted search's, ties included: each row's float32
     * key is computed in the same block at the same place, and the candidates are the k best whatever the split.
     */
    public Result search(Corpus corpus, int position, double[][] queries, List<String> names, Metric metric, int k,
                         ProgressListener progress, Consumer<String> batchLog, Checkpoints<QueryPartial> checkpoints) {
        int d = corpus.dim();
        int nq = queries.length;
        if (nq == 0) {
            throw new CossimException("no queries given");
        }
        if (k < 1) {
            throw new ParameterException("top-k", k, "must be at least 1");
        }
        float[] qm = prepareQueries(queries, names, metric, d);
        // The queries as the columns of every block's product, prepared once (packed, if the kernel packs) for all workers.
        TileKernel.ColumnBlock columns = kernel.columnBlock(qm, 0, nq, d);
        int block = block(nq);
        long t0 = System.nanoTime();
        List<Unit> units = units(corpus, block, checkpoints != null);
        ResumeState<QueryPartial> state = null;
        if (checkpoints != null) {
            state = checkpoints.load(units.size());
            if (state == null) {
                state = new ResumeState<>(units.size());
            }
        }
        // A small search runs through before the compiler would be done, and a resumed one may have nothing left to
        // scan: neither waits. The wait is not counted in the search's time.
        double waited = (double) corpus.rows() * nq * d >= MIN_PRODUCTS_TO_WAIT && (state == null || !state.complete())
                ? awaitWarmUp(metric, k) : 0;
        QueryPartial all = new QueryPartial(nq, k);
        progress.begin("query", corpus.rows());
        try (TileScheduler scheduler = new TileScheduler(threads, "cossim-query")) {
            long restored = 0;
            for (int u = 0; state != null && u < units.size(); u++) {
                if (state.isDone(u)) {
                    restored += unitRows(corpus, units.get(u), block);
                }
            }
            progress.advance(restored);
            long interval = checkpoints == null ? 0 : checkpoints.intervalNanos();
            long lastSave = System.nanoTime();
            long tb = System.nanoTime();
            for (int u = 0; u < units.size(); u++) {
                Unit unit = units.get(u);
                Corpus.Batch b = corpus.batches().get(unit.batch());
                boolean lastOfBatch = u + 1 == units.size() || units.get(u + 1).batch() != unit.batch();
                if (state == null || !state.isDone(u)) {
                    AtomicLong next = new AtomicLong(unit.from());
                    int workers = (int) Math.min(threads, Math.max(1, unit.to() - unit.from()));
                    QueryPartial part = new QueryPartial(nq, k);
                    AtomicLong zero = new AtomicLong();
                    AtomicLong nonFinite = new AtomicLong();
                    for (Candidates c : scheduler.run(workers,
                            w -> new Worker(b, position, columns, nq, d, metric, k, next, block, unit.to(), zero, nonFinite, progress))) {
                        part.candidates.merge(c);
                    }
                    part.zeroRows = zero.get();
                    part.nonFiniteRows = nonFinite.get();
                    if (state == null) {
                        all.merge(part);
                    } else {
                        synchronized (state) {
                            state.finish(u, part);
                            if (!state.complete() && System.nanoTime() - lastSave >= interval) {
                                checkpoints.save(state);
                                lastSave = System.nanoTime();
                            }
                        }
                    }
                }
                if (lastOfBatch) {
                    if (batchLog != null) {
                        batchLog.accept(String.format(java.util.Locale.ROOT, "batch %d/%d %s: %,d rows in %.2f s",
                                b.index() + 1, corpus.batches().size(), b.data().path().getFileName(), b.rows(), (System.nanoTime() - tb) / 1e9));
                    }
                    tb = System.nanoTime();
                }
            }
        } finally {
            progress.end();
        }
        if (state != null) {
            checkpoints.save(state);
            QueryPartial r = state.result();
            all = r != null ? r : all;
        }
        List<Hit[]> hits = new ArrayList<>();
        for (int q = 0; q < nq; q++) {
            hits.add(rescore(corpus, position, queries[q], metric, all.candidates.rows(q)));
        }
        double seconds = (System.nanoTime() - t0) / 1e9 - waited;
        return new Result(metric, k, position, hits, corpus.rows(), all.zeroRows, all.nonFiniteRows, seconds, waited);
    }

    private static long unitRows(Corpus corpus, Unit u, int block) {
        long rows = corpus.batches().get(u.batch()).rows();
        return Math.min(rows, u.to() * block) - Math.min(rows, u.from() * block);
    }

    /**
     * Runs the per-block loops (float16 and bfloat16 widening, squared norms, the candidate scan, the winners' rescoring)
     * and the kernel's call path on a little synthetic data on a background thread, so that the JIT has compiled them
     * before the search needs them; the caller goes on meanwhile (opening the corpus, reading labels and queries).
     * Before they were compiled, these loops made the first of ten 100,000-row batches take 0.25-0.41 s against
     * 0.05-0.07 s for the others (1,000,000 x 384 float16 rows, 100 queries); warmed up, about 0.1 s.
     *
     * @param k      the search's k (heaps of up to 64 are warmed)
     * @param kernel the kernel the search will use
     */
    public static void warmUpInBackground(Metric metric, int k, TileKernel kernel) {
        startWarmUp(metric, k, () -> kernel);
    }

    /**
     * As {@link #warmUpInBackground(Metric, int, TileKernel)}, started before the kernel is known (a command line,
     * before it parses its arguments): the side thread waits for the kernel {@code kernelName} chooses (see
     * {@link Vectorization#preloadDotKernel}) and then warms up.
     */
    public static void warmUpInBackground(Metric metric, int k, String kernelName) {
        startWarmUp(metric, k, () -> Vectorization.get().dotKernel(kernelName, line -> { }));
    }

    /** Heaps of up to 64 are warmed: a larger k only makes them deeper. */
    private static int warmUpHeap(int k) {
        return Math.max(1, Math.min(k, 64));
    }

    /** One warm-up per metric and heap size in a JVM ({@link JitWarmUp#startOnce}). */
    private static String warmUpKey(Metric metric, int k) {
        return "query scan/" + metric.label() + "/" + warmUpHeap(k);
    }

    /** Starts the warm-up of {@code metric} with heaps of k (up to 64) on a side thread, unless one was started before. */
    private static void startWarmUp(Metric metric, int k, java.util.function.Supplier<TileKernel> kernel) {
        int heap = warmUpHeap(k);
        JitWarmUp.startOnce(warmUpKey(metric, k), () -> warmUp(metric, heap, kernel.get()));
    }

    /** The longest a search waits for a warm-up started before it. */
    static final long MAX_WARM_UP_WAIT_MS = 3000;

    /**
     * Searches of fewer rows x queries x dimension products than this do not wait for the warm-up. Before C2 has
     * compiled them the vector kernel's micro-kernels manage about 16 million products a second (100,000 rows x 2
     * queries x 64 took 0.86 s, against 0.12 s once compiled), so that a search of this size takes about as long
     * uncompiled as the 0.1-0.4 s the warm-up took when a search waited.
     */
    static final double MIN_PRODUCTS_TO_WAIT = 4e6;

    /**
     * Waits (at most {@link #MAX_WARM_UP_WAIT_MS}) for this metric and k's warm-up, when one was started before, so
     * that the search's threads do not run its loops and the kernel's micro-kernels before C2 has compiled them: they
     * then run tens of times slower and take the two cores from the compiler (docs/performance.md, "The query scan's
     * kernel"). Returns the seconds waited.
     */
    static double awaitWarmUp(Metric metric, int k) {
        return JitWarmUp.await(warmUpKey(metric, k), MAX_WARM_UP_WAIT_MS);
    }

    /**
     * The warm-up itself, a few thousand calls, enough for the JIT's top tier. The scan sees what a search shows it:
     * the metric's key, and heaps that fill at first and then turn nearly every row away (compiled for a profile
     * where rows keep passing, it ran 1.7 times slower).
     */
    static void warmUp(Metric metric, int k, TileKernel kernel) {
        int d = 48, count = 32, nq = 40;
        java.util.Random r = new java.util.Random(1);
        warmUpKernel(kernel, r);
        short[] halves = new short[count * d];
        for (int i = 0; i < halves.length; i++) {
            halves[i] = Float.floatToFloat16((float) r.nextGaussian());
        }
        float[] rows = new float[count * d];
        double[] squares = new double[count];
        double[] x = new double[d];
        double[] y = new double[d];
        for (int i = 0; i < 2000; i++) {
            HalfFloats.widenF16(halves, rows, 0, rows.length);
            HalfFloats.widenBf16(halves, rows, 0, rows.length);
            BlockPass.exactSquares(rows, 0, d);
            x[i % d] = rows[i % rows.length];
            metric.score(x, y); // the winners' rescoring
        }
        BlockPass pass = BlockPass.create();
        float[][] outs = new float[8][count * nq];
        for (float[] o : outs) {
            for (int i = 0; i < o.length; i++) {
                o[i] = (float) r.nextGaussian();
            }
        }
        float[] scale = new float[count];
        Arrays.fill(scale, 1f);
        float[] thr = new float[nq];
        boolean euclid = metric == Metric.EUCLIDEAN;
        Candidates cand = null;
        for (int i = 0; i < 4000; i++) {
            if (i % 400 == 0) {
                cand = new Candidates(nq, k);
                for (int q = 0; q < nq; q++) {
                    thr[q] = cand.threshold(q);
                }
            }
            pass.squares(rows, count, d, squares);
            pass.select(outs[i & 7], count, nq, scale, euclid, thr, cand, (long) i * count);
        }
    }

    /**
     * The kernel's call path, first: for OpenBLAS the downcall and the library's first-call set-up; for the Vector API
     * kernel its column-block micro-kernels, which run tens of times slower until C2 has compiled them. 68 columns
     * make a full panel, a whole vector of tail and 4 columns of dot products at either vector width (all three
     * micro-kernels: with 52, 10 queries ran the uncompiled tail kernel, search 0.32-0.42 s against 0.24-0.26, and 100
     * queries took as long either way). Shallow and deep calls until a deep one runs compiled, as
     * {@link KernelWarmUp#untilCompiled} does it; deep: depth 144 = 128 + 16 (two depth blocks, the second adding), 20
     * rows (the last 4 through the padded rest); shallow: depth 16, 16 rows. A deep call's time as C2 went through
     * them (AMD EPYC family 26, one run): 4-8 ms uncompiled, 0.4 ms with the 4 x 3 kernel compiled, 0.14 ms with the
     * 8 x 1 one too, 0.03 ms with all three, 0.005 ms with the calling loops compiled as well. A fixed 600 deep calls
     * took 0.61-0.98 s (the search then waited 0.1-0.35 s for them); these, 0.55-0.92 s and a wait of 0-0.09 s
     * (docs/performance.md, "The query scan's kernel").
     */
    private static void warmUpKernel(TileKernel kernel, java.util.Random r) {
        int deepD = 144, shallowD = 16, deepRows = 20, shallowRows = 16, cols = 68;
        float[] a = new float[deepRows * deepD];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        float[] b = new float[cols * deepD];
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) r.nextGaussian();
        }
        TileKernel.ColumnBlock deep = kernel.columnBlock(b, 0, cols, deepD);
        TileKernel.ColumnBlock shallow = kernel.columnBlock(b, 0, cols, shallowD);
        float[] out = new float[deepRows * cols];
        KernelWarmUp.untilCompiled(() -> shallow.dots(a, 0, shallowRows, out), () -> deep.dots(a, 0, deepRows, out));
    }

    /** Query rows as the kernel sees them: unit length for cosine, centred and unit for correlation, else as given. */
    static float[] prepareQueries(double[][] queries, List<String> names, Metric metric, int d) {
        float[] qm = new float[queries.length * d];
        for (int q = 0; q < queries.length; q++) {
            double[] v = queries[q];
            String name = names != null && q < names.size() ? names.get(q) : "query " + q;
            if (v.length != d) {
                throw new CossimException(name + ": has dimension " + v.length + ", the corpus has " + d);
            }
            for (double x : v) {
                if (!Double.isFinite(x)) {
                    throw new CossimException(name + ": holds NaN or infinite values");
                }
            }
            if (metric == Metric.CORRELATION) {
                // Centred: then q.x equals q.(x - mean(x)) for every row, up to the float rounding the scan corrects.
                double mean = 0;
                for (double x : v) {
                    mean += x;
                }
                mean /= d;
                v = v.clone();
                for (int i = 0; i < d; i++) {
                    v[i] -= mean;
                }
            }
            double ss = 0;
            for (double x : v) {
                ss += x * x;
            }
            if (metric == Metric.CORRELATION && !(ss > 1e-24 * d)) {
                throw new CossimException(name + ": is a constant vector, which has no correlation");
            }
            if (metric == Metric.COSINE && ss == 0) {
                throw new CossimException(name + ": is a zero vector, which has no cosine similarity");
            }
            double scale = metric == Metric.COSINE || metric == Metric.CORRELATION ? 1 / Math.sqrt(ss) : 1;
            for (int i = 0; i < d; i++) {
                qm[q * d + i] = (float) (v[i] * scale);
            }
        }
        return qm;
    }

    private static Hit[] rescore(Corpus corpus, int position, double[] query, Metric metric, long[] rows) {
        Hit[] hits = new Hit[rows.length];
        for (int i = 0; i < rows.length; i++) {
            hits[i] = new Hit(rows[i], metric.score(query, corpus.vector(rows[i], position)));
        }
        Arrays.sort(hits, metric.largest() ? LARGEST_FIRST : SMALLEST_FIRST);
        return hits;
    }

    /**
     * Best first (largest or smallest score), ties by the lower row. A plain class rather than comparator lambdas:
     * with it, and {@link Candidates#rows} without streams, the end of a search took 9-13 ms for 1,000 winners
     * instead of 27-63 ms, most of which was linking lambdas and streams on first use.
     */
    private record HitOrder(boolean largest) implements Comparator<Hit> {
        @Override
        public int compare(Hit a, Hit b) {
            int c = largest ? Double.compare(b.score(), a.score()) : Double.compare(a.score(), b.score());
            return c != 0 ? c : Long.compare(a.row(), b.row());
        }
    }

    private static final Comparator<Hit> LARGEST_FIRST = new HitOrder(true), SMALLEST_FIRST = new HitOrder(false);

    /** Scores blocks of one batch until those before {@code end} are gone; returns its candidates. */
    private final class Worker implements Callable<Candidates> {
        // block shadows the engine's: the size this search uses
        private final Corpus.Batch batch;
        private final int position;
        private final TileKernel.ColumnBlock columns;
        private final int nq;
        private final int d;
        private final Metric metric;
        private final Candidates cand;
        private final AtomicLong next;
        private final int block;
        private final long end;
        private final AtomicLong zero;
        private final AtomicLong nonFinite;
        private final ProgressListener progress;
        private final BlockPass pass = BlockPass.create();

        Worker(Corpus.Batch batch, int position, TileKernel.ColumnBlock columns, int nq, int d, Metric metric, int k, AtomicLong next,
               int block, long end, AtomicLong zero, AtomicLong nonFinite, ProgressListener progress) {
            this.batch = batch;
            this.position = position;
            this.columns = columns;
            this.nq = nq;
            this.d = d;
            this.metric = metric;
            this.cand = new Candidates(nq, k);
            this.next = next;
            this.block = block;
            this.end = end;
            this.zero = zero;
            this.nonFinite = nonFinite;
            this.progress = progress;
        }

        @Override
        public Candidates call() {
            float[] buf = new float[block * d];
            float[] out = new float[nq * block];
            float[] scale = new float[block];
            double[] squares = new double[block];
            float[] thr = new float[nq];
            for (int q = 0; q < nq; q++) {
                thr[q] = cand.threshold(q);
            }
            BatchFile data = batch.data();
            boolean dot = metric == Metric.DOT;
            boolean correlation = metric == Metric.CORRELATION;
            long b;
            while ((b = next.getAndIncrement()) < end) {
                TileScheduler.checkInterrupted();
                long row0 = b * block;
                int count = (int) Math.min(block, data.rows() - row0);
                data.read(row0, count, position, buf);
                if (dot) {
                    Arrays.fill(scale, 0, count, 1f); // dot products need no norms; non-finite rows are found below
                } else if (correlation) {
                    centredSquares(buf, count, squares);
                    prepareScales(squares, count, scale);
                } else {
                    pass.squares(buf, count, d, squares);
                    prepareScales(squares, count, scale);
                }
                // rows x queries, so that each row's scores lie together for the scan (OpenBLAS also runs this
                // orientation faster: 512 x 100 x 384 at 102 GFLOP/s on one thread, 83 per thread on two, against
                // 76 and 71 for 100 x 512)
                columns.dots(buf, 0, count, out);
                if (dot) {
                    markNonFiniteRows(buf, out, count, scale);
                }

                pass.select(out, count, nq, scale, metric == Metric.EUCLIDEAN, thr, cand, batch.firstRow() + row0);
                progress.advance(count);
            }
            return cand;
        }

        /**
         * For dot products, which skip the norms pass: a row holding NaN or an infinity makes every score of it
         * non-finite (NaN and infinities survive multiplication by any query value and addition), so only rows whose
         * first query's score is non-finite are checked, exactly in double; a finite row whose score overflowed float
         * stays (its winners are rescored in double). A skipped row gets a NaN scale, as in {@link #prepareScales}.
         */
        private void markNonFiniteRows(float[] rows, float[] out, int count, float[] scale) {
            long nf = 0;
            for (int j = 0; j < count; j++) {
                if (!Float.isFinite(out[j * nq]) && !Double.isFinite(BlockPass.exactSquares(rows, j * d, d))) {
                    scale[j] = Float.NaN;
                    nf++;
                }
            }
            if (nf > 0) {
                nonFinite.addAndGet(nf);
            }
        }

        /**
         * Centres each row on its mean (in double, in place, before the products: a row whose mean is far larger than
         * its spread would otherwise lose its ranking to float32 cancellation in q.x) and gives its squared norm about
         * the mean (0 for a constant row, which has no correlation, and so is counted and skipped as a zero row is for
         * cosine).
         */
        private void centredSquares(float[] rows, int count, double[] squares) {
            for (int j = 0; j < count; j++) {
                int off = j * d;
                double sum = 0;
                for (int i = 0; i < d; i++) {
                    sum += rows[off + i];
                }
                double mean = sum / d, ss = 0, raw = 0;
                for (int i = 0; i < d; i++) {
                    double x = rows[off + i] - mean;
                    raw += (double) rows[off + i] * rows[off + i];
                    rows[off + i] = (float) x;
                    ss += (double) rows[off + i] * rows[off + i];
                }
                // A constant row leaves only rounding about its mean: no direction, as a zero row has none for cosine.
                squares[j] = !Double.isFinite(ss) ? Double.NaN : ss <= 1e-12 * raw ? 0 : ss;
            }
        }

        /**
         * Per row: 1/norm for cosine (1/centred norm for correlation), 1 for dot, the squared norm for Euclidean (key 2 q.x - |x|^2 ranks like the
         * distance); NaN marks a row to skip, as its keys then compare false.
         */
        private void prepareScales(double[] squares, int count, float[] scale) {
            long z = 0, nf = 0;
            for (int j = 0; j < count; j++) {
                double ss = squares[j];
                if (!Double.isFinite(ss)) {
                    nf++;
                    scale[j] = Float.NaN;
                } else if (metric == Metric.COSINE || metric == Metric.CORRELATION) {
                    if (ss == 0) {
                        z++;
                        scale[j] = Float.NaN;
                    } else {
                        scale[j] = (float) (1 / Math.sqrt(ss));
                    }
                } else {
                    scale[j] = metric == Metric.DOT ? 1f : (float) ss;
                }
            }
            if (z > 0) {
                zero.addAndGet(z);
            }
            if (nf > 0) {
                nonFinite.addAndGet(nf);
            }
        }
    }
}
