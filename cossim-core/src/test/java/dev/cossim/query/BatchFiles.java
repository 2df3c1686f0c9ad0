package dev.cossim.query;

import dev.cossim.source.DType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Writes test batches per the formats' specs: .npy through {@link NpyWriter}, safetensors by hand, labels as lines. */
final class BatchFiles {
    private BatchFiles() {
    }

    static Path npy(Path dir, String name, DType dtype, float[] values, long... shape) {
        Path p = dir.resolve(name);
        try (NpyWriter w = new NpyWriter(p, dtype, shape)) {
            w.write(values, 0, values.length);
        }
        return p;
    }

    /** A safetensors file holding one F32 tensor named {@code tensor}: 8-byte header length, JSON header, data. */
    static Path safetensors(Path dir, String name, String tensor, float[] values, long... shape) throws IOException {
        String dims = Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(","));
        String json = "{\"__metadata__\":{\"format\":\"pt\"},\"" + tensor + "\":{\"dtype\":\"F32\",\"shape\":[" + dims
                + "],\"data_offsets\":[0," + values.length * 4L + "]}}";
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        for (float v : values) {
            b.putFloat(v);
        }
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    static Path labels(Path dir, String name, List<String> labels) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, String.join("\n", labels) + "\n", StandardCharsets.UTF_8);
        return p;
    }

    /** The values float16 rounding gives (what a float16 batch holds). */
    static float[] roundToHalf(float[] v) {
        float[] r = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Float.float16ToFloat(Float.floatToFloat16(v[i]));
        }
        return r;
    }
}
