package dev.cossim.source;

import dev.cossim.CossimException;
import dev.cossim.ParameterException;
import dev.cossim.output.AtomicFile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a matrix as the one tensor of a GGUF v3 file (the layout {@link GgufFile} reads), in F32, F16 or Q8_0 as
 * ggml's reference quantiser makes it (per block of 32: d = max|x| / 127 stored as float16, q = round(x / d)), with
 * metadata: String, Long (UINT32 when it fits, else INT64), Boolean and String[] (an array of strings) values. The file
 * appears whole or not at all ({@link AtomicFile}).
 */
public final class GgufWriter {
    private static final int ALIGNMENT = (int) GgufFile.DEFAULT_ALIGNMENT;

    private GgufWriter() {
    }

    /** ggml's number for each type this writer writes. */
    private static int ggmlType(DType type) {
        return switch (type) {
            case F32 -> 0;
            case F16 -> 1;
            case Q8_0 -> 8;
            default -> throw new ParameterException("type", type.name().toLowerCase(java.util.Locale.ROOT), "choose f32, f16 or q8_0");
        };
    }

    public static void write(Path target, String tensorName, Tensor matrix, DType type, Map<String, Object> metadata) {
        matrix.requireMatrix();
        int ggml = ggmlType(type);
        long rows = matrix.rows();
        int dim = (int) matrix.rowLength();
        if (dim % type.blockSize() != 0) {
            throw new ParameterException("type", type.name(), "needs rows of a multiple of " + type.blockSize() + " values, not " + dim);
        }
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        h.writeBytes("GGUF".getBytes(StandardCharsets.US_ASCII));
        h.writeBytes(u32(3));
        h.writeBytes(u64(1));
        h.writeBytes(u64(metadata.size()));
        for (Map.Entry<String, Object> e : metadata.entrySet()) {
            h.writeBytes(str(e.getKey()));
            switch (e.getValue()) {
                case String s -> {
                    h.writeBytes(u32(GgufFile.ValueType.STRING.ordinal()));
                    h.writeBytes(str(s));
                }
                case Long l when l >= 0 && l <= 0xffffffffL -> {
                    h.writeBytes(u32(GgufFile.ValueType.UINT32.ordinal()));
                    h.writeBytes(u32(l.intValue()));
                }
                case Long l -> {
                    h.writeBytes(u32(GgufFile.ValueType.INT64.ordinal()));
                    h.writeBytes(u64(l));
                }
                case Boolean b -> {
                    h.writeBytes(u32(GgufFile.ValueType.BOOL.ordinal()));
                    h.write(b ? 1 : 0);
                }
                case String[] a -> {
                    h.writeBytes(u32(GgufFile.ValueType.ARRAY.ordinal()));
                    h.writeBytes(u32(GgufFile.ValueType.STRING.ordinal()));
                    h.writeBytes(u64(a.length));
                    for (String s : a) {
                        h.writeBytes(str(s == null ? "" : s));
                    }
                }
                default -> throw new IllegalArgumentException("metadata '" + e.getKey() + "': unsupported value " + e.getValue());
            }
        }
        h.writeBytes(str(tensorName));
        h.writeBytes(u32(2));
        h.writeBytes(u64(dim)); // ne[0], the fastest dimension
        h.writeBytes(u64(rows));
        h.writeBytes(u32(ggml));
        h.writeBytes(u64(0));
        while (h.size() % ALIGNMENT != 0) {
            h.write(0);
        }
        try (AtomicFile f = AtomicFile.create(target)) {
            OutputStream out = f.stream();
            out.write(h.toByteArray());
            float[] row = new float[dim];
            ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(type.bytesFor(dim))).order(ByteOrder.LITTLE_ENDIAN);
            for (long r = 0; r < rows; r++) {
                matrix.readFloats(r * dim, row, 0, dim);
                b.clear();
                switch (type) {
                    case F32 -> b.asFloatBuffer().put(row);
                    case F16 -> {
                        for (float v : row) {
                            b.putShort(Float.floatToFloat16(v));
                        }
                    }
                    default -> quantizeQ8_0(row, b);
                }
                out.write(b.array());
            }
            int pad = (int) ((ALIGNMENT - (type.bytesFor((long) dim * rows) % ALIGNMENT)) % ALIGNMENT);
            out.write(new byte[pad]);
            f.commit();
        } catch (IOException e) {
            throw CossimException.inFile(target, "cannot write: " + e.getMessage());
        }
    }

    /** ggml's quantize_row_q8_0_ref: per 32 values, d = amax / 127, q = round-half-away(x · (1 / d)). */
    static void quantizeQ8_0(float[] x, ByteBuffer out) {
        for (int base = 0; base < x.length; base += 32) {
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[base + j]));
            }
            float d = amax / 127;
            float id = d != 0 ? 1 / d : 0;
            out.putShort(Float.floatToFloat16(d));
            for (int j = 0; j < 32; j++) {
                float v = x[base + j] * id;
                out.put((byte) (int) Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v));
            }
        }
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    private static byte[] str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream o = new ByteArrayOutputStream(8 + b.length);
        o.writeBytes(u64(b.length));
        o.writeBytes(b);
        return o.toByteArray();
    }
}
