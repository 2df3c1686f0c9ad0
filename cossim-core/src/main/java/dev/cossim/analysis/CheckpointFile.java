package dev.cossim.analysis;

import dev.cossim.CossimException;
import dev.cossim.engine.Checkpoints;
import dev.cossim.engine.ResumeState;
import dev.cossim.engine.Mergeable;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.output.AtomicFile;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A run's checkpoint: {@code DIR/checkpoint.bin}, replaced atomically ({@link AtomicFile}) at each save. Layout: the
 * magic line {@code cossim checkpoint\n}, the format version (int), the request (UTF: every option the result
 * depends on), the fingerprint of the rows (UTF: SHA-256 of the packed ids and values), the unit count (int), then
 * the {@link ResumeState} in Java serialization (the reducers' mergeable state, as Spark ships it), read back through
 * a filter that admits only the project's classes, primitive arrays and the few JDK classes a state holds.
 * A checkpoint written for another request, other rows or another format version is refused in one line.
 */
final class CheckpointFile<R extends Mergeable<R>> implements Checkpoints<R> {
    static final String FILE = "checkpoint.bin";
    static final int VERSION = 1;
    private static final byte[] MAGIC = "cossim checkpoint\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Path dir;
    private final Path file;
    private final long intervalNanos;
    private final boolean resume;
    private final String request;
    private final String fingerprint;
    private final String inputs;
    private final java.util.function.Consumer<String> log;

    /**
     * @param request     every option the result depends on, spelt out (a mismatch shows both)
     * @param fingerprint a digest of the inputs
     * @param inputs      what the fingerprint covers, for the message when it differs: "other rows (the model file or
     *                    the selection changed"
     */
    CheckpointFile(Path dir, double intervalSeconds, boolean resume, String request, String fingerprint, String inputs,
                   java.util.function.Consumer<String> log) {
        this.dir = dir;
        this.file = dir.resolve(FILE);
        this.intervalNanos = (long) (intervalSeconds * 1e9);
        this.resume = resume;
        this.request = request;
        this.fingerprint = fingerprint;
        this.inputs = inputs;
        this.log = log;
    }

    /** The checks of {@link Analysis#validateCheckpoint}, before any work (also for {@link Search}). */
    static void validate(Path dir, double everySeconds, boolean resume) {
        if (resume && dir == null) {
            throw new dev.cossim.ParameterException("resume", "true", "needs a checkpoint directory to resume from");
        }
        if (dir == null) {
            return;
        }
        if (!(everySeconds > 0) || !Double.isFinite(everySeconds)) {
            throw new dev.cossim.ParameterException("checkpoint interval", everySeconds, "must be a positive number of seconds");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw CossimException.inFile(dir, "exists and is not a directory (the checkpoint directory)");
        }
        if (!resume && Files.exists(dir.resolve(FILE))) {
            throw CossimException.inFile(dir, "holds a checkpoint already: resume it, or remove it to start again");
        }
    }

    /** What {@link #fingerprint} covers, in the message when it differs. */
    static final String ROWS = "other rows (the model file or the selection changed";

    /** SHA-256 of the packed rows (their original ids, values and the split of a rectangular run), in hex. */
    static String fingerprint(RowMatrix rows, int split) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer b = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(rows.size()).putInt(rows.dim()).putInt(split);
        for (int id : rows.ids()) {
            if (b.remaining() < 4) {
                md.update(b.flip());
                b.clear();
            }
            b.putInt(id);
        }
        // Block by block, packed or streamed alike.
        int d = rows.dim(), per = Math.max(1, 65536 / d);
        float[] block = new float[per * d];
        for (int r0 = 0; r0 < rows.size(); r0 += per) {
            int count = Math.min(per, rows.size() - r0);
            rows.readRows(r0, count, block, 0);
            for (int i = 0; i < count * d; i++) {
                if (b.remaining() < 4) {
                    md.update(b.flip());
                    b.clear();
                }
                b.putFloat(block[i]);
            }
        }
        md.update(b.flip());
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * Before any tile (after {@link Analysis#validate} checked that the directory is one, and without resume holds no
     * checkpoint): creates it, checks it is writable, and removes temporary files that killed runs left there.
     */
    void check() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw CossimException.inFile(dir, "cannot create the checkpoint directory: " + e.getMessage());
        }
        if (!Files.isWritable(dir)) {
            throw CossimException.inFile(dir, "is not writable (the checkpoint directory)");
        }
        AtomicFile.removeStale(file);
    }

    @Override
    public long intervalNanos() {
        return intervalNanos;
    }

    @Override
    @SuppressWarnings("unchecked")
    public ResumeState<R> load(int units) {
        if (!resume) {
            return null;
        }
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw CossimException.inFile(file, "is not a cossim checkpoint");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw CossimException.inFile(file, "is a checkpoint of format version " + version + "; this cossim reads version " + VERSION);
            }
            String theirs = in.readUTF();
            if (!theirs.equals(request)) {
                throw CossimException.inFile(file, "was written for another request (" + theirs + "; this run: " + request + ")");
            }
            String rows = in.readUTF();
            if (!rows.equals(fingerprint)) {
                throw CossimException.inFile(file, "was written for " + inputs + ": fingerprint "
                        + rows.substring(0, Math.min(12, rows.length())) + " is now " + fingerprint.substring(0, 12) + ")");
            }
            int theirUnits = in.readInt();
            if (theirUnits != units) {
                throw CossimException.inFile(file, "cuts the run into " + theirUnits + " units, this run into " + units);
            }
            ObjectInputStream objects = new ObjectInputStream(in);
            objects.setObjectInputFilter(CheckpointFile::admit);
            ResumeState<R> state = (ResumeState<R>) objects.readObject();
            if (state.units() != units) {
                throw CossimException.inFile(file, "is damaged (its state has " + state.units() + " units)");
            }
            log.accept(String.format(java.util.Locale.ROOT, "resuming from %s: %d of %d work units done", file, state.done(), units));
            return state;
        } catch (NoSuchFileException e) {
            log.accept("no checkpoint in " + dir + " yet: starting from the first tile");
            return null;
        } catch (EOFException e) {
            throw CossimException.inFile(file, "is cut short (not a whole checkpoint)");
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            throw CossimException.inFile(file, "is damaged: " + e.getMessage());
        }
    }

    /** The classes a checkpoint may hold: the project's, primitive arrays, and the JDK's boxes and TreeMap. */
    private static ObjectInputFilter.Status admit(ObjectInputFilter.FilterInfo info) {
        Class<?> c = info.serialClass();
        if (c == null) {
            return info.depth() > 64 ? ObjectInputFilter.Status.REJECTED : ObjectInputFilter.Status.UNDECIDED;
        }
        while (c.isArray()) {
            c = c.getComponentType();
        }
        if (c.isPrimitive() || c.getName().startsWith("dev.cossim.") || c == java.util.TreeMap.class || c == Integer.class
                || c == Number.class || c == Long.class || c == Double.class || c == Float.class || c == Object.class) {
            return ObjectInputFilter.Status.ALLOWED;
        }
        return ObjectInputFilter.Status.REJECTED;
    }

    @Override
    public void save(ResumeState<R> state) {
        try (AtomicFile f = AtomicFile.create(file)) {
            try (OutputStream raw = f.stream();
                 DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
                out.write(MAGIC);
                out.writeInt(VERSION);
                out.writeUTF(request);
                out.writeUTF(fingerprint);
                out.writeInt(state.units());
                ObjectOutputStream objects = new ObjectOutputStream(out);
                objects.writeObject(state);
                objects.flush();
            }
            f.commit();
        } catch (IOException e) {
            throw CossimException.inFile(file, "cannot write the checkpoint: " + e.getMessage());
        }
    }
}
