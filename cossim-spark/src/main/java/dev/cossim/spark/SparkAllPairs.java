package dev.cossim.spark;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cossim.CossimException;
import dev.cossim.analysis.ProgressListener;
import dev.cossim.output.AllPairsReport;
import dev.cossim.reduce.SummaryReducer;
import dev.cossim.reduce.TopKNeighbors;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import dev.cossim.results.Neighbors;

/**
 * Exact all-pairs similarity on Spark. The usable rows are cut into the engine's blocks and panels
 * ({@link PanelLayout}); each task computes the tiles of its panel pairs with the core kernel and reducers; the
 * partial results merge by tree reduction (histogram, statistics) and by panel (top-k), so the outputs equal
 * {@code AllPairsEngine}'s: summary.json, neighbors.parquet, and with a threshold edges.parquet and groups.parquet.
 */
public final class SparkAllPairs {
    static final String TILE_JOB_GROUP = "cossim-all-pairs-tiles";

    static final StructType NEIGHBORS = new StructType()
            .add("id", DataTypes.IntegerType, false)
            .add("rank", DataTypes.IntegerType, false)
            .add("neighbor_id", DataTypes.IntegerType, false)
            .add("similarity", DataTypes.FloatType, false);
    static final StructType EDGES = new StructType()
            .add("i", DataTypes.IntegerType, false)
            .add("j", DataTypes.IntegerType, false)
            .add("similarity", DataTypes.FloatType, false);
    static final StructType GROUPS = new StructType()
            .add("group", DataTypes.IntegerType, false)
            .add("size", DataTypes.IntegerType, false)
            .add("id", DataTypes.IntegerType, false);

    private SparkAllPairs() {
    }

    /**
     * What the driver learnt, besides the files: the summary as written, the counts, and the tile stage's seconds (the
     * job that computes every tile into the tasks' partials, from its submission to its last task's end: scheduling,
     * reading the panels and the tiles' kernel and reducers; the merges and writing come after).
     */
    public record Result(ObjectNode summary, SummaryReducer reducer, long nearDuplicatePairs, int groups, int tasks,
                         double tileSeconds) {
    }

