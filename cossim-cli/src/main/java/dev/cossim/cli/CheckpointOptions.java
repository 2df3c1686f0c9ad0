package dev.cossim.cli;

import dev.cossim.analysis.Analysis;
import dev.cossim.analysis.Search;
import dev.cossim.compare.Comparison;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * {@code --checkpoint DIR}, {@code --checkpoint-every SECONDS} and {@code --resume}, declared by the commands that can
 * be resumed (all-pairs, near-duplicates, top-pairs, row-stats, query, compare): passed to the facade ({@link Analysis},
 * {@link Search}, {@link Comparison}) as they are, which checks them (see docs/robustness.md).
 */
final class CheckpointOptions {
    @Option(names = "--checkpoint", paramLabel = "DIR",
            description = "Save the run's state to DIR/checkpoint.bin now and then (see --checkpoint-every), so that --resume can continue it after a kill.")
    Path dir;

    @Option(names = "--checkpoint-every", paramLabel = "SECONDS",
            description = "Seconds between two saves of the checkpoint (default: 60).")
    double everySeconds = Analysis.DEFAULT_CHECKPOINT_SECONDS;

    @Option(names = "--resume", description = "Continue the checkpoint in --checkpoint DIR (results identical to an uninterrupted run); starts from the beginning when DIR holds none yet.")
    boolean resume;

    Analysis apply(Analysis a) {
        return dir == null && !resume ? a : a.checkpoint(dir, everySeconds).resume(resume);
    }

    Search apply(Search s) {
        return dir == null && !resume ? s : s.checkpoint(dir, everySeconds).resume(resume);
    }

    Comparison apply(Comparison c) {
        return dir == null && !resume ? c : c.checkpoint(dir, everySeconds).resume(resume);
    }
}
