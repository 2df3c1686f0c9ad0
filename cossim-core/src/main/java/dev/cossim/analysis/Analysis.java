package dev.cossim.analysis;

import dev.cossim.CossimException;
import dev.cossim.ParameterException;
import dev.cossim.engine.AllPairsEngine;
import dev.cossim.engine.CompositeReducer;
import dev.cossim.engine.KernelWarmUp;
import dev.cossim.engine.NearestRows;
import dev.cossim.engine.PairSet;
import dev.cossim.engine.TileReducer;
import dev.cossim.engine.Vectorization;
import dev.cossim.kernel.TileKernel;
import dev.cossim.matrix.Metric;
import dev.cossim.matrix.Normalization;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.matrix.Selection;
import dev.cossim.matrix.VectorStatistics;
import dev.cossim.output.AnalysisReport;
import dev.cossim.output.AtomicFile;
import dev.cossim.output.NpyMatrixWriter;
import dev.cossim.query.CorpusModel;
import dev.cossim.reduce.CorrelationVsCosine;
import dev.cossim.reduce.NearDuplicates;
import dev.cossim.reduce.PooledHeatmap;
import dev.cossim.reduce.RowSimilarity;
import dev.cossim.reduce.SubmatrixValues;
import dev.cossim.reduce.SummaryReducer;
import dev.cossim.reduce.TopPairs;
import dev.cossim.results.Neighbors;
import dev.cossim.source.EmbeddingModel;
import dev.cossim.vocab.Vocabulary;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The one way to run an analysis of an embedding matrix: a request built fluently, checked once, run in one pass over
 * the tiles of the similarity matrix for every analysis it asks for, returning an {@link AnalysisResult}.
 *
 * <pre>{@code
 * AnalysisResult r = Analysis.open(Path.of("model.safetensors"))
 *         .metric(Metric.COSINE).histogram(2000).topK(10)
 *         .run();
 * }</pre>
 *
 * The pipeline: open the model (when the request names it) -> select rows ({@link #rows}, {@link #against}) ->
 * prepare them for the metric (unit rows, centred rows) -> choose the kernel -> walk the tiles once on all threads,
 * each tile feeding every requested reducer -> merge -> the typed result. Only {@link #saveMatrix} writes the full
 * matrix; nothing else ever holds it.
 */
public final class Analysis {
    /** Histogram bins when the request does not say. */
    public static final int DEFAULT_BINS = 2000;
    /** Seconds between two saves of a checkpoint, unless the request says otherwise. */
    public static final double DEFAULT_CHECKPOINT_SECONDS = 60;
    /** The file a checkpoint directory holds. */
    public static final String CHECKPOINT_FILE = CheckpointFile.FILE;

    private EmbeddingModel model;
    /** Rows a caller already prepared and cut ({@link #ofPrepared}); then no model is read. */
    private PairSet prepared;
    private String modelSpec;
    private String tensorName;
    private Path vocabFile;
    private Integer position;
    private Boolean alignEnd;

    private Metric metric = Metric.COSINE;
    private Selection selection = Selection.ALL;
    private Selection against;

    private boolean summary;
    private int bins = DEFAULT_BINS;
    private double[] range;
    private int topK;
    private int topPairs;
    private boolean leastPairs;
    private boolean nearDuplicates;
    private double nearThreshold;
    private long nearMaxPairs = 20_000_000;
    private boolean rowStatistics;
    private double rowThreshold;
    private boolean submatrix;
    private long submatrixMaxPairs = 50_000_000;
    private boolean correlationVsCosine;
    private int cvcBins = DEFAULT_BINS;
    private int cvcSamplePairs;
    private long cvcSeed;
    private int heatmapSize;
    private Path matrixFile;
    private NpyMatrixWriter.Precision matrixPrecision = NpyMatrixWriter.Precision.F32;

    private Path checkpointDir;
    private double checkpointSeconds = DEFAULT_CHECKPOINT_SECONDS;
    private boolean resume;

    private String kernelName = "auto";
    private TileKernel dots;
    private int threads = Runtime.getRuntime().availableProcessors();
    private int block;
    private boolean warmUp = true;
    private long packedRowLimit = DEFAULT_PACKED_ROW_LIMIT;
    private boolean awaitWarmUp;
    private ProgressListener progress = ProgressListener.NONE;
    private Consumer<String> log = line -> {
    };
    private Consumer<String> warnings;

    private Analysis() {
    }

    /** An analysis of a model the caller opened (and closes). */
    public static Analysis of(EmbeddingModel model) {
        Analysis a = new Analysis();
        a.model = java.util.Objects.requireNonNull(model, "model");
        return a;
    }

    /** An analysis of a matrix in memory: {@code rows x dim} float32 values, row-major (copied); ids are row numbers. */
    public static Analysis of(float[] data, int rows, int dim) {
        return of(EmbeddingModel.ofRows(data, rows, dim));
    }

    /**
     * One share of an all-pairs run over rows the caller has already prepared for the metric and cut into pieces
     * (a Spark task's panel with itself, {@code b == null}, or two panels): run by {@link #runPartial} on the same
     * engine, kernel choice and fused summary pass as {@link #run}, on one thread, into mergeable partials.
     */
    public static Analysis ofPrepared(RowMatrix a, RowMatrix b) {
        Analysis x = new Analysis();
        x.prepared = b == null ? PairSet.within(a) : PairSet.cross(a, b);
        x.threads = 1;
        x.warmUp = false;
        return x;
    }

    /** An analysis of the rows given (all of one length; copied). */
    public static Analysis of(float[][] rows) {
        int dim = rows.length == 0 ? 1 : rows[0].length;
        float[] data = new float[rows.length * dim];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != dim) {
                throw new ParameterException("rows", "row " + r, "has " + rows[r].length + " values, row 0 has " + dim);
            }
            System.arraycopy(rows[r], 0, data, r * dim, dim);
        }
        return of(data, rows.length, dim);
    }

    /**
     * An analysis of the model at {@code spec} (a file or a model directory; null for the embedded default model),
     * opened when the request runs and closed after it; {@code tensor} and {@code vocab} may be null (found by name,
     * or beside the model).
     */
    public static Analysis open(String spec, String tensor, Path vocab) {
        Analysis a = new Analysis();
        a.modelSpec = spec;
        a.tensorName = tensor;
        a.vocabFile = vocab;
        return a;
    }

    /**
     * For a request that {@link #open}s a corpus of batch files as its model ({@link CorpusModel}): the token position
     * of 3-D batches (negative counts from the end; null for 2-D ones), and how the {@code X.tokens} counts beside the
     * batches fill the slots (true: ending at the last; null: no counts apply), so that padding rows are left out.
     */
    public Analysis position(Integer position, Boolean alignEnd) {
        this.position = position;
        this.alignEnd = alignEnd;
        return this;
    }

    public static Analysis open(Path model) {
        return open(model.toString(), null, null);
    }

    /** The embedded default model (all-MiniLM-L6-v2's token embeddings). */
    public static Analysis defaultModel() {
        return open(null, null, null);
    }

    public Analysis metric(Metric m) {
        this.metric = java.util.Objects.requireNonNull(m, "metric");
        return this;
    }

    /** The rows analysed (side A of a rectangular run); default: all. */
    public Analysis rows(Selection s) {
        this.selection = s == null ? Selection.ALL : s;
        return this;
    }

    /** A rectangular run: every pair of a row of {@link #rows} with a row of {@code b} (rows in both stay in A). */
    public Analysis against(Selection b) {
        this.against = b;
        return this;
    }

    /** The exact histogram of every pair in {@code bins} bins, with the pairs' statistics. */
    public Analysis histogram(int bins) {
        this.summary = true;
        this.bins = bins;
        return this;
    }

    /** The histogram's range (default: [-1, 1] for cosine and correlation, else bounds from the largest row norm). */
    public Analysis range(double lo, double hi) {
        this.range = new double[]{lo, hi};
        return this;
    }

    /** Each row's k nearest rows (with the histogram and statistics, which come with the same fused pass). */
    public Analysis topK(int k) {
        this.summary = true;
        this.topK = k;
        return this;
    }

    /** The {@code count} most similar pairs overall, or the least similar ones. */
    public Analysis topPairs(int count, boolean least) {
        this.topPairs = count;
        this.leastPairs = least;
        if (count < 1) {
            throw new ParameterException("top-pairs", count, "must be at least 1");
        }
        return this;
    }

    /**
     * Every pair at or above {@code threshold} (at or below, for distances), grouped into connected components; at
     * most {@code maxPairs} pairs are kept (12 bytes each), beyond it only their exact count.
     */
    public Analysis nearDuplicates(double threshold, long maxPairs) {
        this.nearDuplicates = true;
        this.nearThreshold = threshold;
        this.nearMaxPairs = maxPairs;
        return this;
    }

    /** Per row: mean similarity to its partners, how many pairs reach {@code threshold} (hubness), vector statistics. */
    public Analysis rowStatistics(double threshold) {
        this.rowStatistics = true;
        this.rowThreshold = threshold;
        return this;
    }

    /** The selection's values: statistics and the distinct values at float16 and float32, for at most maxPairs pairs. */
    public Analysis submatrixValues(long maxPairs) {
        this.submatrix = true;
        this.submatrixMaxPairs = maxPairs;
        return this;
    }

    /** Correlation and cosine of every pair in one pass (rows centred), with a seeded sample of pairs. */
    public Analysis correlationVsCosine(int bins, int samplePairs, long seed) {
        this.correlationVsCosine = true;
        this.cvcBins = bins;
        this.cvcSamplePairs = samplePairs;
        this.cvcSeed = seed;
        return this;
    }

    /** The full matrix pooled into at most {@code size x size} blocks (mean and max per block). */
    public Analysis heatmap(int size) {
        this.heatmapSize = size;
        if (size < 1) {
            throw new ParameterException("heatmap size", size, "must be at least 1");
        }
        return this;
    }

    /** Also writes the full matrix (A x B for a rectangular run) to {@code file} (.npy), with its row ids beside. */
    public Analysis saveMatrix(Path file, NpyMatrixWriter.Precision precision) {
        this.matrixFile = file;
        this.matrixPrecision = precision == null ? NpyMatrixWriter.Precision.F32 : precision;
        return this;
    }

    /**
     * Makes the run resumable: every {@code everySeconds} its merged state and the work units it has finished are
     * saved to {@code dir/checkpoint.bin} (replaced atomically), and once more when every tile is done. The tiles are
     * then cut into at most 256 units of fixed order, each reduced on its own and merged in unit order, so the result
     * is the same to the last digit in every run of the request (whatever the threads or interruptions). Histogram,
     * statistics, top-k, top pairs, near-duplicates and row statistics only (for {@link #runPartial}, the histogram,
     * statistics and top-k). Without {@link #resume}, {@code dir} must hold no checkpoint yet.
     */
    public Analysis checkpoint(Path dir, double everySeconds) {
        this.checkpointDir = dir;
        this.checkpointSeconds = everySeconds;
        return this;
    }

    /**
     * Continues the checkpoint in {@link #checkpoint}'s directory, when it holds one (else starts from the first
     * tile): its units are skipped. A checkpoint of another request, other rows or another format is refused.
     */
    public Analysis resume(boolean on) {
        this.resume = on;
        return this;
    }

    /** The tile kernel by name: auto (default), blas, vector, scalar. */
    public Analysis kernel(String name) {
        this.kernelName = name == null ? "auto" : name;
        this.dots = null;
        return this;
    }

    /** A dot-product kernel already chosen (several requests can share one). */
    public Analysis kernel(TileKernel dotKernel) {
        this.dots = dotKernel;
        return this;
    }

    public Analysis threads(int n) {
        this.threads = n;
        return this;
    }

    /** Rows per tile block; 0 (default) for the kernel's preferred size. */
    public Analysis block(int rows) {
        this.block = rows;
        return this;
    }

    /** Rows larger than this as packed float32 are streamed from the model instead (see {@link #packedRowLimit(long)}). */
    public static final long DEFAULT_PACKED_ROW_LIMIT = 1L << 30;

    /**
     * The most bytes the selected rows may take packed as float32 in memory (default 1 GiB). A larger selection is
     * streamed: the model file stays memory-mapped, each row's norm is kept, and the rows of a tile are read and
     * normalised when the tile needs them, to the same values (so a bfloat16 model of 256,000 x 2,304 takes its own
     * 1.1 GiB instead of 2.2 GiB more for the float32 copy). Reading them per tile costs a few percent of the time.
     * 0 streams every selection; {@link Long#MAX_VALUE} packs every one.
     */
    public Analysis packedRowLimit(long bytes) {
        this.packedRowLimit = bytes;
        return this;
    }

    /**
     * Whether a request of more than 20 million pairs has the fused summary pass compiled on a side thread while rows
     * load, and the tile kernel's micro-kernels compiled while the tiles wait for them (default: yes).
     */
    public Analysis warmUp(boolean on) {
        this.warmUp = on;
        return this;
    }

    /**
     * Whether {@link #runPartial} waits, before its first tile, until the fused pass's warm-up (started by this request
     * or earlier in the JVM, see {@link #warmUpInBackground}) has it compiled (default: no): every tile then takes the
     * compiled pass, none the slower scalar one. For long-lived workers running many shares, whose warm-up started
     * when the worker did (a Spark executor's, before its first task).
     */
    public Analysis awaitWarmUp(boolean on) {
        this.awaitWarmUp = on;
        return this;
    }

    /**
     * Starts the fused summary pass's JIT warm-up for requests of this metric, bins and top-k on a side thread, once
     * per JVM (what {@link #run} does while it reads the rows): for a worker that knows its requests before their
     * rows come, e.g. a Spark executor when it starts.
     */
    public static void warmUpInBackground(Metric metric, int bins, int topK) {
        // The row loops first: this starts before the rows are read (RowMatrix.warmUp).
        SummaryReducer.warmUpInBackground(bins, topK, metric.smallerIsCloser(), metric.fixedBounds(), RowMatrix::warmUp);
    }

    public Analysis progress(ProgressListener p) {
        this.progress = p == null ? ProgressListener.NONE : p;
        return this;
    }

    /** Receives one line saying which kernel runs and why. */
    public Analysis log(Consumer<String> l) {
        this.log = l == null ? line -> {
        } : l;
        return this;
    }

    /**
     * Receives one line for each thing about a model this request opens itself ({@link #open}) that is accepted but
     * may not be what was meant ({@link EmbeddingModel#warnings}: a vocabulary whose size differs from the rows).
     * Default: the {@link #log}. A model given to {@link #of(EmbeddingModel)} was opened by the caller, who tells its
     * warnings.
     */
    public Analysis warnings(Consumer<String> w) {
        this.warnings = w;
        return this;
    }

    /** Opens the model of {@link #open} and tells its warnings; the caller closes it. */
    private EmbeddingModel openModel() {
        return told(CorpusModel.open(modelSpec, tensorName, vocabFile, position, alignEnd));
    }

    /** {@code m}, its warnings told. */
    private EmbeddingModel told(EmbeddingModel m) {
        m.warnings().forEach(warnings != null ? warnings : log);
        return m;
    }

    /** The threshold's meaning for the metric: cosine and correlation values lie in [-1, 1], distances are >= 0. */
    private static void checkThreshold(Metric metric, double t) {
        if (!Double.isFinite(t)) {
            throw new ParameterException("threshold", t, "must be a finite number");
        }
        if ((metric == Metric.COSINE || metric == Metric.CORRELATION) && (t < -1 || t > 1)) {
            throw new ParameterException("threshold", t, "a " + metric.label() + " threshold must be in [-1, 1]");
        }
        if (metric == Metric.EUCLIDEAN && t < 0) {
            throw new ParameterException("threshold", t, "a euclidean distance threshold must be 0 or more");
        }
    }

    /** Most histogram bins: each thread keeps its own counts (8 bytes a bin), and the warm-up one more set. */
    public static final int MAX_BINS = 100_000_000;

    private static void checkBins(int bins) {
        if (bins < 1) {
            throw new ParameterException("bins", bins, "must be at least 1");
        }
        if (bins > MAX_BINS) {
            throw new ParameterException("bins", bins, String.format(Locale.ROOT, "at most %,d (8 bytes a bin for every thread)", MAX_BINS));
        }
    }

    /** Checks everything that can be checked before any row is read; {@link #run} calls it first. */
    public Analysis validate() {
        if (!summary && topPairs == 0 && !nearDuplicates && !rowStatistics && !submatrix && !correlationVsCosine
                && heatmapSize == 0 && matrixFile == null) {
            throw new CossimException("the analysis asks for nothing: request a histogram, top-k, top pairs, near-duplicates, "
                    + "row statistics, submatrix values, correlation vs cosine, a heatmap or the matrix");
        }
        checkBins(bins);
        if (topK < 0) {
            throw new ParameterException("top-k", topK, "must be 0 or more");
        }
        if (range != null && !(Double.isFinite(range[0]) && Double.isFinite(range[1]) && range[1] > range[0])) {
            throw new ParameterException("range", range[0] + "," + range[1], "expected LO,HI with LO < HI");
        }
        if (nearDuplicates) {
            checkThreshold(metric, nearThreshold);
            if (nearMaxPairs < 0) {
                throw new ParameterException("max-pairs", nearMaxPairs, "must be 0 or more");
            }
        }
        if (rowStatistics) {
            checkThreshold(metric, rowThreshold);
        }
        if (submatrix && submatrixMaxPairs < 0) {
            throw new ParameterException("max-pairs", submatrixMaxPairs, "must be 0 or more");
        }
        if (correlationVsCosine) {
            if (metric != Metric.COSINE) {
                throw new ParameterException("metric", metric.label(), "correlation vs cosine always computes both cosine and correlation");
            }
            if (summary || topPairs > 0 || nearDuplicates || rowStatistics || submatrix || heatmapSize > 0 || matrixFile != null) {
                throw new CossimException("correlation vs cosine runs on mean-centred rows and cannot share its pass with other analyses");
            }
            if (cvcSamplePairs < 0) {
                throw new ParameterException("sample-pairs", cvcSamplePairs, "must be 0 or more");
            }
            checkBins(cvcBins);
        }
        if (threads < 1) {
            throw new ParameterException("threads", threads, "must be at least 1");
        }
        if (block < 0) {
            throw new ParameterException("block", block, "must be 0 (the kernel's size) or more");
        }
        if (packedRowLimit < 0) {
            throw new ParameterException("packed row limit", packedRowLimit, "must be 0 (stream every selection) or more");
        }
        if (matrixFile != null && !matrixFile.getFileName().toString().endsWith(".npy")) {
            throw new ParameterException("matrix file", matrixFile, "the file name must end in .npy");
        }
        if (checkpointDir != null && (submatrix || correlationVsCosine || heatmapSize > 0 || matrixFile != null)) {
            throw new ParameterException("checkpoint", checkpointDir, "only the histogram, statistics, top-k, top pairs, "
                    + "near-duplicates and row statistics can be resumed; not submatrix values, correlation vs cosine, a heatmap or the matrix");
        }
        validateCheckpoint(checkpointDir, checkpointSeconds, resume);
        return this;
    }

    /**
     * Checks checkpoint options as {@link #validate} does, before any work: {@code resume} needs a directory, the
     * interval must be a positive number of seconds, {@code dir} must be a directory (or not exist yet) and, without
     * {@code resume}, hold no checkpoint. For callers that run several resumable passes under directories of their own
     * ({@code Comparison}); {@code dir} null (no checkpoint) passes unless {@code resume} is asked for.
     */
    public static void validateCheckpoint(Path dir, double everySeconds, boolean resume) {
        CheckpointFile.validate(dir, everySeconds, resume);
    }

    /**
     * The dot-product tile kernel by name (auto, blas, vector, scalar), for callers that run several requests with
     * one kernel (analyses and searches alike: {@link Search#kernel(TileKernel)}); {@code log} is told the one line
     * saying which runs and why.
     */
    public static TileKernel chooseKernel(String name, Consumer<String> log) {
        return Vectorization.get().dotKernel(name, log);
    }

    /**
     * Starts choosing and loading the tile kernel of that name on a side thread, for a caller that will run a request
     * or a search soon (see {@link Vectorization#preloadDotKernel}); it then takes it over.
     */
    public static void preloadKernel(String name) {
        Vectorization.get().preloadDotKernel(name);
    }

    /** One line: which vectorised passes this JVM runs, and why. */
    public static String vectorization() {
        return Vectorization.get().describe();
    }

    /** Runs the request: one pass over the tiles for every analysis asked for. */
    public AnalysisResult run() {
        long tStart = System.nanoTime();
        validate();
        Normalization norm = correlationVsCosine ? Normalization.CENTRED_UNIT : metric.normalization();
        Metric tiles = correlationVsCosine ? Metric.CORRELATION : metric;
        double[] knownBounds = range != null ? range : metric.fixedBounds();
        boolean owns = model == null;
        RowPreload.Loaded preloaded = owns ? takePreload(norm) : null;
        EmbeddingModel m = preloaded != null ? told(preloaded.model()) : owns ? openModel() : model;
        long tOpened = System.nanoTime();
        try {
            boolean large = (long) m.rows() * m.rows() / 2 > 20_000_000L;
            if (warmUp && summary && large) {
                // Compiles the fused pass while the rows are normalised (see SummaryReducer.warmUpInBackground).
                SummaryReducer.warmUpInBackground(bins, topK, metric.smallerIsCloser(), knownBounds);
            }
            if (warmUp && large && dots == null) {
                // And the tile kernel's micro-kernels, which the tiles then wait for (see KernelWarmUp).
                KernelWarmUp.rowBlocksInBackground(kernelName);
            }
            Prepared p = prepare(m, norm, preloaded == null ? null : preloaded.rows());
            RowMatrix rows = p.pairs.rows();
            long tPrepared = System.nanoTime();
            if (checkpointDir != null) {
                // Every tile through the one (vector) summary pass: the scalar one, taken while the warm-up compiles,
                // rounds the sums differently, and a resumed run must give the same statistics to the last digit.
                Vectorization.get().awaitSummaryPass();
            }
            if (summary && topK >= rows.size()) {
                throw new ParameterException("top-k", topK, "must be less than the number of usable rows (" + rows.size() + ")");
            }
            if (submatrix && p.pairs.count() > submatrixMaxPairs) {
                throw new ParameterException("max-pairs", String.format(Locale.ROOT, "%,d", submatrixMaxPairs), String.format(Locale.ROOT,
                        "the selection has %,d pairs, more than this limit; select fewer rows or raise the limit", p.pairs.count()));
            }
            double[] bounds = knownBounds != null ? knownBounds : metric.bounds(rows);
            String rangeFrom = range != null ? "--range" : metric.normalization() == Normalization.NONE ? "max_norm" : "metric";
            // The kernel (for blas: loading OpenBLAS, about 0.3 s) is set up before the clock starts, like the input.
            TileKernel dot = dots != null ? dots : Vectorization.get().dotKernel(kernelName, log);
            TileKernel k = tiles.kernel(dot);
            AllPairsEngine engine = new AllPairsEngine(k, threads, block > 0 ? block : k.preferredBlock());
            long t0 = System.nanoTime();
            // The wait for the kernel's warm-up is the tiles' time: their threads would otherwise run it uncompiled.
            double kernelWait = dots == null ? KernelWarmUp.await(kernelName) : 0;
            AnalysisResult.Builder out = pass(m, p, engine, bounds, tiles);
            long t1 = System.nanoTime();
            double seconds = (t1 - t0) / 1e9;
            AnalysisResult result = out.finish(m, metric, p.pairs, p.selectedA, p.selectedB, p.droppedFromB, selection,
                    against, bounds, rangeFrom, seconds, engine.threads(), k.name());
            long tEnd = System.nanoTime();
            log.accept(String.format(Locale.ROOT, "phases: open %.3f s, rows %.3f s, kernel and checks %.3f s, tiles %.3f s"
                            + " (%.3f s of it waiting for the kernel's JIT warm-up), results %.3f s (the JVM ran %.2f s before the request)",
                    (tOpened - tStart) / 1e9, (tPrepared - tOpened) / 1e9, (t0 - tPrepared) / 1e9, seconds, kernelWait,
                    (tEnd - t1) / 1e9, secondsBefore(tStart)));
            return result;
        } finally {
            if (owns) {
                m.close();
            }
        }
    }

    /**
     * Seconds from this process's start to {@code nanoTime}. On Linux from /proc (the process's start and the time since
     * boot, both in hundredths of a second since boot); {@link ProcessHandle.Info#startInstant} adds the boot time,
     * which /proc/stat gives in whole seconds, so it could be up to a second off.
     */
    private static double secondsBefore(long nanoTime) {
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc/self/stat"));
            // Fields after the command name, which is in parentheses and may hold spaces: starttime is field 22.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            double started = Long.parseLong(f[19]) / 100.0;
            double up = Double.parseDouble(java.nio.file.Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
            return up - started - (System.nanoTime() - nanoTime) / 1e9;
        } catch (IOException | RuntimeException e) {
            return ProcessHandle.current().info().startInstant()
                    .map(start -> (java.time.Duration.between(start, java.time.Instant.now()).toNanos() - (System.nanoTime() - nanoTime)) / 1e9)
                    .orElse(Double.NaN);
        }
    }

    /**
     * Runs a request of {@link #ofPrepared} rows: the histogram, statistics and top-k in the fused summary pass, and
     * {@code extra} reducers (made from the packed rows' original ids) fed the same tiles; nothing is written.
     */
    public Partial runPartial(List<java.util.function.Function<int[], ? extends TileReducer<?>>> extra) {
        if (prepared == null) {
            throw new IllegalStateException("runPartial runs prepared rows (Analysis.ofPrepared)");
        }
        validate();
        if (topPairs > 0 || nearDuplicates || rowStatistics || submatrix || correlationVsCosine || heatmapSize > 0 || matrixFile != null) {
            throw new CossimException("a partial run computes the histogram, statistics and top-k (and the reducers given); "
                    + "the other analyses need the whole request");
        }
        if (checkpointDir != null && !extra.isEmpty()) {
            throw new ParameterException("checkpoint", checkpointDir, "a partial run resumes its histogram, statistics and top-k only, not extra reducers");
        }
        RowMatrix rows = prepared.rows();
        int[] ids = rows.ids();
        double[] bounds = range != null ? range : metric.fixedBounds() != null ? metric.fixedBounds() : metric.bounds(rows);
        boolean smaller = metric.smallerIsCloser();
        if (warmUp) {
            // The fused pass's JIT warm-up, as run() starts it; once per JVM, so a caller running many shares (Spark
            // tasks, compare's two passes) turns it on for each.
            SummaryReducer.warmUpInBackground(bins, topK, smaller, bounds);
        }
        if (awaitWarmUp) {
            Vectorization.get().awaitSummaryPass();
        }
        TileKernel dot = dots != null ? dots : Vectorization.get().dotKernel(kernelName, log);
        TileKernel k = metric.kernel(dot);
        List<Supplier<? extends TileReducer<?>>> parts = new ArrayList<>();
        parts.add(() -> new SummaryReducer(ids, bins, bounds[0], bounds[1], topK, smaller));
        for (var f : extra) {
            parts.add(() -> f.apply(ids));
        }
        AllPairsEngine engine = new AllPairsEngine(k, threads, block > 0 ? block : k.preferredBlock());
        CompositeReducer c;
        if (checkpointDir == null) {
            c = prepared.run(engine, () -> new CompositeReducer(parts), progress);
        } else {
            Vectorization.get().awaitSummaryPass(); // every tile through the one vector pass, as in run()
            c = prepared.runResumable(engine, () -> new CompositeReducer(parts), progress, checkpoints(prepared, engine, bounds));
        }
        return new Partial(c);
    }

    /** What {@link #runPartial} found: the summary (to merge with other shares) and each extra reducer, in order. */
    public static final class Partial {
        private final CompositeReducer parts;

        private Partial(CompositeReducer parts) {
            this.parts = parts;
        }

        public SummaryReducer summary() {
            return parts.part(0, SummaryReducer.class);
        }

        /** Extra reducer i (0 for the first of runPartial's list). */
        public <R> R extra(int i, Class<R> type) {
            return parts.part(i + 1, type);
        }
    }

    /**
     * The k rows nearest to {@code query} by the request's metric (largest cosine, correlation or dot; smallest
     * Euclidean distance) among the selected rows ({@link #rows}), leaving out the row with original id
     * {@code excludeId} (-1: none). The query is raw: it is prepared as the rows are (unit length for cosine,
     * centred and unit for correlation).
     */
    public Nearest nearest(double[] query, int k, int excludeId) {
        boolean owns = model == null;
        EmbeddingModel m = owns ? openModel() : model;
        try {
            if (k < 1 || k >= m.rows()) {
                throw new ParameterException("top-k", k, "must be between 1 and " + (m.rows() - 1) + " (the matrix has " + m.rows() + " rows)");
            }
            if (against != null) {
                throw new ParameterException("against", against.describe(), "a nearest-row search covers one set of rows; select it with rows()");
            }
            if (query.length != m.dim()) {
                throw new ParameterException("query", "of dimension " + query.length, "the matrix has dimension " + m.dim());
            }
            Normalization norm = metric.normalization();
            RowMatrix rows = selection.isAll() ? RowMatrix.of(m.matrix(), norm)
                    : RowMatrix.of(m.matrix(), norm, selection.apply(m.rows(), m.vocabulary()));
            if (rows.size() == 0) {
                throw new CossimException("the selection " + selection.describe() + " leaves no usable rows to search");
            }
            float[] q = prepareQuery(query, metric);
            if (q == null) {
                throw new CossimException("the query vector is zero or not finite, so it has no " + metric.label() + " neighbours");
            }
            TileKernel dot = dots != null ? dots : Vectorization.get().dotKernel(kernelName, log);
            Neighbors nb = NearestRows.find(metric.kernel(dot), rows, q, k, excludeId, metric.smallerIsCloser());
            return new Nearest(nb.ids(), nb.similarities(), rows.size(), rows.excludedCount());
        } finally {
            if (owns) {
                m.close();
            }
        }
    }

    /** A raw query prepared as the metric prepares rows, in double; null when it has no direction (or is not finite). */
    static float[] prepareQuery(double[] v, Metric metric) {
        double[] x = v.clone();
        if (metric == Metric.CORRELATION) {
            double mean = 0;
            for (double a : x) {
                mean += a;
            }
            mean /= x.length;
            for (int i = 0; i < x.length; i++) {
                x[i] -= mean;
            }
        }
        if (metric.normalization() != Normalization.NONE) {
            return unit(x);
        }
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i])) {
                return null;
            }
            out[i] = (float) x[i];
        }
        return out;
    }

    /** The vector scaled to unit length in double, or null when it is zero or not finite. */
    public static float[] unit(double[] v) {
        double ss = 0;
        for (double x : v) {
            ss += x * x;
        }
        if (!(ss > 0) || !Double.isFinite(ss)) {
            return null;
        }
        double inv = 1 / Math.sqrt(ss);
        float[] u = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            u[i] = (float) (v[i] * inv);
        }
        return u;
    }

    /** The rows of one run and how they were chosen. */
    private record Prepared(PairSet pairs, int selectedA, int selectedB, int droppedFromB) {
    }

    /**
     * Starts opening the model at {@code spec} (null: the embedded default model) and packing all its rows for
     * {@code metric} on a side thread, for a caller that knows them before it has built its request (the command
     * line, before it parses its arguments): the first request that runs takes them over if it asks for exactly those
     * rows (every row, the tensor and vocabulary found by default, packed), else drops them.
     */
    public static void preloadRows(String spec, Metric metric) {
        RowPreload.start(spec, metric.normalization(), DEFAULT_PACKED_ROW_LIMIT);
    }

    /** The rows preloaded for this request ({@link #preloadRows}) when they are the ones it reads, else null. */
    private RowPreload.Loaded takePreload(Normalization norm) {
        if (tensorName != null || vocabFile != null || position != null || alignEnd != null || !selection.isAll()
                || against != null) {
            RowPreload.discard();
            return null;
        }
        return RowPreload.take(modelSpec, norm);
    }

    /** The request's rows, packed or streamed; {@code preloaded} (every row, packed; or null) when it is those. */
    private Prepared prepare(EmbeddingModel m, Normalization norm, RowMatrix preloaded) {
        int[] idsA = selection.apply(m.rows(), m.vocabulary());
        if (idsA.length == 0) {
            throw new CossimException("the selection " + selection.describe() + (against == null
                    ? " leaves fewer than two usable rows (0 selected, 0 zero or non-finite): it matches no rows of "
                    : " matches no rows of ") + m.description());
        }
        // Streamed only without a second side: a rectangular run joins both sides into one packed matrix.
        long packedBytes = (long) idsA.length * m.matrix().rowLength() * Float.BYTES;
        RowMatrix ra;
        if (against == null && packedBytes > packedRowLimit) {
            log.accept(String.format(Locale.ROOT, "rows: streamed from the model, block by block (%,d x %d as float32 would take %.2f GiB, over the %.2f GiB packed-row limit)",
                    idsA.length, m.matrix().rowLength(), packedBytes / (double) (1L << 30), packedRowLimit / (double) (1L << 30)));
            ra = RowMatrix.streamed(m.matrix(), norm, idsA);
        } else if (preloaded != null) {
            ra = preloaded; // every row (takePreload checked the request asks for them), as RowMatrix.of packed them
        } else {
            ra = RowMatrix.of(m.matrix(), norm, idsA);
        }
        if (against == null) {
            if (ra.size() < 2) {
                throw new CossimException("the selection " + selection.describe() + " leaves fewer than two usable rows ("
                        + idsA.length + " selected, " + ra.excludedCount() + " zero or non-finite)");
            }
            return new Prepared(PairSet.within(ra), idsA.length, 0, 0);
        }
        int[] idsB = against.apply(m.rows(), m.vocabulary());
        int[] onlyB = Arrays.stream(idsB).filter(id -> Arrays.binarySearch(idsA, id) < 0).toArray();
        RowMatrix rb = RowMatrix.of(m.matrix(), norm, onlyB);
        if (ra.size() == 0 || rb.size() == 0) {
            throw new ParameterException("against", against.describe(), "the rectangular run has no pairs (A has "
                    + ra.size() + " usable rows, B " + rb.size() + " after leaving out rows also in A)");
        }
        return new Prepared(PairSet.cross(ra, rb), idsA.length, idsB.length, idsB.length - onlyB.length);
    }

    /** Builds the composite of the requested reducers, walks the tiles once, and collects each part's result. */
    private AnalysisResult.Builder pass(EmbeddingModel m, Prepared p, AllPairsEngine engine, double[] bounds, Metric tiles) {
        PairSet ps = p.pairs;
        RowMatrix rows = ps.rows();
        int[] ids = rows.ids();
        boolean smaller = metric.smallerIsCloser();
        List<Supplier<? extends TileReducer<?>>> parts = new ArrayList<>();
        int iSummary = -1, iTop = -1, iNear = -1, iRows = -1, iSub = -1, iCvc = -1, iHeat = -1;
        double[][] factors = correlationVsCosine ? CorrelationVsCosine.rowFactors(m.matrix(), rows) : null;
        NpyMatrixWriter writer = matrixFile == null ? null : NpyMatrixWriter.create(matrixFile, ps.sizeA(), ps.sizeB(), matrixPrecision);
        try {
            if (writer != null) {
                double self = tiles.selfValue();
                parts.add(() -> writer.sink(ps, self));
            }
            if (summary) {
                iSummary = parts.size();
                parts.add(() -> new SummaryReducer(ids, bins, bounds[0], bounds[1], topK, smaller));
            }
            if (topPairs > 0) {
                iTop = parts.size();
                boolean smallest = smaller != leastPairs; // "most similar" is the largest value, or the smallest distance
                parts.add(() -> new TopPairs(ids, topPairs, smallest));
            }
            if (nearDuplicates) {
                iNear = parts.size();
                parts.add(() -> new NearDuplicates(ids, nearThreshold, smaller, nearMaxPairs));
            }
            if (rowStatistics) {
                iRows = parts.size();
                parts.add(() -> new RowSimilarity(ids.length, rowThreshold, smaller));
            }
            if (submatrix) {
                iSub = parts.size();
                parts.add(() -> new SubmatrixValues(ids));
            }
            if (correlationVsCosine) {
                iCvc = parts.size();
                parts.add(() -> new CorrelationVsCosine(ids, factors[0], factors[1], cvcBins, cvcSamplePairs, cvcSeed));
            }
            if (heatmapSize > 0) {
                iHeat = parts.size();
                int size = Math.min(heatmapSize, rows.size());
                parts.add(() -> new PooledHeatmap(rows.size(), size));
            }
            CompositeReducer c = checkpointDir == null ? ps.run(engine, () -> new CompositeReducer(parts), progress)
                    : ps.runResumable(engine, () -> new CompositeReducer(parts), progress, checkpoints(ps, engine, bounds));
            AnalysisResult.Builder b = new AnalysisResult.Builder();
            if (iSummary >= 0) {
                b.summary = c.part(iSummary, SummaryReducer.class);
            }
            if (iTop >= 0) {
                b.topPairs = c.part(iTop, TopPairs.class).pairs();
                b.leastPairs = leastPairs;
            }
            if (iNear >= 0) {
                b.nearDuplicates = new NearDuplicateGroups(c.part(iNear, NearDuplicates.class));
            }
            if (iRows >= 0) {
                RowSimilarity rs = c.part(iRows, RowSimilarity.class);
                double[] mean = new double[ids.length];
                long[] hub = new long[ids.length];
                for (int r = 0; r < ids.length; r++) {
                    mean[r] = rs.mean(r);
                    hub[r] = rs.hubness(r);
                }
                b.rowStatistics = new RowStatistics(ids, rowThreshold, smaller, mean, hub, VectorStatistics.of(m.matrix(), ids));
            }
            if (iSub >= 0) {
                SubmatrixValues sv = c.part(iSub, SubmatrixValues.class);
                b.submatrix = new SubmatrixSummary(sv.statistics(), sv.distinct().float16(), sv.distinct().float32());
            }
            if (iCvc >= 0) {
                CorrelationVsCosine r = c.part(iCvc, CorrelationVsCosine.class);
                b.correlationVsCosine = new CorrelationAndCosine(r.cosineStatistics(), r.correlationStatistics(), r.cosineHistogram(),
                        r.correlationHistogram(), r.covariance(), r.agreement(), r.largestDifference(), r.sample(), cvcSeed);
            }
            if (iHeat >= 0) {
                b.heatmap = c.part(iHeat, PooledHeatmap.class);
            }
            if (writer != null) {
                b.matrix = commitMatrix(writer, ps, m.vocabulary());
            }
            return b;
        } finally {
            if (writer != null) {
                writer.close();
            }
        }
    }

    /** The checkpoint of this request over these rows: every option its result depends on, and the rows' fingerprint. */
    private CheckpointFile<CompositeReducer> checkpoints(PairSet ps, AllPairsEngine engine, double[] bounds) {
        List<String> req = new ArrayList<>();
        req.add("metric " + metric.label());
        req.add("rows " + selection.describe());
        if (against != null) {
            req.add("against " + against.describe());
        }
        if (summary) {
            req.add("histogram " + bins + " bins over [" + bounds[0] + ", " + bounds[1] + "], top-k " + topK);
        }
        if (topPairs > 0) {
            req.add((leastPairs ? "least " : "top ") + topPairs + " pairs");
        }
        if (nearDuplicates) {
            req.add("near-duplicates at " + nearThreshold + ", max pairs " + nearMaxPairs);
        }
        if (rowStatistics) {
            req.add("row statistics at " + rowThreshold);
        }
        req.add("kernel " + engine.kernel().name());
        req.add("block " + engine.block());
        CheckpointFile<CompositeReducer> f = new CheckpointFile<>(checkpointDir, checkpointSeconds, resume, String.join(", ", req),
                CheckpointFile.fingerprint(ps.rows(), ps.split()), CheckpointFile.ROWS, log);
        f.check();
        return f;
    }

    /** Writes the row (and column) ids beside the matrix, then renames the matrix into place. */
    private MatrixFile commitMatrix(NpyMatrixWriter w, PairSet ps, Vocabulary v) {
        String target = w.target().toString();
        String stem = target.substring(0, target.length() - 4);
        int[] ids = ps.rows().ids();
        Path rowsFile = Path.of(stem + ".rows.tsv");
        Path colsFile = ps.rectangular() ? Path.of(stem + ".cols.tsv") : null;
        writeIds(rowsFile, ids, 0, ps.sizeA(), v);
        if (colsFile != null) {
            writeIds(colsFile, ids, ps.split(), ps.rows().size(), v);
        }
        w.commit();
        return new MatrixFile(w.target(), ps.sizeA(), ps.sizeB(), matrixPrecision.name().toLowerCase(Locale.ROOT), w.bytes(), rowsFile, colsFile);
    }

    /** index (matrix row or column), original id and token, written under a temporary name and renamed. */
    private static void writeIds(Path file, int[] ids, int from, int to, Vocabulary v) {
        try (AtomicFile f = AtomicFile.create(file)) {
            List<List<String>> rows = new ArrayList<>(to - from);
            for (int r = from; r < to; r++) {
                rows.add(List.of(Integer.toString(r - from), Integer.toString(ids[r]), AnalysisReport.token(v, ids[r])));
            }
            AnalysisReport.writeTsv(f.temp(), List.of("index", "id", "token"), rows);
            f.commit();
        } catch (IOException e) {
            throw CossimException.inFile(file, "cannot write: " + e.getMessage());
        }
    }
}
