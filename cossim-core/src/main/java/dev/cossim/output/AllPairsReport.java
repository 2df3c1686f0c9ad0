package dev.cossim.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.vocab.Vocabulary;

import java.io.IOException;
import java.nio.file.Path;
import dev.cossim.results.Pair;
import dev.cossim.results.Distribution;
import dev.cossim.results.NeighborTable;
import dev.cossim.results.Neighbors;
import dev.cossim.results.Statistics;

/**
 * The files of an all-pairs run: {@code summary.json} (n, dim, pairs, mean, std, min, max, excluded_rows,
 * histogram) and {@code neighbors.tsv} (id, token, rank, neighbor_id, neighbor_token, similarity; written by {@link Tsv}).
 */
public final class AllPairsReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AllPairsReport() {
    }

    public static ObjectNode summary(String model, String metric, RowMatrix m, Statistics s, Distribution h, Vocabulary vocab) {
        return summary(model, metric, m.size(), m.dim(), m.zeroRows(), m.nonFiniteRows(), s, h, vocab);
    }

    /**
     * The same summary from the matrix's shape and excluded rows alone, for callers that never hold the whole
     * matrix in one JVM (the Spark job).
     */
    public static ObjectNode summary(String model, String metric, int n, int dim, int[] zeroRows, int[] nonFiniteRows,
                                     Statistics s, Distribution h, Vocabulary vocab) {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", model);
        root.put("metric", metric);
        root.put("n", n);
        root.put("dim", dim);
        root.put("pairs", s.count());
        root.put("mean", s.mean());
        root.put("std", s.std());
        root.set("min", pair(s.min(), vocab));
        root.set("max", pair(s.max(), vocab));
        ObjectNode ex = root.putObject("excluded_rows");
        ex.put("count", zeroRows.length + nonFiniteRows.length);
        ArrayNode zero = ex.putArray("zero");
        for (int id : zeroRows) {
            zero.add(id);
        }
        ArrayNode nonFinite = ex.putArray("non_finite");
        for (int id : nonFiniteRows) {
            nonFinite.add(id);
        }
        ObjectNode hist = root.putObject("histogram");
        hist.put("lo", h.lo());
        hist.put("hi", h.hi());
        hist.put("bins", h.bins());
        ArrayNode counts = hist.putArray("counts");
        for (long c : h.counts()) {
            counts.add(c);
        }
        return root;
    }

    private static ObjectNode pair(Pair p, Vocabulary vocab) {
        ObjectNode o = JSON.createObjectNode();
        o.put("similarity", (double) p.similarity());
        o.put("i", p.i());
        o.put("j", p.j());
        o.put("token_i", p.i() < 0 ? null : vocab.display(p.i()));
        o.put("token_j", p.j() < 0 ? null : vocab.display(p.j()));
        return o;
    }

    public static void writeJson(ObjectNode node, Path file) throws IOException {
        JSON.writeValue(file.toFile(), node);
    }

    public static void writeNeighbors(NeighborTable topK, Vocabulary vocab, Path file) throws IOException {
        try (Tsv w = Tsv.create(file)) {
            w.row("id", "token", "rank", "neighbor_id", "neighbor_token", "similarity");
            for (int r = 0; r < topK.rows(); r++) {
                Neighbors nb = topK.neighbors(r);
                String id = Integer.toString(nb.id());
                String token = vocab.display(nb.id());
                for (int q = 0; q < nb.ids().length; q++) {
                    w.row(id, token, Integer.toString(q + 1), Integer.toString(nb.ids()[q]), vocab.display(nb.ids()[q]),
                            Float.toString(nb.similarities()[q]));
                }
            }
        }
    }
}
