package dev.cossim.analysis;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cossim.engine.PairSet;
import dev.cossim.matrix.Metric;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.matrix.Selection;
import dev.cossim.output.AllPairsReport;
import dev.cossim.output.AnalysisReport;
import dev.cossim.reduce.SummaryReducer;
import dev.cossim.results.Distribution;
import dev.cossim.results.Heatmap;
import dev.cossim.results.NeighborTable;
import dev.cossim.results.Pair;
import dev.cossim.results.Statistics;
import dev.cossim.source.EmbeddingModel;
import dev.cossim.vocab.Vocabulary;

/**
 * What one {@link Analysis} found: the rows it covered and how it ran, and each analysis it was asked for (null for
 * those it was not). Original row ids throughout; {@link #vocabulary()} spells them.
 */
public final class AnalysisResult {
    private String modelDescription;
    private String matrixDescription;
    private Vocabulary vocabulary;
    private Metric metric;
    private PairSet pairs;
    private int selectedA;
    private int selectedB;
    private int droppedFromB;
    private Selection selection;
    private Selection against;
    private double[] bounds;
    private String rangeFrom;
    private double seconds;
    private int threads;
    private String kernel;
    private Builder parts;

    private AnalysisResult() {
    }

    /** Collects the parts while the pass finishes. */
    static final class Builder {
        SummaryReducer summary;
        Pair[] topPairs;
        boolean leastPairs;
        NearDuplicateGroups nearDuplicates;
        RowStatistics rowStatistics;
        SubmatrixSummary submatrix;
        CorrelationAndCosine correlationVsCosine;
        Heatmap heatmap;
        MatrixFile matrix;

        AnalysisResult finish(EmbeddingModel m, Metric metric, PairSet pairs, int selectedA, int selectedB, int droppedFromB,
                              Selection selection, Selection against, double[] bounds, String rangeFrom, double seconds,
                              int threads, String kernel) {
            AnalysisResult r = new AnalysisResult();
            r.modelDescription = m.description();
            r.matrixDescription = m.matrix().describe();
            r.vocabulary = m.vocabulary();
            r.metric = metric;
            r.pairs = pairs;
            r.selectedA = selectedA;
            r.selectedB = selectedB;
            r.droppedFromB = droppedFromB;
            r.selection = selection;
            r.against = against;
            r.bounds = bounds;
            r.rangeFrom = rangeFrom;
            r.seconds = seconds;
            r.threads = threads;
            r.kernel = kernel;
            r.parts = this;
            return r;
        }
    }

    public String modelDescription() {
        return modelDescription;
    }

    /** The matrix's shape and element type, as the source describes it. */
    public String matrixDescription() {
        return matrixDescription;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    public Metric metric() {
        return metric;
    }

    /** The prepared rows (side A, then side B for a rectangular run); excluded rows are listed there. */
    public RowMatrix rows() {
        return pairs.rows();
    }

    public boolean rectangular() {
        return pairs.rectangular();
    }

    /** Usable rows on side A (all rows of a within run). */
    public int sizeA() {
        return pairs.sizeA();
    }

    public int sizeB() {
        return pairs.sizeB();
    }

    /** The number of pairs covered: N(N-1)/2, or |A| x |B|. */
    public long pairCount() {
        return pairs.count();
    }

    /** Rows the selection picked, before zero and non-finite rows were left out. */
    public int selectedA() {
        return selectedA;
    }

    public int selectedB() {
        return selectedB;
    }

    /** Rows of B left out because A has them too. */
    public int droppedFromB() {
        return droppedFromB;
    }

    public Selection selection() {
        return selection;
    }

    /** Side B's selection, or null for a within run. */
    public Selection against() {
        return against;
    }

    /** The histogram's range. */
    public double[] bounds() {
        return bounds.clone();
    }

    /** Where the range came from: "--range" (asked for; the value summary.json has always had), "metric" ([-1, 1]) or "max_norm" (bounds from the largest norm). */
    public String rangeFrom() {
        return rangeFrom;
    }

    /** Seconds of the tile pass (after the rows were prepared and the kernel chosen). */
    public double seconds() {
        return seconds;
    }

    public int threads() {
        return threads;
    }

    public String kernel() {
        return kernel;
    }

    /** FLOPs the pass stands for: 2 N^2 d (every ordered pair) or 2 |A| |B| d. */
    public double effectiveFlops() {
        RowMatrix r = pairs.rows();
        return pairs.rectangular() ? 2.0 * pairs.count() * r.dim() : 2.0 * r.size() * (double) r.size() * r.dim();
    }

    public Distribution histogram() {
        return parts.summary == null ? null : parts.summary.histogram();
    }

    public Statistics statistics() {
        return parts.summary == null ? null : parts.summary.statistics();
    }

    /** Each row's nearest rows; null unless top-k > 0 was asked for. */
    public NeighborTable topK() {
        return parts.summary == null ? null : parts.summary.topK();
    }

    /** The top pairs, best first (ties: lower ids). */
    public Pair[] topPairs() {
        return parts.topPairs == null ? null : parts.topPairs.clone();
    }

    public boolean leastPairs() {
        return parts.leastPairs;
    }

    public NearDuplicateGroups nearDuplicates() {
        return parts.nearDuplicates;
    }

    public RowStatistics rowStatistics() {
        return parts.rowStatistics;
    }

    public SubmatrixSummary submatrix() {
        return parts.submatrix;
    }

    public CorrelationAndCosine correlationVsCosine() {
        return parts.correlationVsCosine;
    }

    public Heatmap heatmap() {
        return parts.heatmap;
    }

    /** The written matrix, or null. */
    public MatrixFile matrix() {
        return parts.matrix;
    }

    /** summary.json's common part: model, metric, selection(s), n, dim, pairs, excluded rows. */
    public ObjectNode summaryHeader() {
        return AnalysisReport.header(modelDescription, metric.label(), pairs, selection.describe(), against == null ? null : against.describe());
    }

    /** all-pairs' summary.json: the header's keys with the statistics and the histogram. */
    public ObjectNode allPairsSummary() {
        RowMatrix rows = pairs.rows();
        ObjectNode json = AllPairsReport.summary(modelDescription, metric.label(), rows, statistics(), histogram(), vocabulary);
        json.put("selection", selection.describe());
        if (pairs.rectangular()) {
            json.put("against", against.describe());
            json.put("n_a", pairs.sizeA());
            json.put("n_b", pairs.sizeB());
        }
        ((ObjectNode) json.get("histogram")).put("range_from", rangeFrom);
        return json;
    }
}
