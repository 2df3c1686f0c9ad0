package dev.cossim.compare;

import dev.cossim.CossimException;
import dev.cossim.ParameterException;
import dev.cossim.analysis.Analysis;
import dev.cossim.analysis.ProgressListener;
import dev.cossim.kernel.TileKernel;
import dev.cossim.matrix.Metric;
import dev.cossim.matrix.Normalization;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.matrix.Selection;
import dev.cossim.results.NeighborTable;
import dev.cossim.results.Statistics;
import dev.cossim.source.EmbeddingModel;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * The one way to compare two embedding spaces: a request built fluently, checked once ({@link #validate}), run over
 * the rows the two models share, returning a {@link ComparisonResult}.
 *
 * <pre>{@code
 * ComparisonResult r = Comparison.of(minilm, bge).k(5, 10, 50).samplePairs(100_000, 42).run();
 * }</pre>
 *
 * The pipeline: select rows of A ({@link #rows}) -> align them with B's rows (by token string when both have
 * vocabularies, else by id; see {@link Alignment}) -> one exact top-k pass per model through {@link Analysis} (the
 * engine's tiles and its one top-k selection; the mean cosine of all pairs comes from the same pass) -> one streamed
 * pass in double for the d x d Gram and cross products (CKA, PCA, Procrustes; EJML) -> one streamed pass for the
 * projections (partition function, Procrustes residuals) -> a seeded sample of pairs (RSA). Nothing holds an N x N
 * matrix: the memory is one side's unit rows (float32, during its top-k pass), the top-k lists, d x d products, and
 * the memory-mapped inputs.
 */
public final class Comparison {
    private final EmbeddingModel a;
    private final EmbeddingModel b;
    private Selection selection = Selection.ALL;
    private int[] ks = {10};
    private int samplePairs = 100_000;
    private long seed = 42;
    private boolean center;
    private int removeTopPcs;
    private int threads = Runtime.getRuntime().availableProcessors();
    private String kernelName = "auto";
    private TileKernel dots;
    private ProgressListener progress = ProgressListener.NONE;
    private Consumer<String> log = line -> {
    };
    private java.nio.file.Path checkpointDir;
    private double checkpointSeconds = Analysis.DEFAULT_CHECKPOINT_SECONDS;
    private boolean resume;
    /** The packed unit rows of the side whose top-k pass runs (one side's at a time). */
    private float[] buffer;
    private long last;

    /** Tells the log how long the stage that just ended took. */
    private void stage(String what) {
        long now = System.nanoTime();
        log.accept(String.format(java.util.Locale.ROOT, "compare: %-28s %7.2f s", what, (now - last) / 1e9));
        last = now;
    }

    private Comparison(EmbeddingModel a, EmbeddingModel b) {
        this.a = java.util.Objects.requireNonNull(a, "model A");
        this.b = java.util.Objects.requireNonNull(b, "model B");
    }

    /** A comparison of two models the caller opened (and closes). */
    public static Comparison of(EmbeddingModel a, EmbeddingModel b) {
        return new Comparison(a, b);
    }

    /** The rows of A compared (default: all); they are aligned with B's rows afterwards. */
    public Comparison rows(Selection s) {
        this.selection = s == null ? Selection.ALL : s;
        return this;
    }

    /** The neighbourhood sizes of the mutual kNN overlap (default 10); one top-k pass per model serves them all. */
    public Comparison k(int... values) {
        this.ks = values.clone();
        return this;
    }

    /** How many pairs of aligned rows the RSA correlation samples (default 100,000; 0: none), and the seed. */
    public Comparison samplePairs(int count, long seed) {
        this.samplePairs = count;
        this.seed = seed;
        return this;
    }

    /** Also reports isotropy after subtracting each side's mean row. */
    public Comparison center(boolean on) {
        this.center = on;
        return this;
    }

    /** Also reports isotropy after centring and removing the top {@code count} principal components ("all-but-the-top"). */
    public Comparison removeTopPcs(int count) {
        this.removeTopPcs = count;
        return this;
    }

    public Comparison threads(int n) {
        this.threads = n;
        return this;
    }

    /** The tile kernel of the top-k passes by name: auto (default), blas, vector, scalar. */
    public Comparison kernel(String name) {
        this.kernelName = name == null ? "auto" : name;
        this.dots = null;
        return this;
    }

    public Comparison kernel(TileKernel dotKernel) {
        this.dots = dotKernel;
        return this;
    }

    public Comparison progress(ProgressListener p) {
        this.progress = p == null ? ProgressListener.NONE : p;
        return this;
    }

    /** Receives one line saying which kernel runs and why. */
    public Comparison log(Consumer<String> l) {
        this.log = l == null ? line -> {
        } : l;
        return this;
    }

    /**
     * Makes the two top-k passes (the comparison's long part) resumable: each saves its state and finished work units
     * to {@code dir/a/checkpoint.bin} and {@code dir/b/checkpoint.bin} every {@code everySeconds} and when it is done,
     * as {@link Analysis#checkpoint} does; the rest (d x d products, decompositions, samples) is recomputed on resume.
     * Without {@link #resume}, {@code dir} must hold no checkpoint yet.
     */
    public Comparison checkpoint(java.nio.file.Path dir, double everySeconds) {
        this.checkpointDir = dir;
        this.checkpointSeconds = everySeconds;
        return this;
    }

    /**
     * Continues the checkpoints in {@link #checkpoint}'s directory: a finished pass is not run again, an unfinished one
     * skips its finished units. A pass's checkpoint of other rows (another model, selection or alignment) or another
     * request (k, kernel, block) is refused.
     */
    public Comparison resume(boolean on) {
        this.resume = on;
        return this;
    }

    /** Checks everything that can be checked before any row is read; {@link #run} calls it first. */
    public Comparison validate() {
        if (ks.length == 0) {
            throw new ParameterException("k", "(none)", "give at least one neighbourhood size");
        }
        for (int k : ks) {
            if (k < 1) {
                throw new ParameterException("k", k, "must be at least 1");
            }
        }
        if (samplePairs < 0) {
            throw new ParameterException("sample-pairs", samplePairs, "must be 0 or more");
        }
        if (removeTopPcs < 0) {
            throw new ParameterException("remove-top-pcs", removeTopPcs, "must be 0 or more");
        }
        int dim = Math.min(a.dim(), b.dim());
        if (removeTopPcs >= dim) {
            throw new ParameterException("remove-top-pcs", removeTopPcs, "must be less than the dimension (" + dim + ")");
        }
        if (threads < 1) {
            throw new ParameterException("threads", threads, "must be at least 1");
        }
        validateCheckpoint();
        return this;
    }

    /** The checkpoint options, as {@link Analysis#validateCheckpoint} checks them, for the directory and each pass's. */
    private void validateCheckpoint() {
        if (checkpointDir == null) {
            Analysis.validateCheckpoint(null, checkpointSeconds, resume);
            return;
        }
        Analysis.validateCheckpoint(checkpointDir, checkpointSeconds, true);
        if (java.nio.file.Files.exists(checkpointDir.resolve(Analysis.CHECKPOINT_FILE))) {
            throw CossimException.inFile(checkpointDir, "holds the checkpoint of an analysis (" + Analysis.CHECKPOINT_FILE
                    + "), not of a comparison (which keeps one per top-k pass in " + String.join("/ and ", SIDES) + "/)");
        }
        for (String side : SIDES) {
            Analysis.validateCheckpoint(checkpointDir.resolve(side), checkpointSeconds, true);
            if (!resume && java.nio.file.Files.exists(checkpointDir.resolve(side).resolve(Analysis.CHECKPOINT_FILE))) {
                throw CossimException.inFile(checkpointDir, "holds a checkpoint already: resume it, or remove it to start again");
            }
        }
    }

    /** The subdirectories of a comparison's checkpoint directory: one per top-k pass. */
    private static final List<String> SIDES = List.of("a", "b");

    /** The request of one side's top-k pass, resumable under its subdirectory when the comparison is checkpointed. */
    private Analysis checkpointed(Analysis pass, String side) {
        return checkpointDir == null ? pass : pass.checkpoint(checkpointDir.resolve(side), checkpointSeconds).resume(resume);
    }

    public ComparisonResult run() {
        validate();
        long t0 = System.nanoTime();
        last = t0;
        int[] k = IntStream.of(ks).sorted().distinct().toArray();
        int kmax = k[k.length - 1];
        Alignment al = Alignment.of(a, selection.apply(a.rows(), a.vocabulary()), b);
        int n = al.size();
        if (n < 2) {
            throw new CossimException(String.format(java.util.Locale.ROOT,
                    "%s and %s share %d usable row(s) (aligned by %s; %,d only in A, %,d only in B, %,d zero or non-finite): nothing to compare",
                    a.description(), b.description(), n, al.by(), al.onlyA(), al.onlyB(), al.unusable()));
        }
        if (kmax >= n) {
            throw new ParameterException("k", kmax, "must be less than the number of aligned rows (" + n + ")");
        }
        TileKernel dot = dots != null ? dots : Analysis.chooseKernel(kernelName, log);

        log.accept("compare: JVM collectors " + collectors() + ", maximum heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
        stage("alignment");
        Knn knnA = knn(a, al.idsA(), kmax, dot, SIDES.get(0));
        stage("top-k pass of A");
        Knn knnB = knn(b, al.idsB(), kmax, dot, SIDES.get(1));
        buffer = null;
        releaseUnitRows();
        stage("top-k pass of B");
        List<ComparisonResult.Overlap> overlaps = new ArrayList<>();
        for (int kk : k) {
            overlaps.add(overlap(knnA.table, knnB.table, kk, n));
        }

        Products products = Products.forKernel(dot.name(), dots == null && "auto".equalsIgnoreCase(kernelName));
        log.accept("compare: d x d products in double through " + products);
        RowPass.Side sa = new RowPass.Side(a.matrix(), al.idsA(), null);
        RowPass.Side sb = new RowPass.Side(b.matrix(), al.idsB(), null);
        int dA = a.dim();
        int dB = b.dim();
        Moments m = RowPass.run(List.of(sa, sb), n, threads, () -> new Moments(new int[]{dA, dB}, true, true, products), progress, "compare: Gram products").symmetrize();
        double ckaRaw = Moments.cka(Moments.centred(m.gramX[0], m.sumX[0], m.sumX[0], n), Moments.centred(m.gramX[1], m.sumX[1], m.sumX[1], n),
                Moments.centred(m.crossX, m.sumX[0], m.sumX[1], n));
        double ckaUnit = Moments.cka(Moments.centred(m.gramU[0], m.sumU[0], m.sumU[0], n), Moments.centred(m.gramU[1], m.sumU[1], m.sumU[1], n),
                Moments.centred(m.crossU, m.sumU[0], m.sumU[1], n));
        stage("Gram products");
        DMatrixRMaj rotation = rotation(m.crossU);

        Isotropy.Eigen covA = Isotropy.Eigen.of(covariance(m, 0));
        Isotropy.Eigen covB = Isotropy.Eigen.of(covariance(m, 1));
        stage("SVD and eigen decompositions");
        List<RowPass.Side> sides = new ArrayList<>(List.of(sa, sb));
        List<DMatrixRMaj> directions = new ArrayList<>(List.of(Isotropy.Eigen.of(m.gramX[0]).vectors(), Isotropy.Eigen.of(m.gramX[1]).vectors()));
        boolean transformed = center || removeTopPcs > 0;
        Moments m2 = null;
        Isotropy.Eigen[] cov2 = null;
        if (transformed) {
            RowPass.Side ta = new RowPass.Side(a.matrix(), al.idsA(), transform(m.sumX[0], n, covA.vectors()));
            RowPass.Side tb = new RowPass.Side(b.matrix(), al.idsB(), transform(m.sumX[1], n, covB.vectors()));
            m2 = RowPass.run(List.of(ta, tb), n, threads, () -> new Moments(new int[]{dA, dB}, false, false, products), progress, "compare: transformed rows").symmetrize();
            cov2 = new Isotropy.Eigen[]{Isotropy.Eigen.of(covariance(m2, 0)), Isotropy.Eigen.of(covariance(m2, 1))};
            sides.add(ta);
            sides.add(tb);
            directions.add(Isotropy.Eigen.of(m2.gramX[0]).vectors());
            directions.add(Isotropy.Eigen.of(m2.gramX[1]).vectors());
        }
        stage("transformed rows");
        double[] residuals = new double[n];
        DMatrixRMaj[] dirs = directions.toArray(DMatrixRMaj[]::new);
        Projections p = RowPass.run(sides, n, threads, () -> new Projections(dirs, rotation, residuals, products), progress, "compare: projections");

        stage("projections");
        Isotropy isoA = new Isotropy(knnA.statistics.mean(), Isotropy.isoScore(covA.values()), p.partitionRatio(0),
                covA.shares(Isotropy.SHARES), Isotropy.contributions(m.sumU[0], m.sumSqU[0], n));
        Isotropy isoB = new Isotropy(knnB.statistics.mean(), Isotropy.isoScore(covB.values()), p.partitionRatio(1),
                covB.shares(Isotropy.SHARES), Isotropy.contributions(m.sumU[1], m.sumSqU[1], n));
        Isotropy tA = null;
        Isotropy tB = null;
        String transform = null;
        if (transformed) {
            tA = transformedIsotropy(m2, cov2[0], p, 0, n);
            tB = transformedIsotropy(m2, cov2[1], p, 1, n);
            transform = removeTopPcs > 0 ? "centred, top " + removeTopPcs + " principal component" + (removeTopPcs == 1 ? "" : "s") + " removed" : "centred";
        }
        double residual = 0;
        for (double r : residuals) {
            residual += r * r;
        }
        String shape = dA == dB ? "orthogonal" : dA > dB ? "orthonormal columns (B padded with zeros)" : "orthonormal rows (A padded with zeros)";
        double[][] r = new double[dA][dB];
        for (int i = 0; i < dA; i++) {
            for (int j = 0; j < dB; j++) {
                r[i][j] = rotation.get(i, j);
            }
        }
        ComparisonResult.Procrustes pr = new ComparisonResult.Procrustes(shape, r, residual, residual / n, 1 - residual / (2.0 * n), residuals);
        ComparisonResult.SampledSimilarities sims = samplePairs == 0 ? null : sample(sa, sb, n);
        stage("sampled pairs");
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new ComparisonResult(a.description(), b.description(), dA, dB, a.vocabulary(), b.vocabulary(), selection, al,
                List.copyOf(overlaps), ckaRaw, ckaUnit, sims, pr, isoA, isoB, transform, tA, tB, seconds, dot.name(), threads);
    }

    private static Isotropy transformedIsotropy(Moments m2, Isotropy.Eigen cov, Projections p, int side, int n) {
        double[] c = Isotropy.contributions(m2.sumU[side], m2.sumSqU[side], n);
        double mean = 0;
        for (double v : c) {
            mean += v;
        }
        return new Isotropy(mean, Isotropy.isoScore(cov.values()), p.partitionRatio(side + 2), cov.shares(Isotropy.SHARES), c);
    }

    /** The sample covariance (n - 1 in the denominator) of side s's rows. */
    private static DMatrixRMaj covariance(Moments m, int s) {
        DMatrixRMaj c = Moments.centred(m.gramX[s], m.sumX[s], m.sumX[s], m.n);
        CommonOps_DDRM.scale(1.0 / (m.n - 1), c);
        return c;
    }

    /** x -> x - mean, then minus its projections on the first removeTopPcs columns of pcs. */
    private RowPass.RowTransform transform(double[] sum, int n, DMatrixRMaj pcs) {
        int d = sum.length;
        double[] mean = new double[d];
        for (int c = 0; c < d; c++) {
            mean[c] = sum[c] / n;
        }
        int top = removeTopPcs;
        double[][] v = new double[top][d];
        for (int j = 0; j < top; j++) {
            for (int c = 0; c < d; c++) {
                v[j][c] = pcs.get(c, j);
            }
        }
        return row -> {
            for (int c = 0; c < d; c++) {
                row[c] -= mean[c];
            }
            for (int j = 0; j < top; j++) {
                double dotp = 0;
                for (int c = 0; c < d; c++) {
                    dotp += v[j][c] * row[c];
                }
                for (int c = 0; c < d; c++) {
                    row[c] -= dotp * v[j][c];
                }
            }
        };
    }

    /** R = U V^T from the compact SVD of M = U_A^T U_B: orthogonal, or semi-orthogonal when the dimensions differ. */
    private static DMatrixRMaj rotation(DMatrixRMaj cross) {
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(cross.numRows, cross.numCols, true, true, true);
        if (!svd.decompose(cross.copy())) {
            throw new CossimException("the SVD of the " + cross.numRows + " x " + cross.numCols + " cross product did not converge");
        }
        DMatrixRMaj u = svd.getU(null, false);
        DMatrixRMaj v = svd.getV(null, false);
        DMatrixRMaj r = new DMatrixRMaj(cross.numRows, cross.numCols);
        CommonOps_DDRM.multTransB(u, v, r);
        return r;
    }

    /**
     * The unit rows (4 N d bytes, most of what the comparison holds) died with the top-k passes; a full collection
     * now gives their space back before the product passes allocate theirs. Otherwise a generational collector keeps
     * the dead copy in its old generation and appends what those passes promote after it: with the serial collector
     * on 2 x 50,000 x 768 the heap after a collection grew from 173 MiB to 292 MiB during those passes; with this
     * collection it fell to 19 MiB and stayed at or under 143 MiB (-Xlog:gc; docs/compare.md).
     */
    private static void releaseUnitRows() {
        System.gc();
    }

    /** The JVM's garbage collectors by name (the serial one: Copy, MarkSweepCompact), for the log. */
    private static String collectors() {
        return String.join(", ", java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(java.lang.management.GarbageCollectorMXBean::getName).toList());
    }

    private record Knn(NeighborTable table, Statistics statistics) {
    }

    /**
     * One exact top-k pass over one side's aligned unit rows, numbered by aligned row, through the facade. The unit
     * rows are packed into {@code buffer} when it has the right size (side B reuses side A's), so that only one side's
     * copy is held at a time.
     */
    private Knn knn(EmbeddingModel m, int[] ids, int k, TileKernel dot, String side) {
        int d = m.dim();
        int n = ids.length;
        if (buffer == null || buffer.length != (long) n * d) {
            buffer = null;
            buffer = new float[Math.multiplyExact(n, d)];
        }
        float[] data = buffer;
        var t = m.matrix();
        int chunk = 1024;
        IntStream.range(0, (n + chunk - 1) / chunk).parallel().forEach(c -> {
            float[] row = new float[d];
            for (int r = c * chunk; r < Math.min(n, (c + 1) * chunk); r++) {
                t.readFloats((long) ids[r] * d, row, 0, d);
                if (RowMatrix.prepareRow(row, Normalization.UNIT) != 0) {
                    throw new IllegalStateException("aligned rows were checked to be usable");
                }
                System.arraycopy(row, 0, data, r * d, d);
            }
        });
        int[] aligned = IntStream.range(0, n).toArray();
        RowMatrix rows = new RowMatrix(d, data, aligned, new int[0], new int[0], Normalization.UNIT);
        Analysis.Partial p = checkpointed(Analysis.ofPrepared(rows, null), side).metric(Metric.COSINE).topK(k).threads(threads).kernel(dot)
                .progress(progress).log(log)
                // The fused pass's JIT warm-up (Analysis.run starts it, ofPrepared leaves it off): until the vector pass
                // is compiled the reducers take the scalar one instead of running it uncompiled (slow, boxing).
                .warmUp((long) rows.size() * rows.size() / 2 > 20_000_000L).runPartial(List.of());
        return new Knn(p.summary().topK(), p.summary().statistics());
    }

    /** |N_A(i) ∩ N_B(i)| at k for every aligned row, from the top-kmax lists (their first k are the top-k lists). */
    private static ComparisonResult.Overlap overlap(NeighborTable ta, NeighborTable tb, int k, int n) {
        int[] per = new int[n];
        int[] mark = new int[n];
        long[] hist = new long[k + 1];
        long total = 0;
        for (int i = 0; i < n; i++) {
            int stamp = i + 1;
            int[] na = ta.neighbors(i).ids();
            int[] nb = tb.neighbors(i).ids();
            for (int j = 0; j < k; j++) {
                mark[na[j]] = stamp;
            }
            int c = 0;
            for (int j = 0; j < k; j++) {
                if (mark[nb[j]] == stamp) {
                    c++;
                }
            }
            per[i] = c;
            hist[c]++;
            total += c;
        }
        return new ComparisonResult.Overlap(k, (double) total / n, hist, per);
    }

    /** Seeded pairs of distinct aligned rows (uniform, with replacement) and their cosines in both models, in double. */
    private ComparisonResult.SampledSimilarities sample(RowPass.Side sa, RowPass.Side sb, int n) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] ri = new int[samplePairs];
        int[] rj = new int[samplePairs];
        for (int s = 0; s < samplePairs; s++) {
            int i = rnd.nextInt(n);
            int j = rnd.nextInt(n - 1);
            ri[s] = i;
            rj[s] = j >= i ? j + 1 : j;
        }
        double[] ca = new double[samplePairs];
        double[] cb = new double[samplePairs];
        int chunk = 4096;
        IntStream.range(0, (samplePairs + chunk - 1) / chunk).parallel().forEach(c -> {
            double[][] buf = {new double[sa.dim()], new double[sa.dim()], new double[sb.dim()], new double[sb.dim()]};
            for (int s = c * chunk; s < Math.min(samplePairs, (c + 1) * chunk); s++) {
                ca[s] = cosine(sa, ri[s], rj[s], buf[0], buf[1]);
                cb[s] = cosine(sb, ri[s], rj[s], buf[2], buf[3]);
            }
        });
        return new ComparisonResult.SampledSimilarities(seed, ri, rj, ca, cb, Ranks.spearman(ca, cb), Ranks.pearson(ca, cb));
    }

    private static double cosine(RowPass.Side s, int i, int j, double[] x, double[] y) {
        RowPass.read(s, i, x);
        RowPass.read(s, j, y);
        double xy = 0;
        double xx = 0;
        double yy = 0;
        for (int c = 0; c < x.length; c++) {
            xy += x[c] * y[c];
            xx += x[c] * x[c];
            yy += y[c] * y[c];
        }
        return xy / Math.sqrt(xx * yy);
    }
}
