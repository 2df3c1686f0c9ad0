package dev.cossim.cli;

import dev.cossim.matrix.Selection;
import picocli.CommandLine.Option;

/** The row-selection options every analysis command shares (picocli mixin), plus the second side of a rectangular run. */
final class SelectionOptions extends RowSelectionOptions {
    @Option(names = "--against", paramLabel = "SPEC",
            description = "Rectangular run: pair the selected rows (A) with the rows of SPEC (B) only, e.g. 'match=^##' or "
                    + "'rows=0-999;stride=2;sample=100;seed=1' (keys rows, match, stride, sample, seed; empty: all rows). Rows also in A are left out of B.")
    String against;

    /** Side B, or null for pairs within the selection. */
    Selection againstSelection() {
        return against == null ? null : Selection.parse(against, "against");
    }
}
