package dev.cossim.query;

import dev.cossim.CossimException;
import dev.cossim.source.DType;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Writes a little-endian float32 or float16 {@code .npy} file (format version 1.0) as a stream: the header is written
 * first from the declared shape, then values as they come, so a batch never has to sit on the heap whole.
 * {@link #close()} refuses a file whose value count does not match its shape.
 */
public final class NpyWriter implements AutoCloseable {
    private final Path path;
    private final DType dtype;
    private final long expected;
    private final OutputStream out;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private long written;

    public NpyWriter(Path path, DType dtype, long... shape) {
        if (dtype != DType.F32 && dtype != DType.F16) {
            throw new IllegalArgumentException("NpyWriter writes F32 or F16, not " + dtype);
        }
        this.path = path;
        this.dtype = dtype;
        long n = 1;
        for (long s : shape) {
            n = Math.multiplyExact(n, s);
        }
        this.expected = n;
        try {
            this.out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16);
            out.write(header(dtype, shape));
        } catch (IOException e) {
            throw CossimException.inFile(path, "cannot write: " + e.getMessage());
        }
    }

    /** The magic, version 1.0, header length and the dict, padded with spaces so the data starts on a 64-byte boundary. */
    static byte[] header(DType dtype, long[] shape) {
        String dims = shape.length == 1 ? shape[0] + ","
                : Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
        String dict = String.format(Locale.ROOT, "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }",
                dtype == DType.F32 ? "<f4" : "<f2", dims);
        int unpadded = 10 + dict.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        String h = dict + " ".repeat(total - unpadded) + "\n";
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) h.length());
        b.put(h.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    public void write(float[] values, int off, int len) {
        if (written + len > expected) {
            throw CossimException.inFile(path, "more values written than the shape holds (" + expected + ")");
        }
        try {
            for (int i = 0; i < len; i++) {
                if (buf.remaining() < 4) {
                    flushBuffer();
                }
                if (dtype == DType.F32) {
                    buf.putFloat(values[off + i]);
                } else {
                    buf.putShort(Float.floatToFloat16(values[off + i]));
                }
            }
        } catch (IOException e) {
            throw CossimException.inFile(path, "cannot write: " + e.getMessage());
        }
        written += len;
    }

    private void flushBuffer() throws IOException {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        try {
            flushBuffer();
            out.close();
        } catch (IOException e) {
            throw CossimException.inFile(path, "cannot write: " + e.getMessage());
        }
        if (written != expected) {
            throw CossimException.inFile(path, "wrote " + written + " values but the shape holds " + expected);
        }
    }
}
