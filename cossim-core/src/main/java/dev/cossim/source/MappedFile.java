package dev.cossim.source;

import dev.cossim.CossimException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A whole file mapped read-only with java.lang.foreign: no 2 GB limit, unmapped when closed. */
public final class MappedFile implements AutoCloseable {
    private final Path path;
    private final Arena arena;
    private final MemorySegment segment;

    private MappedFile(Path path, Arena arena, MemorySegment segment) {
        this.path = path;
        this.arena = arena;
        this.segment = segment;
    }

    public static MappedFile open(Path path) {
        if (!Files.exists(path)) {
            throw CossimException.inFile(path, "no such file");
        }
        if (Files.isDirectory(path)) {
            throw CossimException.inFile(path, "is a directory, expected a file");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment seg = size == 0 ? MemorySegment.NULL.reinterpret(0)
                    : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new MappedFile(path, arena, seg);
        } catch (NoSuchFileException e) {
            arena.close();
            throw CossimException.inFile(path, "no such file");
        } catch (IOException e) {
            arena.close();
            throw CossimException.inFile(path, "cannot read: " + e.getMessage());
        }
    }

    public Path path() {
        return path;
    }

    public MemorySegment segment() {
        return segment;
    }

    public long size() {
        return segment.byteSize();
    }

    /** Opened on the first {@link #read}; positional reads are safe from several threads at once. */
    private volatile FileChannel channel;

    /**
     * The byte offset in this file of {@code slice}, a part of {@link #segment}, or -1 when it is not one (a copy, a
     * segment of another file).
     */
    public long offsetOf(MemorySegment slice) {
        if (!slice.isNative() || !segment.isNative()) {
            return -1;
        }
        long off = slice.address() - segment.address();
        return off >= 0 && off + slice.byteSize() <= segment.byteSize() ? off : -1;
    }

    /**
     * Reads {@code dst.remaining()} bytes from {@code offset} with positional reads (the system call copies them from
     * the page cache), instead of through the mapping: a stream of many blocks that touches every page of a large file
     * once paid about 2 microseconds a page to map it here (743 MB in 0.43 s, against 0.10 s read).
     */
    public void read(long offset, java.nio.ByteBuffer dst) {
        try {
            FileChannel ch = channel;
            if (ch == null) {
                synchronized (this) {
                    if (channel == null) {
                        channel = FileChannel.open(path, StandardOpenOption.READ);
                    }
                    ch = channel;
                }
            }
            long pos = offset;
            while (dst.hasRemaining()) {
                int n = ch.read(dst, pos);
                if (n < 0) {
                    throw CossimException.inFile(path, "ended at byte " + pos + " while reading (changed while open?)");
                }
                pos += n;
            }
        } catch (IOException e) {
            throw CossimException.inFile(path, "cannot read: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            FileChannel ch = channel;
            if (ch != null) {
                ch.close();
            }
        } catch (IOException e) {
            // read-only: nothing was written that closing could lose
        }
        arena.close();
    }

    /** The first {@code n} bytes of a file (fewer when it is shorter), to tell formats by their magic. */
    static byte[] firstBytes(Path path, int n) {
        try (java.io.InputStream in = Files.newInputStream(path)) {
            return in.readNBytes(n);
        } catch (IOException e) {
            throw CossimException.inFile(path, "cannot read: " + e.getMessage());
        }
    }
}
