package dev.cossim.output;

import dev.cossim.CossimException;
import dev.cossim.ParameterException;
import dev.cossim.engine.PairSet;
import dev.cossim.engine.Tile;
import dev.cossim.engine.TileReducer;
import dev.cossim.source.DType;
import dev.cossim.source.NpyHeader;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Streams the full similarity matrix of a run into a memory-mapped NumPy {@code .npy} file (format version 1.0:
 * magic {@code \x93NUMPY}, version bytes 1 0, a little-endian uint16 header length, an ASCII dict
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (R, C), }} padded with spaces and ended by '\n' so the data
 * starts at a multiple of 64 bytes, then the values row-major, little-endian). A within run writes the symmetric
 * N x N matrix (each tile and its transpose; the diagonal holds the metric's self value); a rectangular run writes
 * the |A| x |B| block. Free disk space is checked first; the file is written under a temporary name beside the target
 * and renamed when complete, and deleted if the run fails or is interrupted.
 */
public final class NpyMatrixWriter implements AutoCloseable {
    /** Element type of the exported matrix. */
    public enum Precision {
        F16(DType.F16), F32(DType.F32);

        final int bytes;
        final String descr;

        Precision(DType dtype) {
            this.bytes = dtype.size();
            this.descr = NpyHeader.descr(dtype);
        }

        public static Precision parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "f16", "float16" -> F16;
                case "f32", "float32" -> F32;
                default -> throw new ParameterException("dtype", s, "choose f16 or f32");
            };
        }
    }

    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort F16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path target;
    private final AtomicFile file;
    private final Precision precision;
    private final long rows;
    private final long cols;
    private final long dataStart;
    private final Arena arena;
    private final MemorySegment segment;

    private NpyMatrixWriter(Path target, long rows, long cols, Precision precision) throws IOException {
        this.target = target;
        this.precision = precision;
        this.rows = rows;
        this.cols = cols;
        byte[] header = header(precision, rows, cols);
        this.dataStart = header.length;
        long size = dataStart + rows * cols * precision.bytes;
        Path dir = target.getParent();
        Files.createDirectories(dir);
        long free = Files.getFileStore(dir).getUsableSpace();
        if (free < size) {
            throw CossimException.inFile(target, String.format(Locale.ROOT,
                    "not enough free disk space for the %,d x %,d %s matrix: needs %,d bytes, %,d available "
                            + "(use --dtype f16 to halve it, select fewer rows, or write elsewhere)",
                    rows, cols, precision.name().toLowerCase(Locale.ROOT), size, free));
        }
        this.file = AtomicFile.create(target);
        try {
            allocate(file.channel(), size, blockSize(dir));
            this.arena = Arena.ofShared();
            this.segment = file.channel().map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
        MemorySegment.copy(header, 0, segment, ValueLayout.JAVA_BYTE, 0, header.length);
    }

    /**
     * Gives every block of the file real space before it is mapped, by writing one byte into each (a write into a
     * hole allocates the block, or fails with "No space left on device" here, as an IOException, where a store through
     * the mapping would be a SIGBUS). The free-space check alone cannot promise it: another writer may take the space
     * meanwhile. One small write per block (about a second for 4 GB), not a second copy of the matrix.
     */
    private static void allocate(FileChannel ch, long size, long block) throws IOException {
        java.nio.ByteBuffer zero = java.nio.ByteBuffer.allocate(1);
        for (long pos = 0; pos < size; pos += block) {
            zero.clear();
            ch.write(zero, pos);
        }
        zero.clear();
        ch.write(zero, size - 1);
    }

    private static long blockSize(Path dir) {
        try {
            long b = Files.getFileStore(dir).getBlockSize();
            return b > 0 ? Math.min(b, 1 << 16) : 4096;
        } catch (IOException | UnsupportedOperationException e) {
            return 4096;
        }
    }

    /** Opens {@code target} for a matrix of the given shape (checks disk space; nothing is visible at target yet). */
    public static NpyMatrixWriter create(Path target, long rows, long cols, Precision precision) {
        Path abs = target.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            throw CossimException.inFile(target, "is a directory; give a file name ending in .npy");
        }
        try {
            return new NpyMatrixWriter(abs, rows, cols, precision);
        } catch (IOException e) {
            throw CossimException.inFile(target, "cannot write the matrix: " + e.getMessage());
        }
    }

    /** The .npy version 1.0 header, padded so that the data starts at a multiple of 64 bytes ({@link NpyHeader#format}). */
    public static byte[] header(Precision precision, long rows, long cols) {
        return NpyHeader.format(precision.descr, rows, cols);
    }

    /** A reducer writing the tiles of {@code pairs} into this file; {@code selfValue} fills the diagonal (NaN: the tile's own value). */
    public Sink sink(PairSet pairs, double selfValue) {
        long wantRows = pairs.sizeA(), wantCols = pairs.sizeB();
        if (wantRows != rows || wantCols != cols) {
            throw new IllegalArgumentException("matrix is " + rows + " x " + cols + ", the run " + wantRows + " x " + wantCols);
        }
        return new Sink(this, pairs.rectangular() ? pairs.split() : -1, (float) selfValue);
    }

    void write(long row, long col, float[] src, int from, int count, short[] scratch) {
        try {
            store(row, col, src, from, count, scratch);
        } catch (InternalError e) {
            // A fault on the mapping (SIGBUS): the file's space went away under it, e.g. truncated or a full disk
            // whose blocks the allocation could not reserve (a sparse-only file system).
            throw CossimException.inFile(target, "the disk is full or the file was cut short while the matrix was written to it");
        }
    }

    private void store(long row, long col, float[] src, int from, int count, short[] scratch) {
        long off = dataStart + (row * cols + col) * precision.bytes;
        if (precision == Precision.F32) {
            MemorySegment.copy(src, from, segment, F32_LE, off, count);
        } else {
            for (int q = 0; q < count; q++) {
                scratch[q] = Float.floatToFloat16(src[from + q]);
            }
            MemorySegment.copy(scratch, 0, segment, F16_LE, off, count);
        }
    }

    /** Flushes the file and renames it into place. */
    public synchronized void commit() {
        try {
            segment.force();
            arena.close();
            file.commit();
        } catch (IOException e) {
            throw CossimException.inFile(target, "cannot finish the matrix file: " + e.getMessage());
        } finally {
            close();
        }
    }

    public Path target() {
        return target;
    }

    public long bytes() {
        return dataStart + rows * cols * precision.bytes;
    }

    /** Deletes the file unless committed (the {@link AtomicFile} also does so if the JVM shuts down first). */
    @Override
    public synchronized void close() {
        try {
            if (arena.scope().isAlive()) {
                arena.close();
            }
        } catch (IllegalStateException ignored) {
            // a sink still writing on another thread: the file is deleted all the same
        }
        file.close();
    }

    /**
     * Writes each tile where it belongs in the file. All sinks of one run share the file and write disjoint regions, so
     * merging has nothing to combine. Local only: it holds a mapped file, not data to ship between machines.
     */
    public static final class Sink implements TileReducer<Sink> {
        private final NpyMatrixWriter writer;
        private final int split;
        private final float self;
        private float[] column;
        private short[] scratch;

        Sink(NpyMatrixWriter writer, int split, float self) {
            this.writer = writer;
            this.split = split;
            this.self = self;
        }

        @Override
        public void accept(Tile t) {
            if (column == null || column.length < Math.max(t.rows, t.cols)) {
                int cap = Math.max(t.rows, t.cols);
                column = new float[cap];
                scratch = new short[cap];
            }
            float[] v = t.values;
            if (split >= 0) {
                for (int i = 0; i < t.rows; i++) {
                    writer.write(t.rowStart + i, t.colStart - split + 0L, v, i * t.cols, t.cols, scratch);
                }
                return;
            }
            for (int i = 0; i < t.rows; i++) {
                int from = t.firstCol(i);
                if (t.diagonal) {
                    // The pair (i, i) itself: the metric's exact self value where it has one.
                    float s = Float.isNaN(self) ? v[i * t.cols + i] : self;
                    column[0] = s;
                    writer.write(t.rowStart + i, t.colStart + i, column, 0, 1, scratch);
                }
                if (from < t.cols) {
                    writer.write(t.rowStart + i, t.colStart + from, v, i * t.cols + from, t.cols - from, scratch);
                }
            }
            // The transpose: column j of the tile is row colStart + j of the matrix, contiguous over the tile's rows.
            for (int j = 0; j < t.cols; j++) {
                int count = t.diagonal ? Math.min(j, t.rows) : t.rows;
                if (count == 0) {
                    continue;
                }
                for (int i = 0; i < count; i++) {
                    column[i] = v[i * t.cols + j];
                }
                writer.write(t.colStart + j, t.rowStart, column, 0, count, scratch);
            }
        }

        @Override
        public void merge(Sink other) {
            // Every sink wrote its own tiles straight into the shared file.
        }
    }
}
