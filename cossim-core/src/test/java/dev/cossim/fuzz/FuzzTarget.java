package dev.cossim.fuzz;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One reader under fuzzing: the valid files it starts from and what it does with one input. The {@link Fuzzer}
 * writes each (mutated) input as {@code dir/fileName}, next to the fixed {@link #companions} files, and calls
 * {@link #body}; the body must return a short description of what it read or throw the project's own
 * {@link dev.cossim.CossimException}. Anything else is a finding (see {@link Fuzzer} for the full contract).
 *
 * <p>A new reader gets a target by adding one {@code FuzzTarget} to {@link CoreFuzzTargets#all()} (or, in another
 * module, to a {@link FuzzTargetProvider} listed in {@code META-INF/services}); see docs/fuzzing.md.
 *
 * @param name       short name, used for the regression corpus folder (src/test/resources/fuzz/NAME) and reports
 * @param seeds      valid inputs, written by the test code from the format's spec; each keeps its file name
 * @param companions files written once beside every input and not mutated (the shards an index names), by name
 * @param dictionary words the text mutations insert (the format's keys and type names); may be empty
 * @param body       reads one input file completely, as a command would
 */
public record FuzzTarget(String name, List<Seed> seeds, Map<String, byte[]> companions, List<String> dictionary, Body body) {
    /** A valid input and the file name it is read under (the name picks the reader or the mode, e.g. .jsonl). */
    public record Seed(String fileName, byte[] bytes) {
    }

    /** What the target does with one input. */
    @FunctionalInterface
    public interface Body {
        String run(Path file) throws Exception;
    }

    public FuzzTarget {
        seeds = List.copyOf(seeds);
        companions = Map.copyOf(companions);
        dictionary = List.copyOf(dictionary);
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException(name + ": a fuzz target needs at least one seed");
        }
    }

    public static FuzzTarget of(String name, List<Seed> seeds, List<String> dictionary, Body body) {
        return new FuzzTarget(name, seeds, Map.of(), dictionary, body);
    }
}
