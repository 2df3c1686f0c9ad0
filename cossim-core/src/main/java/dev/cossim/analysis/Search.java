package dev.cossim.analysis;

import dev.cossim.CossimException;
import dev.cossim.ParameterException;
import dev.cossim.engine.Vectorization;
import dev.cossim.kernel.TileKernel;
import dev.cossim.matrix.Metric;
import dev.cossim.query.Corpus;
import dev.cossim.query.QueryEngine;
import dev.cossim.query.QueryPartial;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
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
    private Path checkpointDir;
    private double checkpointSeconds = Analysis.DEFAULT_CHECKPOINT_SECONDS;
    private boolean resume;
    private QueryEngine engine;

    private Search(Metric metric, int k) {
        this.metric = metric;
        this.k = k;
    }

    /** The {@code k} nearest by {@code metric}. */
    public static Search of(Metric metric, int k) {
        return new Search(metric, k);
    }

    /**
     * Starts the scan's JIT warm-up for a search of this metric and k with the kernel of that name on a side thread
     * now, for a caller that knows them before it has read its input (the command line, before it parses its
     * arguments); the search then does not start another.
     */
    public static void warmUpInBackground(Metric metric, int k, String kernelName) {
        QueryEngine.warmUpInBackground(metric, k, kernelName == null ? "auto" : kernelName);
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

    /**
     * Makes the search resumable: every {@code everySeconds} the candidates found so far and the work units finished
     * (runs of whole blocks of a batch file, at most about 256 over the corpus plus one per batch) are saved to
     * {@code dir/checkpoint.bin} (replaced atomically), and once more at the end. The hits are those of an
     * uninterrupted search, ties included. Without {@link #resume}, {@code dir} must hold no checkpoint yet.
     */
    public Search checkpoint(Path dir, double everySeconds) {
        this.checkpointDir = dir;
        this.checkpointSeconds = everySeconds;
        return this;
    }

    /**
     * Continues the checkpoint in {@link #checkpoint}'s directory, when it holds one (else starts from the first
     * batch): its units are skipped. A checkpoint of another search (metric, k, position, block, kernel, queries) or of
     * other batch files (their names, sizes, times of last change and shapes) is refused.
     */
    public Search resume(boolean on) {
        this.resume = on;
        return this;
    }

    /** Checks the request, chooses the kernel and starts the scan's warm-up; {@link #run} calls it when needed. */
    public Search start() {
        if (engine != null) {
            return this;
        }
        CheckpointFile.validate(checkpointDir, checkpointSeconds, resume);
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
        start();
        if (checkpointDir == null) {
            return engine.search(corpus, position, queries, names, metric, k, progress, batchLog);
        }
        String request = String.format(Locale.ROOT, "query, metric %s, top-k %d, position %d, %d quer%s, block %d, kernel %s",
                metric.label(), k, position, queries.length, queries.length == 1 ? "y" : "ies", engine.block(queries.length), engine.kernel().name());
        CheckpointFile<QueryPartial> f = new CheckpointFile<>(checkpointDir, checkpointSeconds, resume, request,
                fingerprint(corpus, queries), "other inputs (the query vectors or the batch files changed", log);
        f.check();
        return engine.search(corpus, position, queries, names, metric, k, progress, batchLog, f);
    }

    /**
     * SHA-256 of what a search's hits depend on besides its options: the query vectors (their bits) and each batch
     * file as the file system describes it (absolute path, size, time of last change) with its shape and type. The
     * batches' values are not read (a corpus may be far larger than memory): a file rewritten in place shows by its
     * time of last change.
     */
    static String fingerprint(Corpus corpus, double[][] queries) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        for (double[] q : queries) {
            md.update(b.clear().putLong(q.length).flip());
            for (double x : q) {
                md.update(b.clear().putLong(Double.doubleToLongBits(x)).flip());
            }
        }
        for (Corpus.Batch batch : corpus.batches()) {
            Path p = batch.data().path().toAbsolutePath().normalize();
            String modified;
            long size;
            try {
                size = Files.size(p);
                modified = Files.getLastModifiedTime(p).toString();
            } catch (IOException e) {
                throw CossimException.inFile(p, "cannot read its size and time of last change: " + e.getMessage());
            }
            md.update((p + "\t" + size + "\t" + modified + "\t" + batch.data().describe() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
