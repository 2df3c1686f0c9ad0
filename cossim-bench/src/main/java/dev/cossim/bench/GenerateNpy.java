package dev.cossim.bench;

import dev.cossim.output.AtomicFile;
import dev.cossim.source.DType;
import dev.cossim.source.NpyHeader;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes an n x d matrix of embedding-like rows from a fixed seed: Gaussian values plus a shared direction, with row
 * norms varying as real embedding rows do (not normalised). A {@code .npy} file (format 1.0, little-endian, C order)
 * in float32 or float16, or a {@code .safetensors} file (one tensor, {@code weight}) in float32, float16 or
 * bfloat16 (rounded to nearest even), as Hugging Face checkpoints hold their embeddings.
 * Usage: GenerateNpy FILE n d seed [f32|f16|bf16].
 */
public final class GenerateNpy {
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        int d = Integer.parseInt(args[2]);
        long seed = Long.parseLong(args[3]);
        DType dtype = DType.valueOf((args.length > 4 ? args[4] : "f32").toUpperCase(Locale.ROOT));
        boolean safetensors = file.getFileName().toString().endsWith(".safetensors");
        if (dtype != DType.F32 && dtype != DType.F16 && (dtype != DType.BF16 || !safetensors)) {
            throw new IllegalArgumentException("f32 or f16 for .npy; f32, f16 or bf16 for .safetensors");
        }
        int width = dtype == DType.F32 ? 4 : 2;
        SplittableRandom r = new SplittableRandom(seed);
        double[] common = new double[d];
        for (int k = 0; k < d; k++) {
            common[k] = r.nextGaussian() * 0.5;
        }
        try (AtomicFile f = AtomicFile.create(file)) {
            OutputStream out = f.stream();
            out.write(safetensors ? safetensorsHeader(dtype, n, d) : NpyHeader.format(dtype, n, d));
            ByteBuffer row = ByteBuffer.allocate(d * width).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                row.clear();
                double scale = 0.5 + r.nextDouble();
                for (int k = 0; k < d; k++) {
                    float v = (float) ((r.nextGaussian() + common[k]) * scale);
                    switch (dtype) {
                        case F32 -> row.putFloat(v);
                        case F16 -> row.putShort(Float.floatToFloat16(v));
                        default -> row.putShort(bfloat16(v));
                    }
                }
                out.write(row.array());
            }
            f.commit();
        }
        System.out.println("wrote " + file + " (" + n + " x " + d + " " + dtype.name().toLowerCase(Locale.ROOT) + ", seed " + seed + ")");
    }

    /** The safetensors header of one n x d tensor named weight: its length (u64, little-endian), then the JSON, padded to 8. */
    private static byte[] safetensorsHeader(DType dtype, long n, long d) {
        String json = String.format(Locale.ROOT, "{\"weight\":{\"dtype\":\"%s\",\"shape\":[%d,%d],\"data_offsets\":[0,%d]}}",
                dtype.name(), n, d, n * d * (dtype == DType.F32 ? 4 : 2));
        StringBuilder padded = new StringBuilder(json);
        while (padded.length() % 8 != 0) {
            padded.append(' ');
        }
        byte[] text = padded.toString().getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(8 + text.length).order(ByteOrder.LITTLE_ENDIAN).putLong(text.length).put(text).array();
    }

    /** Float to bfloat16, rounded to nearest even (finite values). */
    static short bfloat16(float v) {
        int bits = Float.floatToRawIntBits(v);
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }
}
