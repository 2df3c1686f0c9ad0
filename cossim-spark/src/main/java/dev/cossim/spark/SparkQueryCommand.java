package dev.cossim.spark;

import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import dev.cossim.options.KernelOption;
import dev.cossim.options.TensorOption;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "query", mixinStandardHelpOptions = true,
        description = "Exact top-k corpus rows for every query row (cosine), corpus scanned in parallel, queries broadcast.")
final class SparkQueryCommand implements Callable<Integer> {
    @Option(names = "--corpus", required = true, paramLabel = "INPUT", description = "Model file or Parquet (id, vector) of the corpus.")
    String corpus;

    @Option(names = "--queries", required = true, paramLabel = "INPUT", description = "Model file or Parquet (id, vector) of the queries.")
    String queries;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "New output directory: neighbors.parquet.")
    String out;

    @Mixin
    TensorOption tensor = new TensorOption();

    @Option(names = "--id-column", defaultValue = "id", description = "Parquet id column (default: ${DEFAULT-VALUE}).")
    String idColumn;

    @Option(names = "--vector-column", defaultValue = "vector", description = "Parquet vector column (default: ${DEFAULT-VALUE}).")
    String vectorColumn;

    @Option(names = {"-k", "--top-k"}, defaultValue = "10", description = "Neighbours per query (default: ${DEFAULT-VALUE}).")
    int topK;

    @Mixin
    KernelOption kernel = new KernelOption();

    @Option(names = "--chunk-rows", defaultValue = "16384", description = "Corpus rows per task (default: ${DEFAULT-VALUE}).")
    int chunkRows;

    @Option(names = "--block", defaultValue = "256", description = "Rows per tile edge (default: ${DEFAULT-VALUE}).")
    int block;

    @Override
    public Integer call() {
        SparkSession spark = CossimSpark.session("cossim query", kernel.kernel, 0, 0);
        try (VectorInput c = VectorInput.open(spark, corpus, tensor.tensor, idColumn, vectorColumn);
             VectorInput q = VectorInput.open(spark, queries, tensor.tensor, idColumn, vectorColumn)) {
            long t0 = System.nanoTime();
            SparkQuery.Result r = SparkQuery.run(spark, c, q, topK, kernel.kernel, chunkRows, block, out, TaskFault.NONE, new LogProgress(System.err));
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "queries:   %,d used, %d excluded (zero or non-finite)%n", r.topK().rows(),
                    r.zeroQueries().length + r.nonFiniteQueries().length);
            System.out.printf(Locale.ROOT, "corpus:    %,d usable rows in %d tasks%n", r.corpusRows(), r.tasks());
            for (int r0 = 0; r0 < Math.min(3, r.topK().rows()); r0++) {
                var nb = r.topK().neighbors(r0);
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "query %d:", nb.id()));
                for (int j = 0; j < nb.ids().length; j++) {
                    line.append(String.format(Locale.ROOT, " %d (%.6f)", nb.ids()[j], nb.similarities()[j]));
                }
                System.out.println(line);
            }
            System.out.printf(Locale.ROOT, "time:      %.2f s%n", seconds);
            System.out.println("wrote:     " + out);
        } finally {
            spark.stop();
        }
        return 0;
    }
}
