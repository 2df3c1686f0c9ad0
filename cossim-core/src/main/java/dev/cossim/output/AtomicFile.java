package dev.cossim.output;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One output file that is never seen half-written: the bytes go to a new temporary file beside the target, under a
 * hidden name unique to this writer ({@code .NAME.partial-<pid>-<random>}, so concurrent writers of the same target never
 * share one), and {@link #commit()} forces them to disk and renames the temporary file over the target in one atomic
 * step (falling back to a plain replacing move only where the file system refuses an atomic one). Closing without
 * committing, or the JVM shutting down first (an interrupt), deletes the temporary file.
 *
 * <p>Write through {@link #stream()} or {@link #channel()}, or hand {@link #temp()} to code that writes a path. The
 * temporary file is created with the default permissions (the umask's), which the finished file keeps.
 */
public final class AtomicFile implements AutoCloseable {
    private static final String PARTIAL = ".partial-";

    private final Path target;
    private final Path temp;
    private final Thread cleanup;
    private FileChannel channel;
    private OutputStream stream;
    private boolean committed;
    private boolean discarded;

    private AtomicFile(Path target) throws IOException {
        this.target = target.toAbsolutePath().normalize();
        this.temp = createTemp(this.target);
        this.cleanup = new Thread(this::discard, "cossim-output-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /** Starts writing {@code target}: nothing is visible there until {@link #commit()}. Its directory must exist. */
    public static AtomicFile create(Path target) throws IOException {
        return new AtomicFile(target);
    }

    /** Writes {@code bytes} to {@code target} atomically. */
    public static void write(Path target, byte[] bytes) throws IOException {
        try (AtomicFile f = create(target)) {
            f.stream().write(bytes);
            f.commit();
        }
    }

    /** Writes {@code text} as UTF-8 to {@code target} atomically. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The hidden temporary name of a file {@code fileName} being written: {@code .NAME.partial-<pid>-<random>}; the pid
     * lets a later writer of the same name remove what a killed process left ({@link #removeStale}).
     */
    public static String tempName(String fileName) {
        return "." + fileName + PARTIAL + ProcessHandle.current().pid() + "-"
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
    }

    /**
     * Removes the temporary files and directories of {@code target} that processes no longer alive left beside it
     * (SIGKILL, a crash, power loss: nothing ran to delete them). A live writer's are never touched, whatever its age.
     * Best effort: what cannot be removed stays, hidden and never mistaken for a result.
     */
    public static void removeStale(Path target) {
        Path abs = target.toAbsolutePath().normalize();
        Path dir = abs.getParent();
        String prefix = "." + abs.getFileName() + PARTIAL;
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        try (var entries = Files.newDirectoryStream(dir, e -> e.getFileName().toString().startsWith(prefix))) {
            for (Path e : entries) {
                String rest = e.getFileName().toString().substring(prefix.length());
                int dash = rest.indexOf('-');
                if (dash <= 0) {
                    continue; // an older name without a pid: its writer cannot be told dead or alive
                }
                long pid;
                try {
                    pid = Long.parseLong(rest.substring(0, dash));
                } catch (NumberFormatException notOurs) {
                    continue;
                }
                if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).isEmpty()) {
                    deleteTree(e);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }

    private static void deleteTree(Path p) {
        try (var walk = Files.walk(p)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(q -> {
                try {
                    Files.deleteIfExists(q);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }

    /** Whether {@code fileName} is such a temporary name. */
    public static boolean isTempName(String fileName) {
        return fileName.startsWith(".") && fileName.contains(PARTIAL);
    }

    /**
     * A new empty file beside {@code target} under a fresh {@link #tempName}. Unlike {@code Files.createTempFile} it
     * gets the default permissions (the umask's); creating it exclusively makes the name this caller's alone.
     */
    public static Path createTemp(Path target) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        Path dir = abs.getParent();
        removeStale(abs);
        for (int attempt = 0; ; attempt++) {
            try {
                return Files.createFile(dir.resolve(tempName(abs.getFileName().toString())));
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }

    /** A new empty directory beside {@code target} under a fresh {@link #tempName}, with the default permissions. */
    public static Path createTempDirectory(Path target) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        Path dir = abs.getParent();
        removeStale(abs);
        for (int attempt = 0; ; attempt++) {
            try {
                return Files.createDirectory(dir.resolve(tempName(abs.getFileName().toString())));
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }

    /**
     * Renames {@code from} to {@code to} in one atomic step, replacing {@code to}; where the file system cannot move
     * atomically, a plain replacing move.
     */
    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Forces the contents of the regular file {@code file} to disk. */
    public static void force(Path file) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.force(true);
        }
    }

    /** The final path (absolute). */
    public Path target() {
        return target;
    }

    /** The temporary file being written, for code that writes to a path; it exists (empty) from the start. */
    public Path temp() {
        return temp;
    }

    /** A read-write channel on the temporary file, owned by this object (closed by commit or close). */
    public synchronized FileChannel channel() throws IOException {
        requireOpen();
        if (channel == null) {
            channel = FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        return channel;
    }

    /**
     * A buffered stream writing the temporary file from its start, owned by this object: closing the stream only
     * flushes it, so a writer wrapped around it may be closed before {@link #commit()}.
     */
    public synchronized OutputStream stream() throws IOException {
        requireOpen();
        if (stream == null) {
            OutputStream raw = Channels.newOutputStream(channel());
            stream = new FilterOutputStream(new BufferedOutputStream(raw, 1 << 16)) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    out.flush();
                }
            };
        }
        return stream;
    }

    private void requireOpen() {
        if (committed || discarded) {
            throw new IllegalStateException(target + ": already " + (committed ? "committed" : "discarded"));
        }
    }

    /** Flushes and forces the written bytes to disk, then renames the temporary file over the target. */
    public synchronized void commit() throws IOException {
        requireOpen();
        if (stream != null) {
            stream.flush();
        }
        if (channel != null) {
            channel.force(true);
            channel.close();
        } else {
            force(temp);
        }
        move(temp, target);
        committed = true;
        removeHook();
    }

    public synchronized boolean committed() {
        return committed;
    }

    private synchronized void discard() {
        if (committed || discarded) {
            return;
        }
        discarded = true;
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // deleting the file matters more
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // best effort: a file left behind has a hidden .partial- name and is never mistaken for a result
        }
    }

    private void removeHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException ignored) {
            // shutting down already: the hook runs and finds the file committed or deletes it
        }
    }

    /** Deletes the temporary file unless committed. */
    @Override
    public synchronized void close() {
        if (!committed && !discarded) {
            discard();
            removeHook();
        }
    }
}
