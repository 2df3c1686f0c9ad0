package dev.cossim.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a GGUF file byte by byte from the specification (ggml's docs/gguf.md), not through any reader under test:
 * "GGUF", u32 version, u64 tensor count, u64 key/value count, the key/values (u64-length string key, u32 value
 * type, value), the tensor infos (name, u32 n_dims, u64 ne[n_dims] fastest first, u32 ggml type, u64 offset), padding
 * to the alignment, the data section.
 */
public final class GgufBytes {
    // Metadata value types.
    public static final int UINT8 = 0, INT8 = 1, UINT16 = 2, INT16 = 3, UINT32 = 4, INT32 = 5, FLOAT32 = 6, BOOL = 7,
            STRING = 8, ARRAY = 9, UINT64 = 10, INT64 = 11, FLOAT64 = 12;
    // ggml tensor types.
    public static final int F32 = 0, F16 = 1, Q4_0 = 2, Q4_1 = 3, Q5_0 = 6, Q5_1 = 7, Q8_0 = 8, Q4_K = 12, Q5_K = 13,
            Q6_K = 14, Q8_K = 15, F64 = 28, BF16 = 30, Q2_K = 10;

    private record Info(String name, long[] ne, int type, long offset, byte[] data) {
    }

    private final int version;
    private final ByteArrayOutputStream kv = new ByteArrayOutputStream();
    private long kvCount;
    private final List<Info> tensors = new ArrayList<>();
    private long alignment = 32;
    private long dataEnd;
    private Long tensorCountClaim;

    public GgufBytes(int version) {
        this.version = version;
    }

    /** A key with a value of {@code type} whose encoded bytes are {@code payload}. */
    public GgufBytes kv(String key, int type, byte[] payload) {
        kv.writeBytes(str(key));
        kv.writeBytes(u32(type));
        kv.writeBytes(payload);
        kvCount++;
        return this;
    }

    public GgufBytes string(String key, String value) {
        return kv(key, STRING, str(value));
    }

    public GgufBytes u32(String key, long value) {
        return kv(key, UINT32, u32(value));
    }

    public GgufBytes stringArray(String key, String... values) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(u32(STRING));
        b.writeBytes(u64(values.length));
        for (String v : values) {
            b.writeBytes(str(v));
        }
        return kv(key, ARRAY, b.toByteArray());
    }

    /** general.alignment as a u32 key, and the layout to match. */
    public GgufBytes alignment(long a) {
        alignment = a;
        return u32("general.alignment", a);
    }

    /** A tensor of ggml shape {@code ne} (fastest first) and its bytes, placed at the next aligned offset. */
    public GgufBytes tensor(String name, long[] ne, int type, byte[] data) {
        long offset = pad(dataEnd);
        tensors.add(new Info(name, ne, type, offset, data));
        dataEnd = offset + data.length;
        return this;
    }

    /** A tensor info with any offset and no data of its own (bad input). */
    public GgufBytes tensorInfo(String name, long[] ne, int type, long offset) {
        tensors.add(new Info(name, ne, type, offset, new byte[0]));
        return this;
    }

    /** Claims this many tensors whatever is written (bad input). */
    public GgufBytes claimTensors(long n) {
        tensorCountClaim = n;
        return this;
    }

    /** The header up to and including the tensor infos (no padding, no data). */
    public byte[] header() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("GGUF".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(u32(version));
        out.writeBytes(u64(tensorCountClaim != null ? tensorCountClaim : tensors.size()));
        out.writeBytes(u64(kvCount));
        out.writeBytes(kv.toByteArray());
        for (Info t : tensors) {
            out.writeBytes(str(t.name()));
            out.writeBytes(u32(t.ne().length));
            for (long n : t.ne()) {
                out.writeBytes(u64(n));
            }
            out.writeBytes(u32(t.type()));
            out.writeBytes(u64(t.offset()));
        }
        return out.toByteArray();
    }

    public byte[] bytes() {
        byte[] h = header();
        long start = pad(h.length);
        long end = start;
        for (Info t : tensors) {
            if (t.data().length > 0) {
                end = Math.max(end, start + t.offset() + t.data().length);
            }
        }
        byte[] file = new byte[Math.toIntExact(tensors.isEmpty() ? h.length : end)];
        System.arraycopy(h, 0, file, 0, h.length);
        for (Info t : tensors) {
            if (t.data().length > 0) {
                System.arraycopy(t.data(), 0, file, (int) (start + t.offset()), t.data().length);
            }
        }
        return file;
    }

    public Path write(Path file) {
        return TestFiles.write(file, bytes());
    }

    private long pad(long n) {
        return (n + alignment - 1) / alignment * alignment;
    }

    public static byte[] u32(long v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array();
    }

    public static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    /** A GGUF string: u64 byte length, then the UTF-8 bytes. */
    public static byte[] str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(u64(b.length));
        out.writeBytes(b);
        return out.toByteArray();
    }
}
