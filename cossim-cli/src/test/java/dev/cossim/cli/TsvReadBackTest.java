package dev.cossim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cossim.query.NpyWriter;
import dev.cossim.source.DType;
import dev.cossim.testing.NastyTokens;
import dev.cossim.testing.Synthetic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The TSV files of real commands, on a model whose tokens are {@link NastyTokens}, read back by Python the way
 * docs/formats-tsv.md says: {@code pandas.read_csv(path, sep='\t', keep_default_na=False, dtype=str)} and
 * {@code csv.reader(f, delimiter='\t')}. Every row and every token must come back equal. Skipped where no python3
 * with pandas is found.
 */
class TsvReadBackTest {
    static final List<String> TOKENS = NastyTokens.ALL;
    static final int N = TOKENS.size(), D = 8, K = 3;

    /** Reads every file named after argv[1] with both readers; writes {path: {pandas: [header, rows...], csv: [...]}} to argv[1]. */
    static final String READ_BACK = """
            import csv, json, sys
            import pandas
            out = {}
            for p in sys.argv[2:]:
                df = pandas.read_csv(p, sep='\\t', keep_default_na=False, dtype=str)
                with open(p, newline='', encoding='utf-8') as f:
                    rows = list(csv.reader(f, delimiter='\\t'))
                out[p] = {'pandas': [list(df.columns)] + df.values.tolist(), 'csv': rows}
            with open(sys.argv[1], 'w', encoding='utf-8') as f:
                json.dump(out, f, ensure_ascii=True)
            """;

    static String python;

    @TempDir
    Path dir;

    @BeforeAll
    static void findPython() {
        for (String p : List.of("python3", "/usr/bin/python3")) {
            try {
                Process pr = new ProcessBuilder(p, "-c", "import pandas").redirectErrorStream(true).start();
                pr.getInputStream().readAllBytes();
                if (pr.waitFor(60, TimeUnit.SECONDS) && pr.exitValue() == 0) {
                    python = p;
                    return;
                }
            } catch (IOException | InterruptedException e) {
                // not there: try the next one
            }
        }
    }

    @Test
    void pandasAndCsvReadEveryTokenBack() throws Exception {
        assumeTrue(python != null, "no python3 with pandas (apt-get install python3-pandas)");
        assertEquals(N, new HashSet<>(TOKENS).size(), "tokens must be distinct");
        ObjectMapper json = new ObjectMapper();

        // A model of N random rows and a WordLevel tokenizer.json whose token i is TOKENS[i].
        Path model = dir.resolve("model.npy");
        try (NpyWriter w = new NpyWriter(model, DType.F32, N, D)) {
            float[] v = Synthetic.gaussian(N, D, 7);
            w.write(v, 0, v.length);
        }
        ObjectNode tok = json.createObjectNode();
        ObjectNode vocab = tok.putObject("model").put("type", "WordLevel").putObject("vocab");
        for (int i = 0; i < N; i++) {
            vocab.put(TOKENS.get(i), i);
        }
        Path vocabFile = dir.resolve("tokenizer.json");
        // As a string: Jackson's UTF-8 file output writes an emoji in an object key as two lone surrogates.
        Files.writeString(vocabFile, json.writeValueAsString(tok), StandardCharsets.UTF_8);
        String m = model.toString(), vf = vocabFile.toString();

        // The same rows as a query corpus with these labels, queried by two vectors named with nasty labels too.
        Path corpus = dir.resolve("corpus");
        Files.createDirectories(corpus);
        Files.copy(model, corpus.resolve("a.npy"));
        writeJsonl(json, corpus.resolve("a.jsonl"), TOKENS);
        Path q = dir.resolve("q.npy");
        try (NpyWriter w = new NpyWriter(q, DType.F32, 2, D)) {
            float[] v = Synthetic.gaussian(2, D, 8);
            w.write(v, 0, v.length);
        }
        List<String> queryNames = List.of("\"q\"\tone", "##\"\n");
        writeJsonl(json, dir.resolve("q.jsonl"), queryNames);

        Path ap = dir.resolve("ap"), rs = dir.resolve("rs"), tp = dir.resolve("tp"), qo = dir.resolve("q.tsv"), mat = dir.resolve("m.npy");
        ok(CliRun.of("all-pairs", m, "--vocab", vf, "-k", "" + K, "--threads", "2", "--save-matrix", mat.toString(), "-o", ap.toString()));
        ok(CliRun.of("row-stats", m, "--vocab", vf, "-t", "0.5", "--threads", "2", "-o", rs.toString()));
        ok(CliRun.of("top-pairs", m, "--vocab", vf, "-n", "40", "--threads", "2", "-o", tp.toString()));
        ok(CliRun.of("query", corpus.toString(), "--queries", q.toString(), "-k", "" + N, "--format", "tsv", "--threads", "2",
                "-o", qo.toString()));

        Map<String, Path> files = new LinkedHashMap<>();
        files.put("neighbors", ap.resolve("neighbors.tsv"));
        files.put("matrix rows", dir.resolve("m.rows.tsv"));
        files.put("rows", rs.resolve("rows.tsv"));
        files.put("top-pairs", tp.resolve("top-pairs.tsv"));
        files.put("query", qo);
        Path result = dir.resolve("read-back.json");
        List<String> cmd = new ArrayList<>(List.of(python, "-c", READ_BACK, result.toString()));
        files.values().forEach(p -> cmd.add(p.toString()));
        Process pr = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(pr.waitFor(120, TimeUnit.SECONDS), "python timed out");
        assertEquals(0, pr.exitValue(), log);
        JsonNode back = json.readTree(result.toFile());

        Map<String, List<List<String>>> tables = new LinkedHashMap<>();
        for (var e : files.entrySet()) {
            JsonNode f = back.get(e.getValue().toString());
            List<List<String>> pandas = table(f.get("pandas")), csv = table(f.get("csv"));
            assertEquals(csv, pandas, e.getKey() + ": pandas and csv disagree");
            tables.put(e.getKey(), pandas);
        }

        List<List<String>> nb = tables.get("neighbors");
        assertEquals(List.of("id", "token", "rank", "neighbor_id", "neighbor_token", "similarity"), nb.getFirst());
        assertEquals(1 + N * K, nb.size());
        for (int r = 1; r < nb.size(); r++) {
            List<String> row = nb.get(r);
            assertEquals((r - 1) / K, Integer.parseInt(row.get(0)));
            assertToken(row, 0, 1);
            assertToken(row, 3, 4);
            Float.parseFloat(row.get(5));
        }
        List<List<String>> ids = tables.get("matrix rows");
        assertEquals(List.of("index", "id", "token"), ids.getFirst());
        assertEquals(1 + N, ids.size());
        for (int r = 1; r < ids.size(); r++) {
            assertToken(ids.get(r), 1, 2);
        }
        List<List<String>> rows = tables.get("rows");
        assertEquals(List.of("id", "token", "norm", "mean", "l1_mean", "mean_similarity", "above_threshold"), rows.getFirst());
        assertEquals(1 + N, rows.size());
        for (int r = 1; r < rows.size(); r++) {
            assertEquals(r - 1, Integer.parseInt(rows.get(r).get(0)));
            assertToken(rows.get(r), 0, 1);
        }
        List<List<String>> top = tables.get("top-pairs");
        assertEquals(List.of("rank", "i", "token_i", "j", "token_j", "value"), top.getFirst());
        assertEquals(1 + 40, top.size());
        for (int r = 1; r < top.size(); r++) {
            assertToken(top.get(r), 1, 2);
            assertToken(top.get(r), 3, 4);
        }
        List<List<String>> qt = tables.get("query");
        assertEquals(List.of("query", "rank", "row", "file", "file_row", "score", "label"), qt.getFirst());
        assertEquals(1 + 2 * N, qt.size());
        for (int r = 1; r < qt.size(); r++) {
            List<String> row = qt.get(r);
            assertEquals(queryNames.get((r - 1) / N), row.get(0));
            assertEquals("a.npy", row.get(3));
            assertToken(row, 2, 6);
        }
    }

