package dev.cossim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The training run of the JVM's ahead-of-time cache (JEP 483/514/515), which {@code ./cossim} makes once per build
 * with {@code -XX:AOTCacheOutput}: a few representative commands in one JVM, on small seeded files in a temporary
 * directory, so that the classes they load and link and the profiles of their hot methods (reading, normalising, the
 * kernel's call path, the fused summary pass, top-k, output) are in the cache and later commands start with them.
 * Prints one line per command on standard error; exits 0 even when a command fails (the cache is then only smaller).
 */
public final class AotTraining {
    private AotTraining() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("cossim-aot-training");
        PrintWriter quiet = new PrintWriter(Writer.nullWriter());
        try {
            String batches = dir.resolve("batches").toString();
            String matrix = dir.resolve("matrix").toString();
            String queries = dir.resolve("queries").toString();
            String file = dir.resolve("matrix").resolve("batch_00000.npy").toString();
            List<List<String>> commands = List.of(
                    List.of("--version"),
                    List.of("generate-batches", "-o", matrix, "--rows", "7000", "--dim", "768", "--files", "1", "--dtype", "f32", "--seed", "7"),
                    List.of("generate-batches", "-o", batches, "--rows", "20000", "--dim", "768", "--files", "2", "--dtype", "f16", "--seed", "8"),
                    List.of("generate-batches", "-o", queries, "--rows", "50", "--dim", "768", "--files", "1", "--dtype", "f32", "--seed", "9"),
                    List.of("all-pairs", file, "-k", "10", "--out", dir.resolve("out").toString()),
                    List.of("all-pairs", file, "-k", "10"),
                    List.of("near-duplicates", file, "-t", "0.5"),
                    List.of("top-pairs", file, "-n", "20"),
                    List.of("query", batches, "--queries", dir.resolve("queries").resolve("batch_00000.npy").toString(), "-k", "10", "--metric", "dot", "-o", dir.resolve("q.tsv").toString()),
                    List.of("info"),
                    List.of("neighbors", "sunshine"),
                    List.of("all-pairs", "--match", "^\\[unused", "-k", "5"));
            for (List<String> c : commands) {
                long t0 = System.nanoTime();
                int rc = Main.run(c.toArray(String[]::new), quiet, quiet);
                System.err.printf("aot training: exit %d in %.2f s: %s%n", rc, (System.nanoTime() - t0) / 1e9, String.join(" ", c));
            }
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0);
    }
}
