package dev.cossim.cli;

import dev.cossim.testing.TsvReader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cossim.query.NpyWriter;
import dev.cossim.source.DType;
import dev.cossim.testing.Synthetic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QueryCommandTest {
    @TempDir
    Path dir;

    static void npy(Path p, DType t, float[] v, long... shape) {
        try (NpyWriter w = new NpyWriter(p, t, shape)) {
            w.write(v, 0, v.length);
        }
    }

    /** Four compass directions: cosines 1, 1/sqrt(2), 0 and -1 from "east", by hand. */
    private Path compass() throws Exception {
        Path c = dir.resolve("compass");
        Files.createDirectories(c);
        npy(c.resolve("a.npy"), DType.F32, new float[]{1, 0, 0, 1}, 2, 2);
        Files.writeString(c.resolve("a.txt"), "east\nnorth\n");
        npy(c.resolve("b.npy"), DType.F32, new float[]{3, 3, -2, 0}, 2, 2);
        Files.writeString(c.resolve("b.jsonl"), "\"north-east\"\n{\"label\": \"west's\"}\n");
        return c;
    }

    @Test
    void printsLikeTheSeedNotebook() throws Exception {
        CliRun r = CliRun.of("query", compass().toString(), "--label", "east", "-k", "4");
        assertEquals(0, r.code(), r.err());
        assertEquals("Closest to 'east':\n"
                + "\t        'east' (1.000)\n"
                + "\t  'north-east' (0.707)\n"
                + "\t       'north' (0.000)\n"
                + "\t      \"west's\" (-1.000)\n\n", r.out());
        assertTrue(r.err().contains("corpus: 2 batch file(s), 4 rows, F32 [rows, 2]"), r.err());
        assertTrue(r.err().contains("batch 2/2 b.npy: 2 rows"), r.err());
    }

    @Test
    void euclideanIsSmallestFirstAndJsonCarriesEveryField() throws Exception {
        CliRun r = CliRun.of("query", compass().toString(), "--label", "north", "-k", "2", "--metric", "euclidean", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("euclidean", j.get("metric").asText());
        JsonNode hits = j.get("queries").get(0).get("hits");
        assertEquals("north", hits.get(0).get("label").asText());
        assertEquals(0.0, hits.get(0).get("score").asDouble());
        // |(1,0) - (0,1)| = sqrt(2) for east; north-east (3,3) is sqrt(13) away
        assertEquals("east", hits.get(1).get("label").asText());
        assertEquals(Math.sqrt(2), hits.get(1).get("score").asDouble(), 1e-12);
        assertEquals(0, hits.get(1).get("row").asLong());
        assertEquals(0, hits.get(1).get("file_row").asLong());
    }

    @Test
    void tsvOfAVectorsFileEqualsBruteForceOnThreeDimensionalFloat16() throws Exception {
        int n = 150, t = 3, d = 24, k = 7;
        float[] v = Synthetic.gaussian(n * t, d, 3);
        for (int i = 0; i < v.length; i++) {
            v[i] = Float.float16ToFloat(Float.floatToFloat16(v[i]));
        }
        Path c = dir.resolve("c");
        Files.createDirectories(c);
        npy(c.resolve("x_1.npy"), DType.F16, java.util.Arrays.copyOfRange(v, 0, 100 * t * d), 100, t, d);
        npy(c.resolve("x_2.npy"), DType.F16, java.util.Arrays.copyOfRange(v, 100 * t * d, v.length), 50, t, d);
        float[] q = Synthetic.gaussian(2, d, 99);
        Path qf = dir.resolve("q.npy");
        npy(qf, DType.F32, q, 2, d);
        Files.writeString(dir.resolve("q.txt"), "first\tquery\nsecond\n");
        CliRun none = CliRun.of("query", c.toString(), "--queries", qf.toString(), "-k", "" + k);
        assertEquals(2, none.code());
        assertTrue(none.err().contains("--position (none): ") && none.err().contains("choose a token position"), none.err());
        CliRun r = CliRun.of("query", c.toString(), "--queries", qf.toString(), "--position", "-2", "-k", "" + k, "--format", "tsv",
                "--metric", "dot", "--threads", "2", "--block", "16");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("query\trank\trow\tfile\tfile_row\tscore\tlabel", lines.getFirst());
        assertEquals(1 + 2 * k, lines.size());
        for (int qi = 0; qi < 2; qi++) {
            int qq = qi;
            List<Integer> order = new ArrayList<>(IntStream.range(0, n).boxed().toList());
            double[] dots = new double[n];
            for (int row = 0; row < n; row++) {
                for (int i = 0; i < d; i++) {
                    dots[row] += (double) q[qq * d + i] * v[(row * t + 1) * d + i];
                }
            }
            order.sort(Comparator.<Integer>comparingDouble(x -> -dots[x]).thenComparingInt(x -> x));
            for (int rank = 0; rank < k; rank++) {
                String[] f = TsvReader.fields(lines.get(1 + qi * k + rank));
                // The query name holds a real tab: the TSV quotes it (RFC 4180), as pandas and csv read it back.
                assertEquals(qi == 0 ? "first\tquery" : "second", f[0]);
                assertEquals(rank + 1, Integer.parseInt(f[1]));
                int row = order.get(rank);
                assertEquals(row, Integer.parseInt(f[2]));
                assertEquals(row < 100 ? "x_1.npy" : "x_2.npy", f[3]);
                assertEquals(row < 100 ? row : row - 100, Integer.parseInt(f[4]));
                assertEquals(dots[row], Double.parseDouble(f[5]), 1e-6 * Math.max(1, Math.abs(dots[row])));
                assertEquals("x_" + (row < 100 ? 1 : 2) + ".npy:" + (row < 100 ? row : row - 100), f[6]);
            }
        }
    }

    @Test
    void badInputGivesOneLineNamingTheFile() throws Exception {
        Path c = compass();
        npy(c.resolve("c.npy"), DType.F32, new float[]{1, 2, 3}, 1, 3);
        CliRun r = CliRun.of("query", c.toString(), "--label", "east");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("cossim: error: " + c.resolve("c.npy") + ": vectors have dimension 3, but "), r.err());
        Files.delete(c.resolve("c.npy"));
        Files.writeString(c.resolve("a.txt"), "east\n");
        r = CliRun.of("query", c.toString(), "--label", "east");
        assertEquals(2, r.code());
        assertTrue(r.err().contains(c.resolve("a.txt") + ": 1 labels for the 2 rows of " + c.resolve("a.npy")), r.err());
        Files.writeString(c.resolve("a.txt"), "east\nnorth\n");
        r = CliRun.of("query", c.toString(), "--label", "south");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--label 'south': no corpus row has this label"), r.err());
        r = CliRun.of("query", c.toString(), "--label", "east", "--position", "3");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("it has no token positions"), r.err());
        Path q3 = dir.resolve("q3.npy");
        npy(q3, DType.F32, new float[]{1, 2, 3}, 1, 3);
        r = CliRun.of("query", c.toString(), "--queries", q3.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains(q3 + ": query vectors have dimension 3, the corpus has 2"), r.err());
        Path zero = dir.resolve("zero.npy");
        npy(zero, DType.F32, new float[]{0, 0}, 1, 2);
        r = CliRun.of("query", c.toString(), "--queries", zero.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("query 'query 0': is a zero vector, which has no cosine similarity"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void outputFileIsWrittenWhole() throws Exception {
        Path out = dir.resolve("r.tsv");
        CliRun r = CliRun.of("query", compass().toString(), "--label", "east", "-k", "1", "--format", "tsv", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.out());
        assertEquals(List.of("query\trank\trow\tfile\tfile_row\tscore\tlabel", "east\t1\t0\ta.npy\t0\t1.00000000\teast"),
                Files.readAllLines(out, StandardCharsets.UTF_8));
    }

    @Test
    void normsPerFileByHand() throws Exception {
        CliRun r = CliRun.of("norms", compass().toString(), "--format", "tsv");
        assertEquals(0, r.code(), r.err());
        // a: norms 1, 1; b: sqrt(18), 2; all: mean (2 + sqrt(18) + 2) / 4
        List<String[]> rows = r.out().lines().skip(1).map(l -> l.split("\t")).toList();
        assertEquals(3, rows.size());
        assertEquals("a.npy", rows.get(0)[0]);
        assertEquals(1.0, Double.parseDouble(rows.get(0)[3]), 1e-6);
        assertEquals(0.0, Double.parseDouble(rows.get(0)[4]), 1e-6);
        double m = (Math.sqrt(18) + 2) / 2;
        assertEquals(m, Double.parseDouble(rows.get(1)[3]), 1e-6);
        assertEquals(Math.sqrt(2 * (Math.sqrt(18) - m) * (Math.sqrt(18) - m)), Double.parseDouble(rows.get(1)[4]), 1e-6);
        assertEquals("(all files)", rows.get(2)[0]);
        assertEquals((4 + Math.sqrt(18)) / 4, Double.parseDouble(rows.get(2)[3]), 1e-6);
    }

    @Test
    void pythonRepr() {
        assertEquals("'my most gr'", PyRepr.of("my most gr"));
        assertEquals("\"n's beams,\"", PyRepr.of("n's beams,"));
        assertEquals("'ng\\nfantast'", PyRepr.of("ng\nfantast"));
        assertEquals("'it\\'s \"x\"'", PyRepr.of("it's \"x\""));
    }

    /**
     * --checkpoint: a checkpointed query prints the hits of a plain one; --resume of the finished checkpoint prints them
     * again; a mismatching or misused checkpoint is one line, exit 2, and no output file.
     */
    @Test
    void checkpointedQueriesGiveThePlainHitsAndRefuseAMismatchInOneLine() throws Exception {
        Path c = dir.resolve("c");
        Files.createDirectories(c);
        int n = 300, d = 8;
        float[] v = Synthetic.gaussian(2 * n, d, 9);
        npy(c.resolve("a.npy"), DType.F32, java.util.Arrays.copyOfRange(v, 0, n * d), n, d);
        npy(c.resolve("b.npy"), DType.F32, java.util.Arrays.copyOfRange(v, n * d, 2 * n * d), n, d);
        Path q = dir.resolve("q.npy");
        npy(q, DType.F32, Synthetic.gaussian(3, d, 10), 3, d);
        String ck = dir.resolve("ck").toString();
        String[] common = {"query", c.toString(), "--queries", q.toString(), "-k", "4", "--format", "tsv"};
        String[] base = concat(common, "--block", "16");
        CliRun plain = CliRun.of(base);
        assertEquals(0, plain.code(), plain.err());
        CliRun first = CliRun.of(concat(base, "--checkpoint", ck, "--checkpoint-every", "0.001"));
        assertEquals(0, first.code(), first.err());
        assertEquals(plain.out(), first.out());
        assertTrue(Files.exists(dir.resolve("ck/checkpoint.bin")));
        CliRun resumed = CliRun.of(concat(base, "--checkpoint", ck, "--resume", "--threads", "1"));
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(plain.out(), resumed.out());

        Path out = dir.resolve("out.tsv");
        for (String[] bad : new String[][]{
                {"--checkpoint", ck, "-o", out.toString()},
                {"--checkpoint", ck, "--resume", "--metric", "dot", "-o", out.toString()},
                {"--checkpoint", ck, "--resume", "--threads", "3", "--block", "32", "-o", out.toString()},
                {"--checkpoint", dir.resolve("ck2").toString(), "--checkpoint-every", "0", "-o", out.toString()},
                {"--resume", "-o", out.toString()}}) {
            CliRun r = CliRun.of(java.util.Arrays.asList(bad).contains("32") ? concat(common, bad) : concat(base, bad));
            assertEquals(2, r.code(), String.join(" ", bad) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().filter(l -> l.startsWith("cossim: error: ")).count(), r.err());
            assertFalse(Files.exists(out), String.join(" ", bad));
        }
        assertTrue(CliRun.of(concat(base, "--checkpoint", ck)).err().contains("cossim: error: " + ck + ": holds a checkpoint already"));
        assertTrue(CliRun.of(concat(common, "--checkpoint", ck, "--resume", "--block", "32")).err()
                .contains("cossim: error: " + ck + "/checkpoint.bin: was written for another request (query, metric cosine, top-k 4, position 0, 3 queries, block 16"));
        assertTrue(CliRun.of(concat(base, "--checkpoint", "x", "--checkpoint-every", "0")).err()
                .contains("cossim: error: --checkpoint-every 0.0: must be a positive number of seconds"));
        assertTrue(CliRun.of(concat(base, "--resume")).err().contains("cossim: error: --resume true: needs a checkpoint directory to resume from"));
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
