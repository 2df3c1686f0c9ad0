package dev.cossim.source;

import dev.cossim.CossimException;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;

/** A NumPy {@code .npy} file, memory-mapped; its header is read by {@link NpyHeader}. */
public final class NpyFile implements TensorFile {
    private final MappedFile file;
    private final Tensor tensor;
    private final String descr;

    private NpyFile(MappedFile file, Tensor tensor, String descr) {
        this.file = file;
        this.tensor = tensor;
        this.descr = descr;
    }

    /** The name a .npy file's single tensor goes by. */
    public static String tensorName(Path path) {
        String f = path.getFileName().toString();
        return f.endsWith(".npy") ? f.substring(0, f.length() - 4) : f;
    }

    public static NpyFile open(Path path) {
        MappedFile f = MappedFile.open(path);
        try {
            return parse(f);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    private static NpyFile parse(MappedFile f) {
        Path path = f.path();
        MemorySegment seg = f.segment();
        NpyHeader h = NpyHeader.parse(path, seg);
        Tensor t = new Tensor(path.toString(), tensorName(path), h.dtype(), h.shape(), seg.asSlice(h.dataOffset(), h.dataBytes()), h.order());
        return new NpyFile(f, t, h.descr());
    }

    public String descr() {
        return descr;
    }

    @Override
    public String origin() {
        return file.path().toString();
    }

    @Override
    public Path directory() {
        return file.path().toAbsolutePath().getParent();
    }

    @Override
    public List<TensorInfo> tensors() {
        return List.of(new TensorInfo(tensor.name(), descr, tensor.shape()));
    }

    @Override
    public Tensor tensor(String name) {
        if (!name.equals(tensor.name())) {
            throw CossimException.inFile(origin(), "no tensor named '" + name + "' (a .npy file holds one array, '" + tensor.name() + "')");
        }
        return tensor;
    }

    public Tensor tensor() {
        return tensor;
    }

    @Override
    public MappedFile mappedFile() {
        return file;
    }

    @Override
    public void close() {
        file.close();
    }
}
