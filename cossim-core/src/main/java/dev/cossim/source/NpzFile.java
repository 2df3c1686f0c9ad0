package dev.cossim.source;

import dev.cossim.CossimException;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A NumPy {@code .npz} archive: a zip of {@code NAME.npy} members, one array each ({@code numpy.savez} stores them,
 * {@code numpy.savez_compressed} deflates them). Stored members are memory-mapped slices of the archive; a deflated
 * one cannot be mapped, so it is inflated into memory, after its declared size is checked against
 * {@link #MAX_INFLATED} (all members together) and against what its compressed bytes can hold.
 */
public final class NpzFile implements TensorFile {
    /** At most this many bytes are inflated for one archive. */
    public static final long MAX_INFLATED = 1L << 30;
    private static final String HINT = "save it with numpy.savez (stored members are memory-mapped) rather than savez_compressed";

    private record Member(NpyHeader header, Tensor tensor) {
    }

    private final ZipArchive zip;
    private final Map<String, Member> members;

    private NpzFile(ZipArchive zip, Map<String, Member> members) {
        this.zip = zip;
        this.members = members;
    }

    public static NpzFile open(Path path) {
        ZipArchive zip = ZipArchive.open(path);
        try {
            return read(zip);
        } catch (RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    /** Reads the .npz that {@code zip} is; the archive is owned by the result (or closed by the caller on error). */
    static NpzFile read(ZipArchive zip) {
        Path path = zip.path();
        Map<String, Member> members = new LinkedHashMap<>();
        long inflated = 0;
        for (ZipArchive.Entry e : zip.entries()) {
            if (!e.name().endsWith(".npy")) {
                continue;
            }
            MemorySegment bytes = zip.read(e, MAX_INFLATED - inflated, HINT);
            if (!e.stored()) {
                inflated += e.size();
            }
            String what = path + ": " + e.name();
            NpyHeader h = NpyHeader.parse(what, bytes);
            String name = e.name().substring(0, e.name().length() - 4);
            Tensor t = new Tensor(what, name, h.dtype(), h.shape(), bytes.asSlice(h.dataOffset(), h.dataBytes()), h.order());
            members.put(name, new Member(h, t));
        }
        if (members.isEmpty()) {
            throw CossimException.inFile(path, "a zip archive without .npy members, so not a NumPy .npz file");
        }
        return new NpzFile(zip, Collections.unmodifiableMap(members));
    }

    @Override
    public String origin() {
        return zip.path().toString();
    }

    @Override
    public Path directory() {
        return zip.path().toAbsolutePath().getParent();
    }

    @Override
    public List<TensorInfo> tensors() {
        return members.entrySet().stream()
                .map(e -> new TensorInfo(e.getKey(), e.getValue().header().descr(), e.getValue().header().shape())).toList();
    }

    @Override
    public Tensor tensor(String name) {
        Member m = members.get(name);
        if (m == null) {
            throw CossimException.inFile(origin(), "no array named '" + name + "' (the archive holds " + members.keySet() + ")");
        }
        return m.tensor();
    }

    @Override
    public void close() {
        zip.close();
    }
}
