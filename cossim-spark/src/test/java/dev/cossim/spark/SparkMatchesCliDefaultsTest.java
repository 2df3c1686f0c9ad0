package dev.cossim.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cossim.analysis.Analysis;
import dev.cossim.analysis.AnalysisResult;
import dev.cossim.analysis.ProgressListener;
import dev.cossim.results.NeighborTable;
import dev.cossim.results.Statistics;
import dev.cossim.testing.Synthetic;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code cossim-spark all-pairs} with its default options against {@code cossim all-pairs} with its defaults (the
 * facade request the CLI builds: 2000 bins, top-10, kernel auto, the kernel's own block size) on the same file, in
 * local mode: identical histogram counts, extreme pairs, statistics and every row's top-k. Spark cuts the rows into
 * other tiles (256-row blocks in panels) than the CLI (the kernel's preferred block), so this also checks that a
 * pair's value does not depend on the tile it was computed in.
 */
class SparkMatchesCliDefaultsTest {
    static final int N = 1_300;
    static final int D = 48;

    @TempDir
    static Path tmp;

    @Test
    void defaultSparkJobEqualsDefaultAllPairs() throws Exception {
        float[] m = Synthetic.gaussian(N, D, 7);
        Synthetic.duplicate(m, D, 5, 900, 3f);   // an exact tie: rows 5 and 900 point the same way
        Synthetic.zeroRow(m, D, 11);
        Path npy = TestFiles.npy(tmp.resolve("m.npy"), m, N, D);

        // What `cossim all-pairs m.npy` runs (AllPairsCommand: histogram(2000).topK(10), all other options default).
        AnalysisResult cli = Analysis.open(npy).histogram(2000).topK(10).run();

        SparkSession spark = TestSpark.session();
        Path out = tmp.resolve("spark");
        SparkAllPairs.Result r;
        try (VectorInput in = VectorInput.open(spark, npy.toString(), null, "id", "vector")) {
            r = SparkAllPairs.run(spark, in, AllPairsSettings.defaults(), out.toString(), TaskFault.NONE, ProgressListener.NONE);
        }

        assertArrayEquals(cli.histogram().counts(), r.reducer().histogram().counts());
        Statistics want = cli.statistics();
        Statistics got = r.reducer().statistics();
        assertEquals(want.count(), got.count());
        assertEquals(want.min(), got.min());
        assertEquals(want.max(), got.max());
        assertEquals(want.mean(), got.mean(), 1e-12);
        assertEquals(want.std(), got.std(), 1e-12);

        JsonNode json = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        JsonNode cliJson = cli.allPairsSummary();
        assertEquals(cliJson.get("histogram").get("counts").toString(), json.get("histogram").get("counts").toString());
        assertEquals(cliJson.get("min").toString(), json.get("min").toString());
        assertEquals(cliJson.get("max").toString(), json.get("max").toString());
        assertEquals(cliJson.get("mean").asDouble(), json.get("mean").asDouble(), 1e-12);

        NeighborTable top = cli.topK();
        TestFiles.assertNeighbors(spark, out.resolve("neighbors.parquet"), top);
        assertEquals(900, top.neighbors(5).ids()[0]); // the tie, found by both
    }
}
