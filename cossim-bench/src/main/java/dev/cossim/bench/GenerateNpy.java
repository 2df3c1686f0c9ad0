package dev.cossim.bench;

import dev.cossim.output.AtomicFile;
import dev.cossim.source.DType;
import dev.cossim.source.NpyHeader;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes an n x d float32 .npy (format 1.0, little-endian, C order) of embedding-like rows from a fixed seed:
 * Gaussian values plus a shared direction, with row norms varying as real embedding rows do (not normalised).
 * Usage: GenerateNpy FILE n d seed.
 */
public final class GenerateNpy {
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        int d = Integer.parseInt(args[2]);
        long seed = Long.parseLong(args[3]);
        SplittableRandom r = new SplittableRandom(seed);
        double[] common = new double[d];
        for (int k = 0; k < d; k++) {
            common[k] = r.nextGaussian() * 0.5;
        }
        try (AtomicFile f = AtomicFile.create(file)) {
            OutputStream out = f.stream();
            out.write(NpyHeader.format(DType.F32, n, d));
            ByteBuffer row = ByteBuffer.allocate(d * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                row.clear();
                double scale = 0.5 + r.nextDouble();
                for (int k = 0; k < d; k++) {
                    row.putFloat((float) ((r.nextGaussian() + common[k]) * scale));
                }
                out.write(row.array());
            }
            f.commit();
        }
        System.out.println("wrote " + file + " (" + n + " x " + d + " float32, seed " + seed + ")");
    }
}
