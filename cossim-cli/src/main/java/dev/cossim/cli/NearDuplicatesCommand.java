package dev.cossim.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cossim.output.AllPairsReport;
import dev.cossim.output.AnalysisReport;
import dev.cossim.output.AtomicOutputDir;
import dev.cossim.analysis.AnalysisResult;
import dev.cossim.analysis.NearDuplicateGroups;
import dev.cossim.vocab.Vocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import dev.cossim.results.Pair;
import dev.cossim.results.Group;

@Command(name = "near-duplicates", description = {
        "Every pair at or above a similarity threshold (at or below, for euclidean), joined into groups (connected components), largest first.",
        "Exact and untruncated: all qualifying pairs are found and counted; --max-pairs bounds the memory they take."})
final class NearDuplicatesCommand extends AnalysisCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    CheckpointOptions checkpoint = new CheckpointOptions();

    @Option(names = {"-t", "--threshold"}, required = true, paramLabel = "T",
            description = "Pairs with value >= T are near-duplicates (for euclidean: distance <= T).")
    double threshold;

    @Option(names = "--max-pairs", paramLabel = "N", defaultValue = "20000000",
            description = "Most qualifying pairs to keep in memory (12 bytes each); beyond it the command stops with the exact count. Default: ${DEFAULT-VALUE}.")
    long maxPairs;

    @Option(names = "--show", paramLabel = "N", defaultValue = "10", description = "Groups to print (all are written to --out). Default: ${DEFAULT-VALUE}.")
    int show;

    @Override
    public Integer call() throws IOException {
        AnalysisResult r = checkpoint.apply(request(metric()).nearDuplicates(threshold, maxPairs)).run();
        NearDuplicateGroups nd = r.nearDuplicates();
        PrintWriter o = out();
        printHeader(o, r);
        String rel = nd.below() ? "<=" : ">=";
        o.printf(Locale.ROOT, "threshold: %s %s%n", rel, threshold);
        o.printf(Locale.ROOT, "found:     %,d pairs %s %s (exact count)%n", nd.count(), rel, threshold);
        List<Group> groups = nd.groups();
        long inGroups = groups.stream().mapToLong(Group::size).sum();
        o.printf(Locale.ROOT, "groups:    %,d (connected components of those pairs), holding %,d rows%n", groups.size(), inGroups);
        Vocabulary v = r.vocabulary();
        for (int g = 0; g < Math.min(show, groups.size()); g++) {
            Group gr = groups.get(g);
            o.printf(Locale.ROOT, "  #%d: %,d rows, %,d pairs, values %.6f..%.6f: %s%n", g + 1, gr.size(), gr.pairs(),
                    gr.minValue(), gr.maxValue(), preview(v, gr.ids(), 12));
        }
        if (groups.size() > show) {
            o.printf(Locale.ROOT, "  ... %,d more groups (--show N, or see groups.tsv)%n", groups.size() - show);
        }
        o.printf(Locale.ROOT, "time:      %.2f s on %d threads, %s kernel%n", r.seconds(), r.threads(), r.kernel());
        if (outDir != null) {
            write(r, nd, groups, v, o);
        }
        return 0;
    }

    static String preview(Vocabulary v, int[] ids, int max) {
        StringBuilder b = new StringBuilder();
        for (int q = 0; q < Math.min(max, ids.length); q++) {
            b.append(q == 0 ? "" : " ").append(v.display(ids[q]));
        }
        if (ids.length > max) {
            b.append(" ... (").append(ids.length - max).append(" more)");
        }
        return b.toString();
    }

    private void write(AnalysisResult p, NearDuplicateGroups nd, List<Group> groups, Vocabulary v, PrintWriter o) throws IOException {
        ObjectNode s = p.summaryHeader();
        s.put("threshold", threshold);
        s.put("comparison", nd.below() ? "<=" : ">=");
        s.put("pairs_found", nd.count());
        s.put("groups", groups.size());
        s.put("rows_in_groups", groups.stream().mapToLong(Group::size).sum());
        ArrayNode sizes = s.putArray("group_sizes");
        groups.forEach(g -> sizes.add(g.size()));
        List<List<String>> groupRows = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            Group gr = groups.get(g);
            for (int id : gr.ids()) {
                groupRows.add(List.of(Integer.toString(g + 1), Integer.toString(gr.size()), Long.toString(gr.pairs()),
                        Float.toString(gr.minValue()), Float.toString(gr.maxValue()), Integer.toString(id), AnalysisReport.token(v, id)));
            }
        }
        Pair[] pairs = nd.pairs();
        try (AtomicOutputDir dir = new AtomicOutputDir(outDir)) {
            AllPairsReport.writeJson(s, dir.file("summary.json"));
            AnalysisReport.writeTsv(dir.file("groups.tsv"), List.of("group", "size", "pairs", "min_value", "max_value", "id", "token"), groupRows);
            AnalysisReport.writeTsv(dir.file("pairs.tsv"), List.of("i", "token_i", "j", "token_j", "value"),
                    () -> Arrays.stream(pairs).map(q -> List.of(Integer.toString(q.i()), AnalysisReport.token(v, q.i()),
                            Integer.toString(q.j()), AnalysisReport.token(v, q.j()), Float.toString(q.similarity()))).iterator());
            dir.commit();
            o.println("wrote:     " + dir.finalPath("summary.json") + ", groups.tsv, pairs.tsv");
        } catch (IOException e) {
            throw AtomicOutputDir.cannotWrite(outDir, e);
        }
    }
}
