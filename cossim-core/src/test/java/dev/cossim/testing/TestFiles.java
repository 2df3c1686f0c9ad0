package dev.cossim.testing;

import com.google.protobuf.CodedOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes tensor files byte by byte from their format specifications (not through any library under test), so the
 * readers are checked against the formats themselves.
 */
public final class TestFiles {
    private TestFiles() {
    }

    /** Little-endian float32 bytes of values. */
    public static byte[] f32(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    public static byte[] f16(float... v) {
        ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putShort(Float.floatToFloat16(x));
        }
        return b.array();
    }

    /** bfloat16: the upper 16 bits of the float32 pattern (exact for values that fit). */
    public static byte[] bf16(float... v) {
        ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putShort((short) (Float.floatToRawIntBits(x) >>> 16));
        }
        return b.array();
    }

    public static byte[] f64(ByteOrder order, double... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(order);
        for (double x : v) {
            b.putDouble(x);
        }
        return b.array();
    }

    /** A safetensors file: 8-byte little-endian header length, the JSON header, then the data buffer. */
    public static Path safetensors(Path file, String headerJson, byte[] data) {
        return write(file, safetensorsBytes(headerJson, data));
    }

    /** The bytes of a safetensors file (see {@link #safetensors}). */
    public static byte[] safetensorsBytes(String headerJson, byte[] data) {
        byte[] h = headerJson.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
        out.writeBytes(h);
        out.writeBytes(data);
        return out.toByteArray();
    }

    /** A .npy file of format version {@code major} with the given header dict, padded to a 64-byte boundary. */
    public static Path npy(Path file, int major, String dict, byte[] data) {
        return write(file, npyBytes(major, dict, data));
    }

    /** The bytes of a .npy file (see {@link #npy}). */
    public static byte[] npyBytes(int major, String dict, byte[] data) {
        int prefix = major == 1 ? 10 : 12;
        StringBuilder h = new StringBuilder(dict);
        while ((prefix + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        byte[] hb = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            out.writeBytes(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) hb.length).array());
        } else {
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(hb.length).array());
        }
        out.writeBytes(hb);
        out.writeBytes(data);
        return out.toByteArray();
    }

    /** An ONNX TensorProto (onnx.proto): dims (1, packed), data_type (2), name (8), raw_data (9) or float_data (4). */
    public static byte[] onnxTensor(String name, long[] dims, int dataType, byte[] raw, float[] floats) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        for (long d : dims) {
            out.writeInt64(1, d); // unpacked repeated field: readers must accept both encodings
        }
        out.writeInt32(2, dataType);
        out.writeString(8, name);
        if (raw != null) {
            out.writeByteArray(9, raw);
        }
        if (floats != null) {
            out.writeTag(4, 2);
            out.writeUInt32NoTag(4 * floats.length);
            for (float f : floats) {
                out.writeFloatNoTag(f);
            }
        }
        out.flush();
        return bytes.toByteArray();
    }

    /** An ONNX ModelProto whose graph (field 7) holds these initializers (GraphProto field 5). */
    public static byte[] onnxModel(byte[]... initializers) throws IOException {
        ByteArrayOutputStream g = new ByteArrayOutputStream();
        CodedOutputStream go = CodedOutputStream.newInstance(g);
        go.writeString(2, "graph-name");
        for (byte[] t : initializers) {
            go.writeByteArray(5, t);
        }
        go.flush();
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        CodedOutputStream mo = CodedOutputStream.newInstance(m);
        mo.writeInt64(1, 6);           // ir_version
        mo.writeString(2, "test");      // producer_name
        mo.writeByteArray(7, g.toByteArray());
        mo.flush();
        return m.toByteArray();
    }

    public static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path write(Path file, String text) {
        return write(file, text.getBytes(StandardCharsets.UTF_8));
    }
}
