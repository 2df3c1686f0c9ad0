package dev.cossim.output;

import dev.cossim.CossimException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a set of output files so that none is ever seen half-written. A new directory is built under a hidden
 * temporary name beside the target and renamed into place by {@link #commit()}; into an existing directory, each file
 * is written under a temporary name and renamed. Until committed, {@link #close()} (or an interrupt, through a
 * shutdown hook) deletes everything written.
 */
public final class AtomicOutputDir implements AutoCloseable {
    private final Path target;
    private final Path work;
    private final boolean fresh;
    private final List<Path> pending = new ArrayList<>();
    private final Thread cleanup;
    private boolean committed;

    public AtomicOutputDir(Path target) {
        this.target = target.toAbsolutePath().normalize();
        try {
            if (Files.exists(this.target) && !Files.isDirectory(this.target)) {
                throw CossimException.inFile(target, "exists and is not a directory");
            }
            this.fresh = !Files.exists(this.target);
            Path parent = this.target.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            this.work = fresh
                    ? Files.createTempDirectory(parent, "." + this.target.getFileName() + ".partial-")
                    : this.target;
            if (fresh) {
                relaxPermissions(work);
            }
        } catch (IOException e) {
            throw CossimException.inFile(target, "cannot create output directory: " + e.getMessage());
        }
        this.cleanup = new Thread(this::discard, "cossim-output-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /** A temporary directory is created owner-only; the result is an ordinary directory (rwxr-xr-x). */
    private static void relaxPermissions(Path dir) throws IOException {
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /** Where to write file {@code name} now: a temporary path, renamed to its real name on commit. */
    public Path file(String name) {
        Path p = fresh ? work.resolve(name) : work.resolve("." + name + ".partial");
        pending.add(p);
        return p;
    }

    public Path target() {
        return target;
    }

    /** Final path of file {@code name} once committed. */
    public Path finalPath(String name) {
        return target.resolve(name);
    }

    public void commit() {
        try {
            if (fresh) {
                move(work, target);
            } else {
                for (Path p : pending) {
                    String name = p.getFileName().toString();
                    move(p, target.resolve(name.substring(1, name.length() - ".partial".length())));
                }
            }
            committed = true;
        } catch (FileAlreadyExistsException e) {
            throw CossimException.inFile(target, "appeared while cossim was writing it; results left unwritten");
        } catch (IOException e) {
            throw CossimException.inFile(target, "cannot move results into place: " + e.getMessage());
        } finally {
            removeHook();
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private synchronized void discard() {
        if (committed) {
            return;
        }
        try {
            if (fresh) {
                if (Files.exists(work)) {
                    try (Stream<Path> s = Files.walk(work)) {
                        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                            Files.deleteIfExists(p);
                        }
                    }
                }
            } else {
                for (Path p : pending) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void removeHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException ignored) {
            // shutting down already: the hook runs and finds the work committed or discards it
        }
    }

    @Override
    public void close() {
        if (!committed) {
            discard();
            removeHook();
        }
    }
}
