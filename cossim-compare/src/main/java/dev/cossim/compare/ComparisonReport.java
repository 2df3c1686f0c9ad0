package dev.cossim.compare;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cossim.output.Tsv;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A comparison's files: {@code summary.json} (every measure) and {@code rows.tsv} (one line per aligned row). */
public final class ComparisonReport {
    /** Rows listed in the summary as agreeing most and least, and as moving most. */
    public static final int LISTED = 20;

    private ComparisonReport() {
    }

    public static ObjectNode summary(ComparisonResult r) {
        ObjectNode s = new ObjectMapper().createObjectNode();
        ObjectNode models = s.putObject("models");
        side(models.putObject("a"), r.modelA(), r.dimA());
        side(models.putObject("b"), r.modelB(), r.dimB());
        s.put("selection", r.selection().describe());
        Alignment al = r.alignment();
        ObjectNode a = s.putObject("alignment");
        a.put("by", al.by());
        a.put("rows", al.size());
        a.put("selected_a", al.selectedA());
        a.put("only_a", al.onlyA());
        a.put("only_b", al.onlyB());
        a.put("duplicate_tokens_a", al.duplicatesA());
        a.put("duplicate_tokens_b", al.duplicatesB());
        a.put("zero_or_non_finite", al.unusable());
        ArrayNode ov = s.putArray("mutual_knn");
        for (ComparisonResult.Overlap o : r.overlaps()) {
            ObjectNode e = ov.addObject();
            e.put("k", o.k());
            e.put("mean", o.mean());
            e.put("mean_fraction", o.mean() / o.k());
            ArrayNode h = e.putArray("histogram");
            for (long c : o.histogram()) {
                h.add(c);
            }
            rows(e.putArray("most_agreeing"), r, o.most(LISTED), o);
            rows(e.putArray("least_agreeing"), r, o.least(LISTED), o);
        }
        ObjectNode cka = s.putObject("cka");
        cka.put("linear_raw", r.ckaRaw());
        cka.put("linear_unit_rows", r.ckaUnit());
        if (r.similarities() != null) {
            ObjectNode rsa = s.putObject("rsa");
            rsa.put("sample_pairs", r.similarities().count());
            rsa.put("seed", r.similarities().seed());
            rsa.put("spearman", r.similarities().spearman());
            rsa.put("pearson", r.similarities().pearson());
        }
        ComparisonResult.Procrustes p = r.procrustes();
        ObjectNode pr = s.putObject("procrustes");
        pr.put("rows", "unit");
        pr.put("map", p.shape());
        pr.put("residual", p.residual());
        pr.put("relative_residual", p.relativeResidual());
        pr.put("aligned_cosine", p.alignedCosine());
        ArrayNode moved = pr.putArray("moved_most");
        for (int i : p.movedMost(LISTED)) {
            ObjectNode e = moved.addObject();
            row(e, r, i);
            e.put("residual", p.perRow()[i]);
        }
        ObjectNode iso = s.putObject("isotropy");
        isotropy(iso.putObject("a"), r.isotropyA());
        isotropy(iso.putObject("b"), r.isotropyB());
        if (r.transform() != null) {
            ObjectNode t = s.putObject("isotropy_transformed");
            t.put("transform", r.transform());
            isotropy(t.putObject("a"), r.transformedA());
            isotropy(t.putObject("b"), r.transformedB());
        }
        s.put("seconds", r.seconds());
        s.put("threads", r.threads());
        s.put("kernel", r.kernel());
        return s;
    }

    private static void side(ObjectNode o, String model, int dim) {
        o.put("model", model);
        o.put("dim", dim);
    }

    private static void row(ObjectNode e, ComparisonResult r, int i) {
        e.put("row", i);
        e.put("id_a", r.alignment().idsA()[i]);
        e.put("id_b", r.alignment().idsB()[i]);
        e.put("token", r.token(i));
    }

    private static void rows(ArrayNode list, ComparisonResult r, int[] rows, ComparisonResult.Overlap o) {
        for (int i : rows) {
            ObjectNode e = list.addObject();
            row(e, r, i);
            e.put("shared", o.perRow()[i]);
        }
    }

    private static void isotropy(ObjectNode o, Isotropy iso) {
        o.put("mean_cosine", iso.meanCosine());
        o.put("isoscore", iso.isoScore());
        o.put("partition_ratio", iso.partitionRatio());
        o.put("top1_pc_share", iso.topShare(1));
        o.put("top10_pc_share", iso.topShare(10));
        ArrayNode shares = o.putArray("pc_shares");
        for (double v : iso.componentShares()) {
            shares.add(v);
        }
        ArrayNode rogue = o.putArray("rogue_dimensions");
        for (int d : iso.rogueDimensions(10)) {
            ObjectNode e = rogue.addObject();
            e.put("dim", d);
            e.put("contribution", iso.dimensionContribution()[d]);
        }
        ArrayNode all = o.putArray("dimension_contributions");
        for (double v : iso.dimensionContribution()) {
            all.add(v);
        }
    }

    /** rows.tsv: row, id_a, id_b, token, the overlap at each k, the Procrustes residual. */
    public static void writeRows(ComparisonResult r, Path file) throws IOException {
        List<String> header = new ArrayList<>(List.of("row", "id_a", "id_b", "token"));
        for (ComparisonResult.Overlap o : r.overlaps()) {
            header.add("overlap_k" + o.k());
        }
        header.add("procrustes_residual");
        try (Tsv t = Tsv.create(file)) {
            t.row(header);
            List<String> f = new ArrayList<>(header.size());
            for (int i = 0; i < r.rows(); i++) {
                f.clear();
                f.add(Integer.toString(i));
                f.add(Integer.toString(r.alignment().idsA()[i]));
                f.add(Integer.toString(r.alignment().idsB()[i]));
                f.add(r.token(i));
                for (ComparisonResult.Overlap o : r.overlaps()) {
                    f.add(Integer.toString(o.perRow()[i]));
                }
                f.add(Double.toString(r.procrustes().perRow()[i]));
                t.row(f);
            }
        }
    }
}
