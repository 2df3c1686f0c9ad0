package dev.cossim.spark;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import dev.cossim.options.AllPairsOptions;
import dev.cossim.options.KernelOption;
import dev.cossim.options.TensorOption;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "all-pairs", mixinStandardHelpOptions = true,
        description = "Exact histogram, statistics, top-k neighbours and near-duplicate groups of all N(N-1)/2 pairs.")
final class SparkAllPairsCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "INPUT",
            description = "A model file every executor can read (.npy, .safetensors, ...), or Parquet with an id and a vector column.")
    String input;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR",
            description = "New output directory (any Hadoop path): summary.json, neighbors.parquet, edges.parquet, groups.parquet.")
    String out;

    @Mixin
    TensorOption tensor = new TensorOption();

    @Option(names = "--id-column", defaultValue = "id", description = "Parquet id column (default: ${DEFAULT-VALUE}).")
    String idColumn;

    @Option(names = "--vector-column", defaultValue = "vector", description = "Parquet vector column (default: ${DEFAULT-VALUE}).")
    String vectorColumn;

    @Mixin
    AllPairsOptions pairs = new AllPairsOptions();


    @Option(names = {"-t", "--threshold"}, paramLabel = "T",
            description = "Near-duplicates, as cossim near-duplicates -t: every pair with similarity >= T (edges.parquet) and their connected components (groups.parquet).")
    Float nearDup;

    /** The earlier spelling, kept working. */
    @Option(names = "--near-dup", hidden = true)
    void legacyNearDup(float t) {
        nearDup = t;
    }

    @Mixin
    KernelOption kernel = new KernelOption();

    @Option(names = "--block", paramLabel = "N",
            description = "Rows per tile edge (default: the kernel's preferred size, as cossim all-pairs takes it, so that both compute every pair alike).")
    Integer block;

    @Option(names = "--panel-blocks", paramLabel = "N",
            description = "Blocks per panel; a task computes the tiles between two panels (default: panels of about 8192 rows).")
    Integer panelBlocks;

    @Option(names = "--partitions", defaultValue = "0", description = "Tasks of the tile stage; 0: one per panel pair (default).")
    int partitions;

    @Override
    public Integer call() {
        if (block != null && block < 1 || panelBlocks != null && panelBlocks < 1 || partitions < 0) {
            throw new dev.cossim.CossimException("--block and --panel-blocks must be at least 1, --partitions at least 0");
        }
        AllPairsSettings s = new AllPairsSettings(pairs.bins, pairs.topK, nearDup == null ? Float.NaN : nearDup, kernel.kernel,
                block == null ? 0 : block, panelBlocks == null ? 0 : panelBlocks, partitions);
        SparkSession spark = CossimSpark.session("cossim all-pairs", kernel.kernel, pairs.bins, pairs.topK);
        try (VectorInput in = VectorInput.open(spark, input, tensor.tensor, idColumn, vectorColumn)) {
            long t0 = System.nanoTime();
            SparkAllPairs.Result r = SparkAllPairs.run(spark, in, s, out, TaskFault.NONE, new LogProgress(System.err));
            double seconds = (System.nanoTime() - t0) / 1e9;
            JsonNode j = r.summary();
            System.out.printf(Locale.ROOT, "rows:      %,d used, %d excluded, dim %d%n", j.get("n").asLong(),
                    j.get("excluded_rows").get("count").asInt(), j.get("dim").asInt());
            System.out.printf(Locale.ROOT, "pairs:     %,d (every unordered pair, exact) in %d tasks%n", j.get("pairs").asLong(), r.tasks());
            System.out.printf(Locale.ROOT, "cosine:    mean %.6f  std %.6f%n", j.get("mean").asDouble(), j.get("std").asDouble());
            System.out.printf(Locale.ROOT, "min:       %.6f  (%d, %d)%n", j.get("min").get("similarity").asDouble(),
                    j.get("min").get("i").asInt(), j.get("min").get("j").asInt());
            System.out.printf(Locale.ROOT, "max:       %.6f  (%d, %d)%n", j.get("max").get("similarity").asDouble(),
                    j.get("max").get("i").asInt(), j.get("max").get("j").asInt());
            if (s.nearDuplicates()) {
                System.out.printf(Locale.ROOT, "near-dup:  %,d pairs >= %s in %,d groups%n", r.nearDuplicatePairs(), nearDup, r.groups());
            }
            double flops = 2.0 * j.get("n").asDouble() * j.get("n").asDouble() * j.get("dim").asDouble();
            System.out.printf(Locale.ROOT, "tiles:     %.2f s, the tile stage of %d tasks (%.1f effective GFLOP/s; merging and writing come after)%n",
                    r.tileSeconds(), r.tasks(), flops / r.tileSeconds() / 1e9);
            System.out.printf(Locale.ROOT, "time:      %.2f s (%.1f effective GFLOP/s = 2*N^2*d / time)%n", seconds, flops / seconds / 1e9);
            System.out.println("wrote:     " + out);
        } finally {
            spark.stop();
        }
        return 0;
    }
}