    @Test
    void normsAndQueryTsvReachABufferedOut() throws Exception {
        // Main's out is PrintWriter(System.out, true): print() alone would leave the rows in its encoder's buffer.
        Path c = dir.resolve("c");
        Files.createDirectories(c);
        try (NpyWriter w = new NpyWriter(c.resolve("a.npy"), DType.F32, 4, 2)) {
            w.write(new float[]{1, 0, 0, 1, 3, 4, -1, 0}, 0, 8);
        }
        Files.writeString(c.resolve("a.txt"), "east\nnorth\nnorth-east\nwest\n");
        for (List<String> args : List.of(List.of("norms", c.toString(), "--format", "tsv"),
                List.of("query", c.toString(), "--label", "east", "-k", "2", "--format", "tsv"))) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            StringWriter err = new StringWriter();
            int code = Main.run(args.toArray(String[]::new), new PrintWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8), true),
                    new PrintWriter(err, true));
            assertEquals(0, code, err.toString());
            List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
            assertTrue(lines.size() >= 3, args + ": " + lines);
            assertTrue(lines.getFirst().startsWith(args.getFirst().equals("norms") ? "file\tposition\t" : "query\trank\t"), lines.getFirst());
        }
    }

    private static void assertToken(List<String> row, int idColumn, int tokenColumn) {
        int id = Integer.parseInt(row.get(idColumn));
        assertEquals(TOKENS.get(id), row.get(tokenColumn), "token of id " + id + " in " + row);
    }

    private static void ok(CliRun r) {
        assertEquals(0, r.code(), r.err());
    }

    private static void writeJsonl(ObjectMapper json, Path p, List<String> labels) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String l : labels) {
            b.append(json.writeValueAsString(l)).append('\n');
        }
        Files.writeString(p, b, StandardCharsets.UTF_8);
    }

    private static List<List<String>> table(JsonNode rows) {
        List<List<String>> t = new ArrayList<>();
        for (JsonNode r : rows) {
            List<String> row = new ArrayList<>();
            r.forEach(c -> row.add(c.asText()));
            t.add(row);
        }
        return t;
    }
}
