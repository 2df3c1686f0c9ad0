package dev.cossim.output;

import dev.cossim.CossimException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a set of output files so that none is ever seen half-written. A new directory is built under a hidden
 * temporary name beside the target ({@link AtomicFile#tempName}) and renamed into place by {@link #commit()}, its files
 * forced to disk first (two runs creating the same directory: the first rename wins, the other fails with a one-line
 * error). Into an existing directory (which may hold other files: it is never replaced), each file is an
 * {@link AtomicFile} of a name unique to the run, and the run's files are renamed into place together while it holds
 * an exclusive lock on {@value #LOCK} in the directory, so that concurrent runs publish their sets one after the
 * other and the directory always holds one run's whole set, never a mix. Until committed, {@link #close()} (or an
 * interrupt, through a shutdown hook) deletes everything written.
 */
public final class AtomicOutputDir implements AutoCloseable {
    /** The lock file of an existing output directory (empty; left in place: deleting it would race other runs). */
    public static final String LOCK = ".cossim.lock";
    /** File locks belong to the JVM: runs in one JVM take their turns here first. */
    private static final Object IN_JVM = new Object();

    private final Path target;
    private final Path work;
    private final boolean fresh;
    private final List<Path> written = new ArrayList<>();
    private final List<AtomicFile> pending = new ArrayList<>();
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
            this.work = fresh ? AtomicFile.createTempDirectory(this.target) : this.target;
        } catch (IOException e) {
            throw CossimException.inFile(target, "cannot create output directory: " + e.getMessage());
        }
        this.cleanup = new Thread(this::discard, "cossim-output-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /**
     * Where to write file {@code name} now: a temporary path, renamed to its real name on commit. In a new directory
     * it is the file's own name inside the hidden directory; in an existing one, an {@link AtomicFile}'s temporary
     * file, unique to this run, so that concurrent runs into the same directory never write the same file.
     */
    public synchronized Path file(String name) {
        if (fresh) {
            Path p = work.resolve(name);
            written.add(p);
            return p;
        }
        try {
            AtomicFile f = AtomicFile.create(target.resolve(name));
            pending.add(f);
            return f.temp();
        } catch (IOException e) {
            throw CossimException.inFile(target.resolve(name), "cannot create: " + e.getMessage());
        }
    }

    /**
     * The one-line error of a failed write into output directory {@code dir} (a full disk, a read-only directory):
     * names the directory, and the file where the JDK says which; nothing of the run is left (close discards it).
     */
    public static CossimException cannotWrite(Path dir, IOException e) {
        String why = e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                : e.getMessage() != null ? e.getMessage().replace('\n', ' ') : e.getClass().getSimpleName();
        return CossimException.inFile(dir, "cannot write the results: " + why + " (nothing was written)");
    }

    public Path target() {
        return target;
    }

    /** Final path of file {@code name} once committed. */
    public Path finalPath(String name) {
        return target.resolve(name);
    }

    public synchronized void commit() {
        try {
            if (fresh) {
                for (Path p : written) {
                    if (Files.isRegularFile(p)) {
                        AtomicFile.force(p);
                    }
                }
                AtomicFile.move(work, target);
            } else {
                synchronized (IN_JVM) {
                    try (java.nio.channels.FileChannel lock = java.nio.channels.FileChannel.open(target.resolve(LOCK),
                            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                         java.nio.channels.FileLock held = lock.lock()) {
                        for (AtomicFile f : pending) {
                            f.commit();
                        }
                    }
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

    private synchronized void discard() {
        if (committed) {
            return;
        }
        if (!fresh) {
            for (AtomicFile f : pending) {
                f.close();
            }
            return;
        }
        try {
            if (Files.exists(work)) {
                try (Stream<Path> s = Files.walk(work)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
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
