package dev.cossim.plots;

import java.util.List;

/**
 * What one report page shows. Sections computed elsewhere are optional: a null {@code nearDuplicates} renders as
 * "not computed".
 *
 * @param title          page heading (the model)
 * @param summary        the summary numbers, label and value, in display order
 * @param figures        the figures, each with a caption
 * @param neighbors      the precomputed top-k of every row, for the search box (null: no search box data)
 * @param nearDuplicates groups of near-duplicate tokens (null: not computed)
 */
public record ReportData(String title, List<Entry> summary, List<Captioned> figures, NeighborTable neighbors,
                         NearDuplicates nearDuplicates) {

    public record Entry(String label, String value) {
    }

    public record Captioned(Figure figure, String caption) {
    }

    /**
     * Top-k neighbours by row: row r is original id {@code ids[r]}; its neighbours are {@code neighbors[r*k ...]}
     * (original ids, -1 past the end when a row has fewer) with their similarities. {@code tokens[id]} names ids.
     */
    public record NeighborTable(String[] tokens, int k, int[] ids, int[] neighbors, float[] similarities) {
    }

    /**
     * Groups of tokens whose similarity reaches {@code threshold} (connected components), largest first; each group
     * lists original ids. {@code pairs} is the exact number of pairs that reach the threshold; {@code groups} is null
     * when there were more than {@code maxPairs} of them (too many to keep, so not grouped).
     */
    public record NearDuplicates(String metric, double threshold, long pairs, long maxPairs, List<int[]> groups) {
    }
}
