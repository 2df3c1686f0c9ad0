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

    @Override
    public void close() {
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