    public static Result run(SparkSession spark, VectorInput input, AllPairsSettings settings, String outDir,
                             TaskFault fault, ProgressListener progress) {
        if (settings.bins() < 1) {
            throw new CossimException("--bins " + settings.bins() + ": must be at least 1");
        }
        if (settings.topK() < 0) {
            throw new CossimException("--top-k " + settings.topK() + ": must be 0 or more");
        }
        if (settings.nearDuplicates() && !(settings.nearDup() >= -1 && settings.nearDup() <= 1)) {
            throw new CossimException("--near-dup " + settings.nearDup() + ": must be a similarity in [-1, 1]");
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int n = input.usableRows();
        if (n < 2) {
            throw new CossimException(input.description() + ": fewer than two usable rows");
        }
        if (settings.topK() >= n) {
            throw new CossimException("--top-k " + settings.topK() + ": must be less than the number of usable rows (" + n + ")");
        }
        // The driver chooses the kernel as each executor will (one line in its log), for the block size; the panel
        // size follows from the rows and the cores the cluster has now (after the input's scan, executors are up).
        AllPairsSettings s = settings.block() > 0 && settings.panelBlocks() > 0 ? settings
                : settings.resolved(ExecutorKernels.get(settings.kernel()), n, jsc.defaultParallelism());
        PanelLayout layout = new PanelLayout(n, s.block(), s.panelBlocks());
        int pairs = layout.panels() * (layout.panels() + 1) / 2;
        int partitions = s.partitions() > 0 ? Math.min(s.partitions(), pairs) : pairs;

        try (SparkOutputDir out = new SparkOutputDir(jsc.hadoopConfiguration(), outDir)) {
            JavaRDD<AllPairsPartial> partials = input.panelPairs(layout, partitions)
                    .mapPartitions(it -> tiles(it, s, fault))
                    .persist(StorageLevel.MEMORY_AND_DISK());
            StageProgress listener = new StageProgress(TILE_JOB_GROUP, progress);
            spark.sparkContext().addSparkListener(listener);
            try {
                return merge(spark, input, s, out, partials, layout, partitions, progress);
            } finally {
                // Task-end events reach listeners asynchronously: keep listening until the outputs are written.
                spark.sparkContext().removeSparkListener(listener);
                progress.end();
                partials.unpersist(false);
            }
        }
    }

    /** The tile stage, then the merges and the outputs. */
    private static Result merge(SparkSession spark, VectorInput input, AllPairsSettings s, SparkOutputDir out,
                                JavaRDD<AllPairsPartial> partials, PanelLayout layout, int partitions,
                                ProgressListener progress) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int n = layout.rows;
        progress.begin("all-pairs " + n + " rows, " + layout.panels() + " panels of " + layout.panelRows() + " rows", partitions);
        double tileSeconds;
        try {
            jsc.setJobGroup(TILE_JOB_GROUP, "cossim all-pairs tiles", false);
            long t0 = System.nanoTime();
            partials.count();
            tileSeconds = (System.nanoTime() - t0) / 1e9;
        } finally {
            jsc.clearJobGroup();
        }

        SummaryReducer summary = partials.map(p -> p.summary).treeReduce((x, y) -> {
            x.merge(y);
            return x;
        });
        if (s.topK() > 0) {
            JavaRDD<Row> rows = partials
                    .flatMapToPair(p -> p.topK.entrySet().stream().map(e -> new Tuple2<>(e.getKey(), e.getValue())).iterator())
                    .reduceByKey((x, y) -> {
                        x.merge(y);
                        return x;
                    }, layout.panels())
                    .sortByKey(true, layout.panels())
                    .flatMap(e -> neighborRows(e._2()));
            spark.createDataFrame(rows, NEIGHBORS).write().parquet(out.path("neighbors.parquet"));
        }
        long edgeCount = 0;
        int groupCount = 0;
        if (s.nearDuplicates()) {
            // Fewer, larger partitions than the tile stage: fewer files, and fewer jobs for toLocalIterator.
            int edgeParts = Math.max(1, Math.min(partitions, jsc.defaultParallelism()));
            JavaRDD<Row> edges = partials.flatMap(p -> edgeRows(p.edges)).coalesce(edgeParts);
            spark.createDataFrame(edges, EDGES).write().parquet(out.path("edges.parquet"));
            NearDuplicateGroups uf = new NearDuplicateGroups(input.idLimit());
            Iterator<Row> it = edges.toLocalIterator();
            while (it.hasNext()) {
                Row e = it.next();
                uf.union(e.getInt(0), e.getInt(1));
                edgeCount++;
            }
            List<int[]> groups = uf.groups();
            groupCount = groups.size();
            List<Row> groupRows = new ArrayList<>();
            for (int[] g : groups) {
                for (int id : g) {
                    groupRows.add(RowFactory.create(g[0], g.length, id));
                }
            }
            spark.createDataFrame(groupRows, GROUPS).coalesce(1).write().parquet(out.path("groups.parquet"));
        }
        ObjectNode json = AllPairsReport.summary(input.description(), "cosine", n, input.dim(), input.zeroRows(),
                input.nonFiniteRows(), summary.statistics(), summary.histogram(), input.vocabulary());
        if (s.nearDuplicates()) {
            ObjectNode nd = json.putObject("near_duplicates");
            nd.put("threshold", Double.parseDouble(Float.toString(s.nearDup()))); // 0.35, not 0.3499999940395355
            nd.put("pairs", edgeCount);
            nd.put("groups", groupCount);
        }
        out.writeText("summary.json", json.toPrettyString() + "\n");
        out.commit();
        return new Result(json, summary, edgeCount, groupCount, partitions, tileSeconds);
    }

    /** The work of one partition: its panel pairs' tiles into one partial. */
    private static Iterator<AllPairsPartial> tiles(Iterator<PanelPair> pairs, AllPairsSettings s, TaskFault fault) {
        fault.check(TaskContext.get());
        var kernel = ExecutorKernels.get(s.kernel());
        AllPairsPartial partial = new AllPairsPartial(s);
        while (pairs.hasNext()) {
            partial.add(pairs.next(), kernel);
        }
        return List.of(partial).iterator();
    }

    private static Iterator<Row> neighborRows(TopKNeighbors top) {
        List<Row> rows = new ArrayList<>(top.rows() * top.k());
        for (int r = 0; r < top.rows(); r++) {
            Neighbors nb = top.neighbors(r);
            for (int q = 0; q < nb.ids().length; q++) {
                rows.add(RowFactory.create(nb.id(), q + 1, nb.ids()[q], nb.similarities()[q]));
            }
        }
        return rows.iterator();
    }

    private static Iterator<Row> edgeRows(NearDuplicateEdges e) {
        List<Row> rows = new ArrayList<>(e.size());
        for (int x = 0; x < e.size(); x++) {
            rows.add(RowFactory.create(e.first(x), e.second(x), e.similarity(x)));
        }
        return rows.iterator();
    }

}
