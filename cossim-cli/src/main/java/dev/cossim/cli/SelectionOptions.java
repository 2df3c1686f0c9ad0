package dev.cossim.cli;

import dev.cossim.matrix.Selection;
import picocli.CommandLine.Option;

/** The row-selection options every analysis command shares (picocli mixin). */
final class SelectionOptions {
    @Option(names = "--rows", paramLabel = "LIST", description = "Row ids and inclusive id ranges, e.g. 1-998,1005 (default: all rows).")
    String rows;

    @Option(names = "--match", paramLabel = "REGEX", description = "Keep rows whose token matches this regular expression (find), e.g. '^\\[unused'.")
    String match;

    @Option(names = "--stride", paramLabel = "N", defaultValue = "1", description = "Keep every N-th selected row, starting with the first (numpy's [::N]).")
    int stride;

    @Option(names = "--sample", paramLabel = "N", defaultValue = "0", description = "Keep a seeded uniform random sample of N selected rows (0: no sampling).")
    int sample;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seed of --sample (and of sampled pairs). Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--against", paramLabel = "SPEC",
            description = "Rectangular run: pair the selected rows (A) with the rows of SPEC (B) only, e.g. 'match=^##' or "
                    + "'rows=0-999;stride=2;sample=100;seed=1' (keys rows, match, stride, sample, seed; empty: all rows). Rows also in A are left out of B.")
    String against;

    Selection selection() {
        return new Selection(rows, match, stride, sample, seed);
    }

    /** Side B, or null for pairs within the selection. */
    Selection againstSelection() {
        return against == null ? null : Selection.parse(against, "--against");
    }
}
