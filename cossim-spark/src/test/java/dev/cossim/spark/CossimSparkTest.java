package dev.cossim.spark;

import dev.cossim.CossimException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class CossimSparkTest {
    @Test
    void badOptionIsOneLineAndExitCode2() {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = CossimSpark.execute("all-pairs", "m.npy", "-o", "out", "--block", "0");
        } finally {
            System.setErr(saved);
        }
        assertEquals(2, code);
        assertEquals("cossim-spark: --block and --panel-blocks must be at least 1, --partitions at least 0\n",
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void userErrorsAreFoundInsideSparkExceptions() {
        CossimException direct = new CossimException("m.npy: no such file");
        assertEquals(direct, CossimSpark.userError(new RuntimeException("wrapped", direct)));
        // an executor's exception that reaches the driver only as text in the job failure message
        RuntimeException remote = new RuntimeException("Job aborted due to stage failure: Task 3 failed 4 times, most recent failure: "
                + "dev.cossim.CossimException: data.parquet: row id 17 has 12 values, expected 768\n\tat dev.cossim...");
        assertEquals("data.parquet: row id 17 has 12 values, expected 768", CossimSpark.userError(remote).getMessage());
        assertNull(CossimSpark.userError(new IllegalStateException("bug")));
    }

    /** The options the CLI shares (cossim-options mixins) and -t for near-duplicates, with the old --near-dup kept. */
    @Test
    void allPairsOptionsSpeakTheCliVocabulary() {
        SparkAllPairsCommand a = new SparkAllPairsCommand();
        new picocli.CommandLine(a).parseArgs("m.npy", "-o", "out", "-t", "0.9", "-k", "3", "--bins", "50", "--kernel", "scalar", "--tensor", "w");
        assertEquals(0.9f, a.nearDup);
        assertEquals(3, a.pairs.topK);
        assertEquals(50, a.pairs.bins);
        assertEquals("scalar", a.kernel.kernel);
        assertEquals("w", a.tensor.tensor);
        SparkAllPairsCommand old = new SparkAllPairsCommand();
        new picocli.CommandLine(old).parseArgs("m.npy", "-o", "out", "--near-dup", "0.35");
        assertEquals(0.35f, old.nearDup);
        assertEquals(10, old.pairs.topK, "the CLI's default");
        assertEquals(2000, old.pairs.bins);
        assertEquals("auto", old.kernel.kernel);
        assertNull(old.tensor.tensor);
    }
}
