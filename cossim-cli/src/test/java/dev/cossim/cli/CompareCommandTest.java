package dev.cossim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cossim.testing.Synthetic;
import dev.cossim.testing.TestFiles;
import dev.cossim.testing.TsvReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** cossim compare end to end: two .npy models with vocab.txt beside them, aligned by token, and its bad input. */
class CompareCommandTest {
    @TempDir
    Path dir;

    static final int N = 40, D = 6;

    private Path model(String name, float[] m, int n, int d, List<String> tokens) throws Exception {
        Path sub = Files.createDirectories(dir.resolve(name));
        ByteBuffer b = ByteBuffer.allocate(4 * n * d).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : m) {
            b.putFloat(v);
        }
        Path f = TestFiles.npy(sub.resolve("m.npy"), 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (" + n + ", " + d + "), }", b.array());
        if (tokens != null) {
            Files.write(sub.resolve("vocab.txt"), tokens);
        }
        return f;
    }

    @Test
    void alignsByTokenAndWritesTheSummaryRowsAndFigures() throws Exception {
        float[] a = Synthetic.gaussian(N, D, 3);
        List<String> ta = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            ta.add("w" + i);
        }
        // B holds A's rows 5..39 in reverse order (as 35 rows), plus 3 tokens A lacks: 35 aligned, 5 only in A, 3 only in B
        int nb = 38;
        float[] b = new float[nb * D];
        List<String> tb = new ArrayList<>();
        for (int j = 0; j < 35; j++) {
            int i = 39 - j;
            System.arraycopy(a, i * D, b, j * D, D);
            tb.add("w" + i);
        }
        float[] extra = Synthetic.gaussian(3, D, 8);
        System.arraycopy(extra, 0, b, 35 * D, 3 * D);
        tb.addAll(List.of("x0", "x1", "x2"));
        Path pa = model("a", a, N, D, ta);
        Path pb = model("b", b, nb, D, tb);
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("compare", pa.toString(), pb.toString(), "-k", "3,5", "--sample-pairs", "200", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("35 aligned by token (5 only in A, 3 only in B, 0 duplicate tokens, 0 zero or non-finite)"), r.out());
        // the same rows in another order: every neighbour list agrees, and the identity maps A onto B
        assertTrue(r.out().contains("k=3    mean 3.000 of 3 (100.0%)"), r.out());
        assertTrue(r.out().contains("CKA:        linear 1.0000 (raw rows), 1.0000 (unit rows)"), r.out());
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("token", s.at("/alignment/by").asText());
        assertEquals(35, s.at("/alignment/rows").asInt());
        assertEquals(5, s.at("/alignment/only_a").asInt());
        assertEquals(3, s.at("/alignment/only_b").asInt());
        assertEquals(35, s.at("/mutual_knn/1/histogram/5").asLong());
        assertEquals(1.0, s.at("/cka/linear_unit_rows").asDouble(), 1e-9);
        assertEquals(0.0, s.at("/procrustes/residual").asDouble(), 1e-6);
        List<List<String>> rows = TsvReader.read(Files.readString(out.resolve("rows.tsv")));
        assertEquals(List.of("row", "id_a", "id_b", "token", "overlap_k3", "overlap_k5", "procrustes_residual"), rows.getFirst());
        assertEquals(36, rows.size());
        // aligned row 0 is A's id 5 (w5), which B holds at row 39 - 5 = 34
        assertEquals(List.of("0", "5", "34", "w5", "3", "5"), rows.get(1).subList(0, 6));
        // the report's comparison section: the same numbers in its summary, the two figures on its page
        Path page = dir.resolve("page.html");
        CliRun rep = CliRun.of("report", pa.toString(), "--compare", pb.toString(), "-k", "3", "--sample-pairs", "200", "-o", page.toString());
        assertEquals(0, rep.code(), rep.err());
        String html = Files.readString(page);
        assertTrue(html.contains("<th>aligned rows</th><td>35 by token (5 only in this model, 3 only in the other)</td>"), html.substring(0, 2000));
        assertTrue(html.contains("<th>mutual 3-NN overlap</th><td>mean 3.000 of 3</td>"));
        assertTrue(html.contains("id=\"fig-overlap-k3\"") && html.contains("id=\"fig-similarities\""));
        for (String f : List.of("overlap-k3.png", "overlap-k5.png", "similarities.png", "dimensions-a.png", "dimensions-b.png")) {
            byte[] png = Files.readAllBytes(out.resolve(f));
            assertEquals((byte) 0x89, png[0], f);
            assertEquals('P', png[1], f);
        }
    }

    @Test
    void badInputIsOneLineWithExitTwoAndLeavesNoOutput() throws Exception {
        float[] a = Synthetic.gaussian(N, D, 3);
        Path pa = model("a", a, N, D, null);
        Path pb = model("b", Synthetic.gaussian(10, D, 4), 10, D, null);
        Path out = dir.resolve("out");
        CliRun k = CliRun.of("compare", pa.toString(), pb.toString(), "-k", "10", "--out", out.toString());
        assertEquals(2, k.code());
        assertEquals("cossim: error: -k 10: must be less than the number of aligned rows (10)", k.err().strip());
        assertFalse(Files.exists(out));
        CliRun zero = CliRun.of("compare", pa.toString(), pb.toString(), "-k", "0");
        assertEquals(2, zero.code());
        assertTrue(zero.err().startsWith("cossim: error: -k 0: must be at least 1"), zero.err());
        CliRun pcs = CliRun.of("compare", pa.toString(), pb.toString(), "--remove-top-pcs", "6");
        assertEquals(2, pcs.code());
        assertTrue(pcs.err().contains("--remove-top-pcs 6: must be less than the dimension (6)"), pcs.err());
        Path bad = TestFiles.write(dir.resolve("bad.npy"), "not a numpy file");
        CliRun file = CliRun.of("compare", pa.toString(), bad.toString());
        assertEquals(2, file.code());
        assertEquals(1, file.err().strip().lines().count(), file.err());
        assertTrue(file.err().contains("bad.npy"), file.err());
    }

    /** --checkpoint and --resume: the same summary (but its time) and rows.tsv; a mismatch is one line, exit 2, no output. */
    @Test
    void aResumedComparisonWritesTheSameFilesAndAMismatchIsOneLine() throws Exception {
        Path pa = model("a", Synthetic.gaussian(N, D, 3), N, D, null);
        Path pb = model("b", Synthetic.gaussian(N, D, 5), N, D, null);
        String ck = dir.resolve("ck").toString();
        CliRun first = CliRun.of("compare", pa.toString(), pb.toString(), "-k", "3", "--sample-pairs", "100", "--checkpoint", ck,
                "--out", dir.resolve("first").toString());
        assertEquals(0, first.code(), first.err());
        assertTrue(Files.exists(dir.resolve("ck/a/checkpoint.bin")) && Files.exists(dir.resolve("ck/b/checkpoint.bin")));
        CliRun again = CliRun.of("compare", pa.toString(), pb.toString(), "-k", "3", "--sample-pairs", "100", "--checkpoint", ck, "--resume",
                "--out", dir.resolve("again").toString());
        assertEquals(0, again.code(), again.err());
        ObjectMapper json = new ObjectMapper();
        var s1 = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(dir.resolve("first/summary.json").toFile());
        var s2 = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(dir.resolve("again/summary.json").toFile());
        s1.remove("seconds");
        s2.remove("seconds");
        assertEquals(s1, s2);
        assertEquals(-1, Files.mismatch(dir.resolve("first/rows.tsv"), dir.resolve("again/rows.tsv")));

        Path out = dir.resolve("out");
        CliRun k = CliRun.of("compare", pa.toString(), pb.toString(), "-k", "4", "--checkpoint", ck, "--resume", "--out", out.toString());
        assertEquals(2, k.code());
        assertEquals(1, k.err().strip().lines().count(), k.err());
        assertTrue(k.err().startsWith("cossim: error: " + ck + "/a/checkpoint.bin: was written for another request"), k.err());
        CliRun fresh = CliRun.of("compare", pa.toString(), pb.toString(), "-k", "3", "--checkpoint", ck, "--out", out.toString());
        assertEquals(2, fresh.code());
        assertEquals("cossim: error: " + ck + ": holds a checkpoint already: resume it, or remove it to start again", fresh.err().strip());
        CliRun every = CliRun.of("compare", pa.toString(), pb.toString(), "--checkpoint", ck, "--checkpoint-every", "-1", "--out", out.toString());
        assertEquals(2, every.code());
        assertEquals("cossim: error: --checkpoint-every -1.0: must be a positive number of seconds", every.err().strip());
        assertFalse(Files.exists(out));
    }
}
