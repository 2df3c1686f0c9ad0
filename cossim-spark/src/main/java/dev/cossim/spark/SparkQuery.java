package dev.cossim.spark;

import dev.cossim.engine.NearestRows;

import dev.cossim.CossimException;
import dev.cossim.analysis.ProgressListener;
import dev.cossim.kernel.TileKernel;
import dev.cossim.reduce.TopKNeighbors;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;
import dev.cossim.results.Neighbors;

/**
 * Exact top-k of every query against a corpus on Spark: the prepared queries are broadcast, each task scans one
 * chunk of corpus rows tile by tile with the core kernel into a {@link TopKNeighbors} over the queries, and the
 * per-chunk lists merge by tree reduction (ties to the lower corpus id, as everywhere in cossim).
 */
public final class SparkQuery {
    static final String SCAN_JOB_GROUP = "cossim-query-scan";

    static final StructType NEIGHBORS = new StructType()
            .add("query_id", DataTypes.IntegerType, false)
            .add("rank", DataTypes.IntegerType, false)
            .add("neighbor_id", DataTypes.IntegerType, false)
            .add("similarity", DataTypes.FloatType, false);

    private SparkQuery() {
    }

    /** The merged top-k (rows = usable queries, by query id) and the queries left out. */
    public record Result(TopKNeighbors topK, int[] zeroQueries, int[] nonFiniteQueries, int corpusRows, int tasks) {
    }

    /**
     * @param chunkRows corpus rows per task
     * @param block     rows per tile edge (queries and corpus alike)
     */
    public static Result run(SparkSession spark, VectorInput corpus, VectorInput queries, int k, String kernelName,
                             int chunkRows, int block, String outDir, TaskFault fault, ProgressListener progress) {
        if (k < 1) {
            throw new CossimException("--top-k " + k + ": must be at least 1");
        }
        if (chunkRows < 1 || block < 1) {
            throw new CossimException("--chunk-rows and --block must be at least 1");
        }
        Panel q = queries.collect();
        if (q.size() == 0) {
            throw new CossimException(queries.description() + ": no usable query rows");
        }
        if (q.dim != corpus.dim()) {
            throw new CossimException(queries.description() + ": queries have " + q.dim + " dimensions, the corpus "
                    + corpus.dim() + " (" + corpus.description() + ")");
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int n = corpus.usableRows();
        try (SparkOutputDir out = new SparkOutputDir(jsc.hadoopConfiguration(), outDir)) {
            Broadcast<Panel> bq = jsc.broadcast(q);
            var chunks = corpus.chunks(chunkRows);
            int tasks = chunks.getNumPartitions();
            StageProgress listener = new StageProgress(SCAN_JOB_GROUP, progress);
            spark.sparkContext().addSparkListener(listener);
            progress.begin("query " + q.size() + " x " + n + " rows", tasks);
            TopKNeighbors top;
            try {
                jsc.setJobGroup(SCAN_JOB_GROUP, "cossim query scan", false);
                top = chunks.mapPartitions(it -> {
                    fault.check(TaskContext.get());
                    TileKernel kernel = ExecutorKernels.get(kernelName);
                    Panel queryPanel = bq.value();
                    TopKNeighbors local = new TopKNeighbors(queryPanel.ids, k);
                    while (it.hasNext()) {
                        scan(kernel, queryPanel, it.next(), block, local);
                    }
                    return List.of(local).iterator();
                }).treeReduce((x, y) -> {
                    x.merge(y);
                    return x;
                });
            } finally {
                jsc.clearJobGroup();
                spark.sparkContext().removeSparkListener(listener);
                progress.end();
            }
            List<Row> rows = new ArrayList<>();
            for (int r = 0; r < top.rows(); r++) {
                Neighbors nb = top.neighbors(r);
                for (int j = 0; j < nb.ids().length; j++) {
                    rows.add(RowFactory.create(nb.id(), j + 1, nb.ids()[j], nb.similarities()[j]));
                }
            }
            spark.createDataFrame(rows, NEIGHBORS).coalesce(1).write().parquet(out.path("neighbors.parquet"));
            bq.destroy();
            out.commit();
            return new Result(top, queries.zeroRows(), queries.nonFiniteRows(), n, tasks);
        }
    }

    /** Offers every (query, corpus row) similarity of one chunk, as the single-machine search computes them. */
    static void scan(TileKernel kernel, Panel queries, Panel chunk, int block, TopKNeighbors top) {
        NearestRows.scan(kernel, queries.data, queries.size(), chunk.rows(), block, -1, top);
    }
}
