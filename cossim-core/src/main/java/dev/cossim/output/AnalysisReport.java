package dev.cossim.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cossim.engine.PairSet;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.vocab.Vocabulary;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import dev.cossim.results.Distribution;
import dev.cossim.results.Pair;
import dev.cossim.results.Statistics;

/**
 * Pieces of the analysis commands' files: the common summary.json header (model, metric, selection, rows, pairs,
 * excluded rows), statistics and histograms as JSON, and TSV files with a header line (written by {@link Tsv}: quoted
 * where a field needs it, so pandas and Python's csv read every token back).
 */
public final class AnalysisReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AnalysisReport() {
    }

    public static ObjectNode header(String model, String metric, PairSet pairs, String selection, String against) {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", model);
        root.put("metric", metric);
        root.put("selection", selection);
        if (against != null) {
            root.put("against", against);
            root.put("n_a", pairs.sizeA());
            root.put("n_b", pairs.sizeB());
        }
        RowMatrix m = pairs.rows();
        root.put("n", m.size());
        root.put("dim", m.dim());
        root.put("pairs", pairs.count());
        ObjectNode ex = root.putObject("excluded_rows");
        ex.put("count", m.excludedCount());
        ArrayNode zero = ex.putArray("zero");
        for (int id : m.zeroRows()) {
            zero.add(id);
        }
        ArrayNode nonFinite = ex.putArray("non_finite");
        for (int id : m.nonFiniteRows()) {
            nonFinite.add(id);
        }
        return root;
    }

    /** count, mean, std, min and max (with their pairs) of one series. */
    public static ObjectNode statistics(Statistics s, Vocabulary vocab) {
        ObjectNode o = JSON.createObjectNode();
        o.put("count", s.count());
        o.put("mean", s.mean());
        o.put("std", s.std());
        o.set("min", pair(s.min(), vocab));
        o.set("max", pair(s.max(), vocab));
        return o;
    }

    public static ObjectNode pair(Pair p, Vocabulary vocab) {
        ObjectNode o = JSON.createObjectNode();
        o.put("value", (double) p.similarity());
        o.put("i", p.i());
        o.put("j", p.j());
        o.put("token_i", p.i() < 0 ? null : vocab.display(p.i()));
        o.put("token_j", p.j() < 0 ? null : vocab.display(p.j()));
        return o;
    }

    public static ObjectNode histogram(Distribution h, String rangeFrom) {
        ObjectNode hist = JSON.createObjectNode();
        hist.put("lo", h.lo());
        hist.put("hi", h.hi());
        hist.put("range_from", rangeFrom);
        hist.put("bins", h.bins());
        ArrayNode counts = hist.putArray("counts");
        for (long c : h.counts()) {
            counts.add(c);
        }
        return hist;
    }

    /** Writes a TSV file with {@link Tsv}: the header fields, then one line per row of already-formatted fields. */
    public static void writeTsv(Path file, List<String> header, Iterable<List<String>> rows) throws IOException {
        Tsv.write(file, header, rows);
    }

    /** A token as a TSV field's value: {@link Vocabulary#display}, as it is ({@link Tsv} quotes it where needed). */
    public static String token(Vocabulary vocab, int id) {
        return vocab.display(id);
    }
}
