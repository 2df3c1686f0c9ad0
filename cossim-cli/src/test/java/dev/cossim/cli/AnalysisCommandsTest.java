package dev.cossim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cossim.matrix.Metric;
import dev.cossim.source.NpyFile;
import dev.cossim.testing.MetricReference;
import dev.cossim.testing.Synthetic;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The analysis commands end to end on a small .npy model with a BERT-like vocab.txt: "[unused..]" rows that are
 * near-copies of each other, files checked against the double-precision reference.
 */
class AnalysisCommandsTest {
    static final int N = 80, D = 16, UNUSED = 12;

    @TempDir
    Path dir;
    Path model;
    Path vocab;
    float[] m;

    @BeforeEach
    void writeModel() throws Exception {
        m = Synthetic.gaussian(N, D, 99);
        // Rows 1..12 are "[unused..]": copies of row 1 with a little noise, so they group together.
        java.util.Random r = new java.util.Random(1);
        for (int u = 2; u <= UNUSED; u++) {
            for (int k = 0; k < D; k++) {
                m[u * D + k] = m[D + k] + (float) (r.nextGaussian() * 0.01);
            }
        }
        model = dir.resolve("model.npy");
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + N + ", " + D + "), }";
        String header = dict + " ".repeat(64 - 10 - dict.length() - 1 + 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 4 * N * D).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        for (float v : m) {
            b.putFloat(v);
        }
        Files.write(model, b.array());
        List<String> tokens = new ArrayList<>();
        tokens.add("[PAD]");
        for (int u = 0; u < UNUSED; u++) {
            tokens.add("[unused" + u + "]");
        }
        while (tokens.size() < N) {
            tokens.add("word" + tokens.size());
        }
        vocab = dir.resolve("vocab.txt");
        Files.write(vocab, tokens);
    }

    record Result(int code, String out, String err) {
    }

    Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    static List<String[]> tsv(Path f) throws Exception {
        return Files.readAllLines(f).stream().skip(1).map(l -> l.split("\t")).toList();
    }

