package dev.cossim.spark;

import dev.cossim.engine.NearestRows;
import dev.cossim.analysis.ProgressListener;
import dev.cossim.kernel.Kernels;
import dev.cossim.kernel.TileKernel;
import dev.cossim.matrix.Normalization;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.reduce.TopKNeighbors;
import dev.cossim.testing.BruteForce;
import dev.cossim.testing.Synthetic;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import dev.cossim.results.Neighbors;

/**
 * The Spark query job against the single-machine scan ({@code NearestRows}, same kernel): identical top-k ids and
 * similarities for every query, ties included, with corpus and queries from either kind of input, and with every
 * scan task failing once.
 */
class SparkQueryTest {
    static final int N = 500;
    static final int D = 37;
    static final int Q = 40;
    static final int K = 6;

    static SparkSession spark;
    static float[] corpus;
    static float[] queries;
    static TileKernel kernel;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        spark = TestSpark.session();
        corpus = Synthetic.gaussian(N, D, 5);
        Synthetic.duplicate(corpus, D, 3, 250, 2f); // a query along row 3 ties 3, 250 and 499
        Synthetic.duplicate(corpus, D, 3, 499, 3f);
        Synthetic.zeroRow(corpus, D, 8);
        corpus[77 * D] = Float.POSITIVE_INFINITY;
        queries = Synthetic.gaussian(Q, D, 6);
        System.arraycopy(corpus, 3 * D, queries, 0, D);
        Synthetic.zeroRow(queries, D, 5);
        kernel = Kernels.choose("auto", line -> { });
    }

    static final TaskFault FIRST_ATTEMPT_FAILS = ctx -> {
        if (ctx.attemptNumber() == 0) {
            throw new IllegalStateException("injected failure of partition " + ctx.partitionId());
        }
    };

    @Test
    void modelFileCorpusParquetQueries() throws Exception {
        String c = TestFiles.npy(tmp.resolve("corpus.npy"), corpus, N, D).toString();
        String q = TestFiles.parquet(spark, tmp.resolve("queries.parquet"), queries, D, IntStream.range(0, Q).toArray(), 3);
        check(c, q, tmp.resolve("out1"), FIRST_ATTEMPT_FAILS);
    }

    @Test
    void parquetCorpusModelFileQueries() throws Exception {
        String c = TestFiles.parquet(spark, tmp.resolve("corpus.parquet"), corpus, D, IntStream.range(0, N).toArray(), 4);
        String q = TestFiles.npy(tmp.resolve("queries.npy"), queries, Q, D).toString();
        check(c, q, tmp.resolve("out2"), TaskFault.NONE);
    }

    void check(String corpusPath, String queryPath, Path out, TaskFault fault) {
        SparkQuery.Result r;
        try (VectorInput c = VectorInput.open(spark, corpusPath, null, "id", "vector");
             VectorInput q = VectorInput.open(spark, queryPath, null, "id", "vector")) {
            r = SparkQuery.run(spark, c, q, K, "auto", 64, 32, out.toString(), fault, ProgressListener.NONE);
        }
        assertArrayEquals(new int[]{5}, r.zeroQueries());
        assertEquals(N - 2, r.corpusRows());

        RowMatrix corpusRows = RowMatrix.of(Synthetic.tensor(corpus, N, D), Normalization.UNIT);
        RowMatrix queryRows = RowMatrix.of(Synthetic.tensor(queries, Q, D), Normalization.UNIT);
        Map<Integer, List<Row>> got = new TreeMap<>();
        for (Row row : spark.read().parquet(out.resolve("neighbors.parquet").toString()).collectAsList()) {
            got.computeIfAbsent(row.getInt(0), x -> new ArrayList<>()).add(row);
        }
        assertEquals(Q - 1, got.size());
        BruteForce bf = new BruteForce(corpus, N, D);
        for (int qi = 0; qi < queryRows.size(); qi++) {
            float[] v = Arrays.copyOfRange(queryRows.data(), qi * D, (qi + 1) * D);
            Neighbors want = NearestRows.find(kernel, corpusRows, v, K, -1);
            List<Row> rows = got.get(queryRows.id(qi));
            rows.sort((a, b) -> Integer.compare(a.getInt(1), b.getInt(1)));
            int[] ids = rows.stream().mapToInt(x -> x.getInt(2)).toArray();
            float[] sims = new float[rows.size()];
            for (int j = 0; j < sims.length; j++) {
                sims[j] = rows.get(j).getFloat(3);
            }
            assertArrayEquals(want.ids(), ids, "query " + queryRows.id(qi));
            assertArrayEquals(want.similarities(), sims, "query " + queryRows.id(qi));
        }
        // query 0 is corpus row 3: the exact ties come in id order
        assertArrayEquals(new int[]{3, 250, 499}, got.get(0).stream().limit(3).mapToInt(x -> x.getInt(2)).toArray());
        // and the double-precision reference agrees on a query that is a corpus row
        assertArrayEquals(bf.topK(3, 2), new int[]{got.get(0).get(1).getInt(2), got.get(0).get(2).getInt(2)});
    }
}
