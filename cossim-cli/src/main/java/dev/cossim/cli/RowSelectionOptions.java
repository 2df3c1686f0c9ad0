package dev.cossim.cli;

import dev.cossim.matrix.Selection;
import picocli.CommandLine.Option;

/**
 * Which rows take part: {@code --rows}, {@code --match}, {@code --stride}, {@code --sample}, {@code --seed} (picocli
 * mixin), shared by the analysis commands (through {@link SelectionOptions}) and {@code plot heatmap}.
 */
class RowSelectionOptions {
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

    Selection selection() {
        return new Selection(rows, match, stride, sample, seed);
    }
}
