package dev.cossim.analysis;

import dev.cossim.ParameterException;
import dev.cossim.engine.Vectorization;
import dev.cossim.kernel.TileKernel;
import dev.cossim.matrix.Metric;
import dev.cossim.query.Corpus;
import dev.cossim.query.QueryEngine;

import java.util.List;
import java.util.function.Consumer;

/**
 * The facade's query side: the k stored vectors nearest to each query, over a corpus of batch files far larger than
 * memory (streamed batch by batch, exact), by cosine, correlation, dot or Euclidean distance.
 *
 * <pre>{@code
 * try (Corpus c = Corpus.open(List.of(Path.of("activations/")), null, null)) {
 *     QueryEngine.Result r = Search.of(Metric.COSINE, 10).start().run(c, 0, queries, null);
 * }
 * }</pre>
 *
 * {@link #start} checks the request, chooses the kernel and starts compiling the scan on a side thread, so that it
 * can be called before the corpus is opened.
 */
public final class Search {
    private final Metric metric;
    private final int k;
    private String kernelName = "auto";
    private TileKernel kernel;
    private int threads = Runtime.getRuntime().availableProcessors();
    private int block = QueryEngine.DEFAULT_BLOCK;
    private boolean warmUp = true;
    private ProgressListener progress = ProgressListener.NONE;
    private Consumer<String> log = line -> {
    };
    private Consumer<String> batchLog;
    private QueryEngine engine;

    private Search(Metric metric, int k) {
        this.metric = metric;
        this.k = k;
    }

    /** The {@code k} nearest by {@code metric}. */
    public static Search of(Metric metric, int k) {
        return new Search(metric, k);
    }

    public Search kernel(String name) {
        this.kernelName = name == null ? "auto" : name;
        this.kernel = null;
        return this;
    }

    public Search kernel(TileKernel dots) {
        this.kernel = dots;
        return this;
    }

    public Search threads(int n) {
        this.threads = n;
        return this;
    }

    /** Corpus rows per block of products (default {@link QueryEngine#DEFAULT_BLOCK}). */
    public Search block(int rows) {
        this.block = rows;
        return this;
    }

    public Search warmUp(boolean on) {
        this.warmUp = on;
        return this;
    }

    public Search progress(ProgressListener p) {
        this.progress = p == null ? ProgressListener.NONE : p;
        return this;
    }

    /** Receives one line saying which kernel runs and why. */
    public Search log(Consumer<String> l) {
        this.log = l == null ? line -> {
        } : l;
        return this;
    }

    /** Receives a line as each batch file is done (null: none). */
    public Search batchLog(Consumer<String> l) {
        this.batchLog = l;
        return this;
    }

    /** Checks the request, chooses the kernel and starts the scan's warm-up; {@link #run} calls it when needed. */
    public Search start() {
        if (engine != null) {
            return this;
        }
        if (k < 1) {
            throw new ParameterException("top-k", k, "must be at least 1");
        }
        if (threads < 1) {
            throw new ParameterException("threads", threads, "must be at least 1");
        }
        if (block < 1) {
            throw new ParameterException("block", block, "must be at least 1");
        }
        TileKernel dots = kernel != null ? kernel : Vectorization.get().dotKernel(kernelName, log);
        if (warmUp) {
            QueryEngine.warmUpInBackground(metric, k, dots);
        }
        engine = new QueryEngine(dots, threads, block);
        return this;
    }

    /** The kernel the search runs (after {@link #start}). */
    public TileKernel kernel() {
        return start().engine.kernel();
    }

    /**
     * Searches {@code corpus} at {@code position} (0 for 2-D batches) for each raw query vector; {@code names} (or
     * null) name the queries in messages about zero or non-finite ones.
     */
    public QueryEngine.Result run(Corpus corpus, int position, double[][] queries, List<String> names) {
        return start().engine.search(corpus, position, queries, names, metric, k, progress, batchLog);
    }
}