    @Test
    void nearDuplicatesFindTheUnusedGroupWithTokens() throws Exception {
        Path out = dir.resolve("nd");
        Result r = run("near-duplicates", model.toString(), "--vocab", vocab.toString(), "--match", "^\\[unused", "-t", "0.99",
                "--threads", "2", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        int[] sel = IntStream.rangeClosed(1, UNUSED).toArray();
        MetricReference ref = MetricReference.within(m, D, Metric.COSINE, sel);
        List<int[]> groups = ref.groups(0.99, false);
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(ref.countQualifying(0.99, false), s.get("pairs_found").asLong());
        assertEquals(groups.size(), s.get("groups").asInt());
        List<String[]> rows = tsv(out.resolve("groups.tsv"));
        assertEquals(groups.getFirst().length, Integer.parseInt(rows.getFirst()[1]));
        assertEquals("[unused0]", rows.getFirst()[6]);
        assertEquals(ref.countQualifying(0.99, false), tsv(out.resolve("pairs.tsv")).size());
        assertTrue(r.out().contains("[unused0] [unused1]"), r.out());
    }

    @Test
    void allPairsWithEuclideanSelectionAndMatrixExport() throws Exception {
        Path out = dir.resolve("ap");
        Path npy = dir.resolve("mat/d.npy");
        Result r = run("all-pairs", model.toString(), "--metric", "euclidean", "--stride", "3", "-k", "2", "--threads", "2",
                "--save-matrix", npy.toString(), "--dtype", "f32", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        int[] sel = IntStream.range(0, N).filter(i -> i % 3 == 0).toArray();
        MetricReference ref = MetricReference.within(m, D, Metric.EUCLIDEAN, sel);
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("euclidean", s.get("metric").asText());
        assertEquals("stride=3", s.get("selection").asText());
        assertEquals(ref.count(), s.get("pairs").asLong());
        assertEquals(ref.min(), s.get("min").get("similarity").asDouble(), 1e-4);
        assertEquals("max_norm", s.get("histogram").get("range_from").asText());
        assertEquals(0.0, s.get("histogram").get("lo").asDouble());
        // Nearest neighbours are the smallest distances.
        List<String[]> nb = tsv(out.resolve("neighbors.tsv"));
        String[] first = nb.getFirst();
        int id = Integer.parseInt(first[0]);
        double best = IntStream.of(sel).filter(j -> j != id).mapToDouble(j -> ref.value(id, j)).min().orElseThrow();
        assertEquals(best, Double.parseDouble(first[5]), 1e-4);
        try (NpyFile f = NpyFile.open(npy)) {
            assertEquals(sel.length, f.tensor().rows());
            assertEquals(ref.value(sel[1], sel[4]), f.tensor().getDouble(sel.length + 4), 1e-4);
            assertEquals(0.0, f.tensor().getDouble(0));
        }
        List<String[]> ids = tsv(dir.resolve("mat/d.rows.tsv"));
        assertEquals(sel.length, ids.size());
        assertEquals("3", ids.get(1)[1]);
    }

    @Test
    void rectangularTopPairsAndRowStats() throws Exception {
        Path out = dir.resolve("tp");
        Result r = run("top-pairs", model.toString(), "--vocab", vocab.toString(), "--rows", "0-39", "--against", "rows=30-79",
                "-n", "5", "--metric", "correlation", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        int[] a = IntStream.range(0, 40).toArray(), b = IntStream.range(40, 80).toArray();
        MetricReference ref = MetricReference.cross(m, D, Metric.CORRELATION, a, b);
        int[] want = ref.ranked(false);
        List<String[]> rows = tsv(out.resolve("top-pairs.tsv"));
        assertEquals(5, rows.size());
        for (int q = 0; q < 5; q++) {
            assertEquals(ref.pv[want[q]], Double.parseDouble(rows.get(q)[5]), 2e-6);
        }
        assertTrue(r.out().contains("10 also in A left out"), r.out());

        Path rs = dir.resolve("rs");
        Result r2 = run("row-stats", model.toString(), "--rows", "0-19", "-t", "0.5", "-o", rs.toString());
        assertEquals(0, r2.code(), r2.err());
        MetricReference cos = MetricReference.within(m, D, Metric.COSINE, IntStream.range(0, 20).toArray());
        List<String[]> stats = tsv(rs.resolve("rows.tsv"));
        assertEquals(20, stats.size());
        for (String[] row : stats) {
            int id = Integer.parseInt(row[0]);
            assertEquals(cos.rowMean(id), Double.parseDouble(row[5]), 1e-6);
            assertEquals(cos.rowHubness(id, 0.5, false), Long.parseLong(row[6]));
            double l1 = IntStream.range(0, D).mapToDouble(k -> Math.abs(m[id * D + k])).sum() / D;
            assertEquals(l1, Double.parseDouble(row[4]), 1e-12);
        }
    }

    @Test
    void submatrixAndCorrelationVsCosine() throws Exception {
        Result r = run("submatrix", model.toString(), "--vocab", vocab.toString(), "--match", "unused");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("There are 66 non-redundant values"), r.out());

        Path out = dir.resolve("cvc");
        Result c = run("correlation-vs-cosine", model.toString(), "--sample-pairs", "50", "--seed", "3", "-o", out.toString());
        assertEquals(0, c.code(), c.err());
        MetricReference cos = MetricReference.within(m, D, Metric.COSINE, IntStream.range(0, N).toArray());
        MetricReference corr = MetricReference.within(m, D, Metric.CORRELATION, IntStream.range(0, N).toArray());
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(cos.mean(), s.get("cosine").get("mean").asDouble(), 1e-6);
        assertEquals(corr.std(), s.get("correlation").get("std").asDouble(), 1e-6);
        List<String[]> sample = tsv(out.resolve("sample.tsv"));
        assertEquals(50, sample.size());
        for (String[] row : sample) {
            int i = Integer.parseInt(row[0]), j = Integer.parseInt(row[2]);
            assertEquals(cos.value(i, j), Double.parseDouble(row[4]), 2e-6);
            assertEquals(corr.value(i, j), Double.parseDouble(row[5]), 2e-6);
        }
    }

    @Test
    void neighborsSearchOnlyTheSelection() {
        Result r = run("neighbors", model.toString(), "--vocab", vocab.toString(), "[unused0]", "-k", "3", "--match", "unused", "--stride", "2");
        assertEquals(0, r.code(), r.err());
        int[] sel = IntStream.rangeClosed(1, UNUSED).filter(i -> (i - 1) % 2 == 0).toArray();
        MetricReference ref = MetricReference.within(m, D, Metric.COSINE, sel);
        int[] want = IntStream.of(sel).filter(j -> j != 1).boxed()
                .sorted((x, y) -> Double.compare(ref.value(1, y), ref.value(1, x))).mapToInt(Integer::intValue).limit(3).toArray();
        String[] lines = r.out().strip().split("\n");
        for (int q = 0; q < 3; q++) {
            String[] f = lines[lines.length - 3 + q].trim().split("\\s+");
            assertEquals(want[q], Integer.parseInt(f[1]), r.out());
            assertEquals(ref.value(1, want[q]), Double.parseDouble(f[2]), 1e-6);
        }
        assertTrue(r.out().contains("among:  6 rows (match=unused;stride=2)"), r.out());
    }

    /** neighbors by every metric, as TSV to a file and as JSON, against the double-precision reference. */
    @Test
    void neighborsByEveryMetricInEveryFormat() throws Exception {
        for (Metric metric : Metric.values()) {
            Path out = dir.resolve("nb-" + metric.label() + ".tsv");
            Result r = run("neighbors", model.toString(), "--vocab", vocab.toString(), "word40", "-k", "4",
                    "--metric", metric.label(), "--format", "tsv", "-o", out.toString());
            assertEquals(0, r.code(), r.err());
            int[] want = IntStream.range(0, N).filter(j -> j != 40).boxed()
                    .sorted((x, y) -> metric.smallerIsCloser()
                            ? Double.compare(MetricReference.value(m, D, metric, 40, x), MetricReference.value(m, D, metric, 40, y))
                            : Double.compare(MetricReference.value(m, D, metric, 40, y), MetricReference.value(m, D, metric, 40, x)))
                    .mapToInt(Integer::intValue).limit(4).toArray();
            List<String> lines = Files.readAllLines(out);
            assertEquals("rank\tid\ttoken\t" + metric.label(), lines.getFirst());
            assertEquals(5, lines.size());
            for (int q = 0; q < 4; q++) {
                String[] f = lines.get(1 + q).split("\t");
                assertEquals(want[q], Integer.parseInt(f[1]), metric + " rank " + (q + 1) + ": " + lines);
                assertEquals("word" + want[q], f[2]);
                double ref = MetricReference.value(m, D, metric, 40, want[q]);
                assertEquals(ref, Double.parseDouble(f[3]), 1e-5 * Math.max(1, Math.abs(ref)));
            }
        }
        Result j = run("neighbors", model.toString(), "--vocab", vocab.toString(), "word40", "-k", "2", "--format", "json");
        assertEquals(0, j.code(), j.err());
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(j.out());
        assertEquals("cosine", json.get("metric").asText());
        assertEquals(2, json.get("neighbors").size());
        assertEquals(N, json.get("searched").asInt());
        Result against = run("neighbors", model.toString(), "word40", "--against", "match=word");
        assertEquals(2, against.code(), "neighbors takes no --against");
    }

    @Test
    void badInputIsOneLineAndWritesNothing() {
        Path out = dir.resolve("none");
        Result r = run("near-duplicates", model.toString(), "-t", "0.1", "--max-pairs", "5", "-o", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--max-pairs"), r.err());
        assertFalse(Files.exists(out));
        Result bad = run("all-pairs", model.toString(), "--range", "1,0");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--range 1,0:"), bad.err());
        Result noRows = run("top-pairs", model.toString(), "--match", "^zzz");
        assertEquals(2, noRows.code());
        assertTrue(noRows.err().contains("matches no rows"), noRows.err());
        Result metric = run("top-pairs", model.toString(), "--metric", "manhattan");
        assertEquals(2, metric.code());
        assertTrue(metric.err().contains("--metric manhattan"), metric.err());
    }

    /** top-pairs takes -k for its count as the other commands spell "how many" (a hidden alias of -n/--count). */
    @Test
    void topPairsCountAlsoAsTopK() {
        Result n = run("top-pairs", model.toString(), "-n", "4");
        Result k = run("top-pairs", model.toString(), "-k", "4");
        assertEquals(0, k.code(), k.err());
        assertEquals(n.out().replaceAll("time: .*", ""), k.out().replaceAll("time: .*", ""));
        assertTrue(k.out().contains("most similar 4 pairs by cosine"), k.out());
    }

    /** The library names its parameters in its own words; the CLI shows them as the options the user typed. */
    @Test
    void libraryParameterErrorsNameTheOption() {
        Result rows = run("all-pairs", model.toString(), "--rows", "x");
        assertEquals(2, rows.code());
        assertTrue(rows.err().contains("--rows x:"), rows.err());
        Result match = run("top-pairs", model.toString(), "--match", "[unused");
        assertEquals(2, match.code());
        assertTrue(match.err().contains("--match [unused:"), match.err());
        Result pairs = run("near-duplicates", model.toString(), "-t", "0.1", "--max-pairs", "5");
        assertEquals(2, pairs.code());
        assertTrue(pairs.err().contains("--max-pairs 5: "), pairs.err());
        Result k = run("all-pairs", model.toString(), "-k", "-1");
        assertEquals(2, k.code());
        assertTrue(k.err().contains("--top-k -1: must be 0 or more"), k.err());
        Result t = run("row-stats", model.toString(), "-t", "1.5");
        assertEquals(2, t.code());
        assertTrue(t.err().contains("--threshold 1.5: a cosine threshold must be in [-1, 1]"), t.err());
    }
}
