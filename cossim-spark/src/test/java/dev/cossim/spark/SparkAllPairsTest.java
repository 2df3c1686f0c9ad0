package dev.cossim.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cossim.CossimException;
import dev.cossim.engine.AllPairsEngine;
import dev.cossim.analysis.ProgressListener;
import dev.cossim.engine.Tile;
import dev.cossim.engine.TileReducer;
import dev.cossim.kernel.Kernels;
import dev.cossim.kernel.TileKernel;
import dev.cossim.matrix.Normalization;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.reduce.SummaryReducer;
import dev.cossim.testing.BruteForce;
import dev.cossim.testing.Synthetic;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spark all-pairs job against the single-machine engine with the same kernel, on one local[2] session (two
 * attempts per task allowed, Kryo on, as on a cluster): identical histogram counts, extreme pairs, top-k with ties,
 * near-duplicate edges and groups, from a model file and from Parquet, also when every task fails once.
 */
class SparkAllPairsTest {
    static final int N = 500;
    static final int D = 37;
    static final int BINS = 200;
    static final int K = 5;
    static final float NEAR = 0.6f;
    static final int BLOCK = 32;

    static SparkSession spark;
    static float[] m;
    static TileKernel kernel;
    static Expected expected;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        spark = TestSpark.session();
        m = Synthetic.gaussian(N, D, 42);
        Synthetic.duplicate(m, D, 3, 250, 2f);   // exact ties: rows 3, 250 and 499 point the same way
        Synthetic.duplicate(m, D, 3, 499, 0.5f);
        Synthetic.duplicate(m, D, 10, 11, 1f);
        Synthetic.zeroRow(m, D, 7);
        m[100 * D + 5] = Float.NaN;
        kernel = Kernels.choose("auto", line -> { });
        expected = new Expected(m, N, D, kernel);
    }

    /** The single-machine engine's results on the same rows, with the same kernel and block. */
    static final class Expected {
        final RowMatrix rows;
        final Both reduced;

        Expected(float[] m, int n, int d, TileKernel kernel) {
            rows = RowMatrix.of(Synthetic.tensor(m, n, d), Normalization.UNIT);
            int[] ids = rows.ids();
            reduced = new AllPairsEngine(kernel, 2, BLOCK).run(rows, () -> new Both(ids), ProgressListener.NONE);
        }
    }

    /** The engine's reducers plus an edge list, as the Spark job computes them. */
    static final class Both implements TileReducer<Both> {
        final SummaryReducer summary;
        final NearDuplicateEdges edges;

        Both(int[] ids) {
            summary = new SummaryReducer(ids, BINS, -1, 1, K);
            edges = new NearDuplicateEdges(ids, NEAR);
        }

        @Override
        public void accept(Tile tile) {
            summary.accept(tile);
            edges.accept(tile);
        }

        @Override
        public void merge(Both o) {
            summary.merge(o.summary);
            edges.merge(o.edges);
        }
    }

    static AllPairsSettings settings() {
        return AllPairsSettings.defaults().withTopK(K).withNearDup(NEAR).withBlocks(BLOCK, 2)
                .withKernel("auto").withPartitions(0)
                .withBins(BINS);
    }

    @Test
    void modelFileGivesTheEngineResults() throws Exception {
        Path npy = TestFiles.npy(tmp.resolve("m.npy"), m, N, D);
        Path out = tmp.resolve("from-npy");
        try (VectorInput in = VectorInput.open(spark, npy.toString(), null, "id", "vector")) {
            SparkAllPairs.Result r = SparkAllPairs.run(spark, in, settings(), out.toString(), TaskFault.NONE, ProgressListener.NONE);
            assertEquals(36, r.tasks()); // 498 usable rows, panels of 64: 8 panels, 36 panel pairs
            assertSameAsEngine(r, out);
        }
    }

    @Test
    void parquetGivesTheEngineResults() throws Exception {
        int[] all = java.util.stream.IntStream.range(0, N).toArray();
        String data = TestFiles.parquet(spark, tmp.resolve("m.parquet"), m, D, all, 7);
        Path out = tmp.resolve("from-parquet");
        try (VectorInput in = VectorInput.open(spark, data, null, "id", "vector")) {
            SparkAllPairs.Result r = SparkAllPairs.run(spark, in, settings().withPartitions(5), out.toString(),
                    TaskFault.NONE, ProgressListener.NONE);
            assertEquals(5, r.tasks());
            assertSameAsEngine(r, out);
        }
    }

    @Test
    void everyTaskFailingOnceStillGivesTheEngineResults() throws Exception {
        Path npy = TestFiles.npy(tmp.resolve("retry.npy"), m, N, D);
        Path out = tmp.resolve("retried");
        TaskFault firstAttemptFails = ctx -> {
            if (ctx.attemptNumber() == 0) {
                throw new IllegalStateException("injected failure of partition " + ctx.partitionId() + ", attempt 0");
            }
        };
        try (VectorInput in = VectorInput.open(spark, npy.toString(), null, "id", "vector")) {
            SparkAllPairs.Result r = SparkAllPairs.run(spark, in, settings().withPartitions(6), out.toString(),
                    firstAttemptFails, ProgressListener.NONE);
            assertSameAsEngine(r, out);
        }
    }

    void assertSameAsEngine(SparkAllPairs.Result r, Path out) throws Exception {
        SummaryReducer want = expected.reduced.summary;
        assertArrayEquals(want.histogram().counts(), r.reducer().histogram().counts());
        assertEquals(AllPairsEngine.pairs(498), r.reducer().statistics().count());
        assertEquals(want.statistics().min(), r.reducer().statistics().min());
        assertEquals(want.statistics().max(), r.reducer().statistics().max());
        assertEquals(want.statistics().mean(), r.reducer().statistics().mean(), 1e-12);
        assertEquals(want.statistics().std(), r.reducer().statistics().std(), 1e-12);

        // summary.json: the core's format, with the excluded rows found by the distributed scan
        JsonNode json = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(498, json.get("n").asInt());
        assertEquals(D, json.get("dim").asInt());
        assertEquals("[7]", json.get("excluded_rows").get("zero").toString());
        assertEquals("[100]", json.get("excluded_rows").get("non_finite").toString());
        long[] counts = new long[BINS];
        for (int b = 0; b < BINS; b++) {
            counts[b] = json.get("histogram").get("counts").get(b).asLong();
        }
        assertArrayEquals(want.histogram().counts(), counts);

        // neighbors.parquet: every row's top-k, ids and similarities, tie order included
        Map<Integer, List<Row>> byId = TestFiles.assertNeighbors(spark, out.resolve("neighbors.parquet"), want.topK());
        // the exact ties: 250 and 499 are 3's nearest, in id order
        List<Row> of3 = byId.get(3);
        assertEquals(250, of3.get(0).getInt(2));
        assertEquals(499, of3.get(1).getInt(2));

        // edges.parquet: exactly the engine's pairs >= threshold
        TreeSet<String> wantEdges = new TreeSet<>();
        NearDuplicateEdges e = expected.reduced.edges;
        for (int x = 0; x < e.size(); x++) {
            wantEdges.add(e.first(x) + "-" + e.second(x) + ":" + e.similarity(x));
        }
        TreeSet<String> gotEdges = new TreeSet<>();
        for (Row row : spark.read().parquet(out.resolve("edges.parquet").toString()).collectAsList()) {
            gotEdges.add(row.getInt(0) + "-" + row.getInt(1) + ":" + row.getFloat(2));
        }
        assertTrue(wantEdges.size() > 3, "the test matrix has near-duplicate pairs");
        assertEquals(wantEdges, gotEdges);
        assertEquals(e.size(), r.nearDuplicatePairs());

        // groups.parquet: the connected components of the engine's edges (found here by breadth-first search)
        List<List<Integer>> wantGroups = components(e);
        Map<Integer, List<Integer>> got = new TreeMap<>();
        Map<Integer, Integer> sizes = new HashMap<>();
        for (Row row : spark.read().parquet(out.resolve("groups.parquet").toString()).collectAsList()) {
            got.computeIfAbsent(row.getInt(0), x -> new ArrayList<>()).add(row.getInt(2));
            sizes.put(row.getInt(0), row.getInt(1));
        }
        List<List<Integer>> gotGroups = new ArrayList<>();
        for (List<Integer> g : got.values()) {
            g.sort(null);
            assertEquals(g.size(), sizes.get(g.getFirst()));
            gotGroups.add(g);
        }
        gotGroups.sort(SparkAllPairsTest::largestFirst);
        assertEquals(wantGroups, gotGroups);
        assertTrue(wantGroups.stream().anyMatch(g -> g.containsAll(List.of(3, 250, 499))));
        assertEquals(wantGroups.size(), r.groups());
        assertEquals(wantGroups.size(), json.get("near_duplicates").get("groups").asInt());

        // and the engine itself agrees with the double-precision reference on the extreme pair
        BruteForce bf = new BruteForce(m, N, D);
        int[] min = bf.extreme(false);
        assertEquals(min[0], r.reducer().statistics().min().i());
        assertEquals(min[1], r.reducer().statistics().min().j());
        try (Stream<Path> s = Files.list(out.getParent())) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().contains(".partial-")), "no partial output left");
        }
    }

    static int largestFirst(List<Integer> a, List<Integer> b) {
        return a.size() != b.size() ? Integer.compare(b.size(), a.size()) : Integer.compare(a.getFirst(), b.getFirst());
    }

    static List<List<Integer>> components(NearDuplicateEdges e) {
        Map<Integer, List<Integer>> adj = new TreeMap<>();
        for (int x = 0; x < e.size(); x++) {
            adj.computeIfAbsent(e.first(x), k -> new ArrayList<>()).add(e.second(x));
            adj.computeIfAbsent(e.second(x), k -> new ArrayList<>()).add(e.first(x));
        }
        List<List<Integer>> out = new ArrayList<>();
        TreeSet<Integer> seen = new TreeSet<>();
        for (int start : adj.keySet()) {
            if (!seen.add(start)) {
                continue;
            }
            List<Integer> comp = new ArrayList<>();
            ArrayDeque<Integer> todo = new ArrayDeque<>(List.of(start));
            while (!todo.isEmpty()) {
                int v = todo.poll();
                comp.add(v);
                for (int w : adj.get(v)) {
                    if (seen.add(w)) {
                        todo.add(w);
                    }
                }
            }
            comp.sort(null);
            out.add(comp);
        }
        out.sort(SparkAllPairsTest::largestFirst);
        return out;
    }

    @Test
    void badInputIsOneLineNamingIt() throws Exception {
        int[] all = java.util.stream.IntStream.range(0, 20).toArray();
        String data = TestFiles.parquet(spark, tmp.resolve("bad.parquet"), m, D, all, 1);
        CossimException e = assertThrows(CossimException.class,
                () -> VectorInput.open(spark, data, null, "id", "embedding"));
        assertEquals(data + ": no column 'embedding' (columns: id, vector); name it with --vector-column", e.getMessage());

        Path exists = Files.createDirectories(tmp.resolve("exists"));
        try (VectorInput in = VectorInput.open(spark, data, null, "id", "vector")) {
            CossimException e2 = assertThrows(CossimException.class, () -> SparkAllPairs.run(spark, in, settings(),
                    exists.toString(), TaskFault.NONE, ProgressListener.NONE));
            assertTrue(e2.getMessage().endsWith("already exists; give a new output directory"), e2.getMessage());
        }
        // a top-k as large as the usable rows: refused before any output appears
        Path never = tmp.resolve("never");
        try (VectorInput in = VectorInput.open(spark, data, null, "id", "vector")) {
            CossimException e3 = assertThrows(CossimException.class, () -> SparkAllPairs.run(spark, in, settings().withTopK(19),
                    never.toString(), TaskFault.NONE, ProgressListener.NONE));
            assertEquals("--top-k 19: must be less than the number of usable rows (19)", e3.getMessage());
        }
        assertFalse(Files.exists(never));

        // a vector of another length, found on an executor, reaches the driver as the same one line
        List<Row> rows = new ArrayList<>();
        for (int id = 0; id < 12; id++) {
            List<Float> v = new ArrayList<>();
            for (int k = 0; k < (id == 10 ? D - 1 : D); k++) {
                v.add(m[id * D + k]);
            }
            rows.add(org.apache.spark.sql.RowFactory.create(id, v));
        }
        String ragged = tmp.resolve("ragged.parquet").toString();
        spark.createDataFrame(rows, new org.apache.spark.sql.types.StructType()
                        .add("id", org.apache.spark.sql.types.DataTypes.IntegerType)
                        .add("vector", org.apache.spark.sql.types.DataTypes.createArrayType(org.apache.spark.sql.types.DataTypes.FloatType)))
                .coalesce(1).write().parquet(ragged);
        try (VectorInput in = VectorInput.open(spark, ragged, null, "id", "vector")) {
            Exception e4 = assertThrows(Exception.class, in::usableRows);
            assertEquals(ragged + ": row id 10 has 36 values, expected 37", CossimSpark.userError(e4).getMessage());
        }
    }
}
