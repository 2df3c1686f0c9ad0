package dev.cossim.query;

import dev.cossim.CossimException;
import dev.cossim.output.AtomicFile;
import dev.cossim.source.DType;
import dev.cossim.source.NpyHeader;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Writes a little-endian float32 or float16 {@code .npy} file (format version 1.0, header by {@link NpyHeader}) as a
 * stream: the header is written first from the declared shape, then values as they come, so a batch never has to sit
 * on the heap whole. The file is an {@link AtomicFile}: {@link #close()} renames it into place once its value count
 * matches its shape, and otherwise deletes it and refuses.
 */
public final class NpyWriter implements AutoCloseable {
    private final Path path;
    private final DType dtype;
    private final long expected;
    private final AtomicFile file;
    private final OutputStream out;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private long written;
    private boolean closed;

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
        byte[] header = NpyHeader.format(dtype, shape);
        AtomicFile f = null;
        try {
            f = AtomicFile.create(path);
            this.out = f.stream();
            out.write(header);
        } catch (IOException e) {
            if (f != null) {
                f.close();
            }
            throw CossimException.inFile(path, "cannot write: " + e.getMessage());
        }
        this.file = f;
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
        if (closed) {
            return;
        }
        closed = true;
        try (file) {
            if (written != expected) {
                throw CossimException.inFile(path, "wrote " + written + " values but the shape holds " + expected);
            }
            flushBuffer();
            file.commit();
        } catch (IOException e) {
            throw CossimException.inFile(path, "cannot write: " + e.getMessage());
        }
    }
}
