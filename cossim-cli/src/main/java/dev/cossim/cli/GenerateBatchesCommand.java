package dev.cossim.cli;

import dev.cossim.CossimException;
import dev.cossim.output.AtomicOutputDir;
import dev.cossim.query.NpyWriter;
import dev.cossim.source.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

/** Seeded random batch files for benchmarks and the larger-than-heap check; streamed, so any size fits any heap. */
@Command(name = "generate-batches", hidden = true,
        description = "Writes seeded Gaussian batch files DIR/batch_00000.npy ... with labels 'row N' (see --label-prefix), for benchmarks.")
final class GenerateBatchesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR")
    Path outDir;

    @Option(names = "--rows", required = true, description = "Rows in all.")
    long rows;

    @Option(names = "--dim", defaultValue = "384")
    int dim;

    @Option(names = "--files", defaultValue = "10")
    int files;

    @Option(names = "--dtype", defaultValue = "f16", description = "f32 or f16.")
    String dtype;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(names = "--label-prefix", defaultValue = "row ", description = "Row i is labelled PREFIX + i.")
    String labelPrefix;

    @Override
    public Integer call() {
        DType dt = dtype.equalsIgnoreCase("f32") ? DType.F32 : dtype.equalsIgnoreCase("f16") ? DType.F16 : null;
        if (dt == null || rows < 1 || dim < 1 || files < 1) {
            throw new CossimException("generate-batches: need --rows >= 1, --dim >= 1, --files >= 1, --dtype f32|f16");
        }
        CorpusCommand.requireNoBatches(outDir);
        try (AtomicOutputDir dir = new AtomicOutputDir(outDir)) {
            long per = (rows + files - 1) / files;
            Path[][] paths = new Path[files][2];
            for (int f = 0; f < files; f++) {
                String stem = String.format(Locale.ROOT, "batch_%05d", f);
                paths[f][0] = dir.file(stem + ".npy");
                paths[f][1] = dir.file(stem + ".txt");
            }
            IntStream.range(0, files).parallel().forEach(f -> {
                long first = f * per;
                long n = Math.max(0, Math.min(per, rows - first));
                SplittableRandom r = new SplittableRandom(seed * 1_000_003L + f);
                float[] row = new float[dim];
                try (NpyWriter w = new NpyWriter(paths[f][0], dt, n, dim);
                     BufferedWriter l = Files.newBufferedWriter(paths[f][1], StandardCharsets.UTF_8)) {
                    for (long i = 0; i < n; i++) {
                        for (int k = 0; k < dim; k++) {
                            row[k] = (float) gaussian(r);
                        }
                        w.write(row, 0, dim);
                        l.write(labelPrefix + (first + i));
                        l.write('\n');
                    }
                } catch (IOException e) {
                    throw CossimException.inFile(paths[f][1], "cannot write: " + e.getMessage());
                }
            });
            dir.commit();
        }
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %,d x %d %s rows in %d files to %s%n", rows, dim, dt, files, outDir);
        return 0;
    }

    /** A standard normal deviate (Marsaglia's polar method). */
    private static double gaussian(SplittableRandom r) {
        double u, v, s;
        do {
            u = 2 * r.nextDouble() - 1;
            v = 2 * r.nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        return u * Math.sqrt(-2 * Math.log(s) / s);
    }
}
