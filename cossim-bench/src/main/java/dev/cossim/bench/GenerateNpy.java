package dev.cossim.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + n + ", " + d + "), }";
        int headerLen = 10 + dict.length() + 1;
        int pad = (64 - headerLen % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        SplittableRandom r = new SplittableRandom(seed);
        double[] common = new double[d];
        for (int k = 0; k < d; k++) {
            common[k] = r.nextGaussian() * 0.5;
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            ByteBuffer h = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
            h.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0).putShort((short) header.length());
            out.write(h.array());
            out.write(header.getBytes(StandardCharsets.US_ASCII));
            ByteBuffer row = ByteBuffer.allocate(d * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                row.clear();
                double scale = 0.5 + r.nextDouble();
                for (int k = 0; k < d; k++) {
                    row.putFloat((float) ((r.nextGaussian() + common[k]) * scale));
                }
                out.write(row.array());
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("wrote " + file + " (" + n + " x " + d + " float32, seed " + seed + ")");
    }
}
