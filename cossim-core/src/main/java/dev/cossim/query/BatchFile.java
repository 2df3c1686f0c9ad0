package dev.cossim.query;

import dev.cossim.ParameterException;

import dev.cossim.CossimException;
import dev.cossim.source.DType;
import dev.cossim.source.MappedFile;
import dev.cossim.source.NpyFile;
import dev.cossim.source.NpzFile;
import dev.cossim.source.PyTorchFile;
import dev.cossim.source.SafetensorsFile;
import dev.cossim.source.Tensor;
import dev.cossim.source.TensorFile;
import dev.cossim.source.TensorInfo;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * One memory-mapped batch of vectors: a 2-D [rows, dim] tensor, or a 3-D [rows, positions, dim] one whose vector at a
 * chosen position stands for each row. Nothing is read until rows are asked for, a block at a time.
 */
public final class BatchFile implements AutoCloseable {
    private final Path path;
    private final TensorFile file;
    private final Tensor tensor;
    private final long rows;
    private final int positions;
    private final int dim;
    /** The file the tensor's bytes lie in as they are, and where they start in it; null and -1 when they do not. */
    private final MappedFile mapped;
    private final long fileOffset;

    private BatchFile(Path path, TensorFile file, Tensor tensor) {
        this.path = path;
        this.file = file;
        this.tensor = tensor;
        this.mapped = file.mappedFile();
        this.fileOffset = mapped == null ? -1 : mapped.offsetOf(tensor.data());
        long[] s = tensor.shape();
        if (s.length != 2 && s.length != 3) {
            throw CossimException.inFile(path, "tensor '" + tensor.name() + "' has shape " + Arrays.toString(s)
                    + "; a batch is 2-D [rows, dim] or 3-D [rows, positions, dim]");
        }
        tensor.requireFloating();
        this.rows = s[0];
        long d = s[s.length - 1];
        if (d < 1 || d > Integer.MAX_VALUE / 64 || (s.length == 3 && (s[1] < 1 || s[1] > Integer.MAX_VALUE))) {
            throw CossimException.inFile(path, "tensor '" + tensor.name() + "' has unsupported shape " + Arrays.toString(s));
        }
        this.positions = s.length == 3 ? (int) s[1] : 1;
        this.dim = (int) d;
    }

    /**
     * Opens a .npy, .safetensors, PyTorch (.pt, .pth, .bin) or .npz batch. A file with several tensors needs
     * {@code tensorName}; with one, that one is taken.
     */
    public static BatchFile open(Path path, String tensorName) {
        String name = path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        TensorFile f;
        if (name.endsWith(".npy")) {
            f = NpyFile.open(path);
        } else if (name.endsWith(".safetensors")) {
            f = SafetensorsFile.open(path);
        } else if (name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".bin")) {
            f = PyTorchFile.open(path);
        } else if (name.endsWith(".npz")) {
            f = NpzFile.open(path);
        } else {
            throw CossimException.inFile(path, "not a batch file: expected " + KINDS);
        }
        try {
            return new BatchFile(path, f, pick(path, f, tensorName));
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    private static Tensor pick(Path path, TensorFile f, String tensorName) {
        List<TensorInfo> ts = f.tensors();
        if (f instanceof NpyFile npy) {
            return npy.tensor();
        }
        if (tensorName != null) {
            return f.tensor(tensorName);
        }
        if (ts.size() != 1) {
            throw CossimException.inFile(path, "holds " + ts.size() + " tensors " + ts.stream().map(TensorInfo::name).toList()
                    + "; name one with --tensor");
        }
        return f.tensor(ts.getFirst().name());
    }

    /** What a batch file may be, for messages. */
    public static final String KINDS = ".npy, .safetensors, .pt/.pth/.bin (torch.save) or .npz";

    /** Whether a directory's file is a batch: .npy, .safetensors, .pt, .pth or .npz (a .bin only when named). */
    public static boolean isBatchFile(Path p) {
        String n = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".npy") || n.endsWith(".safetensors") || n.endsWith(".pt") || n.endsWith(".pth") || n.endsWith(".npz");
    }

    public Path path() {
        return path;
    }

    public long rows() {
        return rows;
    }

    /** Token positions per row: 1 for a 2-D batch. */
    public int positions() {
        return positions;
    }

    public int rank() {
        return tensor.rank();
    }

    public int dim() {
        return dim;
    }

    public DType dtype() {
        return tensor.dtype();
    }

    public Tensor tensor() {
        return tensor;
    }

    /** A token position (negative counts from the end) as an index in [0, positions). */
    public static int resolvePosition(Integer position, int positions, int rank, Object where) {
        if (rank == 2) {
            if (position != null && position != 0 && position != -1) {
                throw new ParameterException("position", position, where + " is 2-D [rows, dim]; it has no token positions");
            }
            return 0;
        }
        if (position == null) {
            throw new ParameterException("position", "(none)", where + " is 3-D [rows, " + positions + ", dim]: choose a token position (negative counts from the end)");
        }
        int p = position < 0 ? positions + position : position;
        if (p < 0 || p >= positions) {
            throw new ParameterException("position", position, "out of range for " + positions + " positions in " + where);
        }
        return p;
    }

    /** Copies the vectors at {@code position} of rows [row0, row0 + count) into {@code dst}, row-major, as float32. */
    public void read(long row0, int count, int position, float[] dst) {
        read(row0, count, position, dst, 0);
    }

    /** {@link #read(long, int, int, float[])} into {@code dst} from index {@code off}. */
    public void read(long row0, int count, int position, float[] dst, int off) {
        if (rank() == 2) {
            readRun(row0 * dim, dst, off, count * dim);
            return;
        }
        for (int i = 0; i < count; i++) {
            readRun(((row0 + i) * positions + position) * dim, dst, off + i * dim, dim);
        }
    }

    /**
     * float16 and bfloat16 runs are widened in bulk ({@link dev.cossim.source.HalfFloats#widen}). A long run of a
     * float32, float16 or bfloat16 tensor that lies in its file as it is (.npy, .safetensors) is read with positional
     * reads into a per-thread buffer rather than through the mapping (see {@link MappedFile#read}): a query over
     * 1,000,000 x 384 float16 rows spent 0.62-0.73 s of its threads' time reading them through the mapping, most of
     * its 0.9 s search.
     */
    private void readRun(long from, float[] dst, int off, int len) {
        readRun(from, dst, off, len, POSITIONAL_READ_MIN);
    }

    /** As {@link #readRun(long, float[], int, int)}, reading with a positional read any run of at least {@code min} values. */
    private void readRun(long from, float[] dst, int off, int len, int min) {
        int width = tensor.dtype() == DType.F32 ? 4 : 2;
        long at = fileOffset;
        if (at < 0 || len < min || tensor.dtype() != DType.F32 && tensor.dtype() != DType.F16 && tensor.dtype() != DType.BF16) {
            tensor.readFloats(from, dst, off, len);
            return;
        }
        java.nio.ByteBuffer b = READ_BUFFER.get();
        if (b.capacity() < len * width) {
            b = java.nio.ByteBuffer.allocateDirect(Math.max(len * width, 2 * b.capacity()));
            READ_BUFFER.set(b);
        }
        b.clear().limit(len * width);
        mapped.read(at + from * width, b);
        b.flip().order(tensor.order());
        if (width == 4) {
            b.asFloatBuffer().get(dst, off, len);
        } else {
            dev.cossim.source.HalfFloats.widen(tensor.dtype(), b, 0, dst, off, len);
        }
    }

    /** Runs shorter than this many values are read through the mapping (a system call each would cost more). */
    private static final int POSITIONAL_READ_MIN = 4096;
    private static final ThreadLocal<java.nio.ByteBuffer> READ_BUFFER = ThreadLocal.withInitial(() -> java.nio.ByteBuffer.allocateDirect(1 << 16));

    /**
     * One row's vector at {@code position} as doubles (exact for every dtype: all but float64 widen to float32 without
     * loss, so they take the bulk path of {@link #read}). The row is read with a positional read whatever its length:
     * rows read one by one (a search's winners, rescored) lie far apart, and touching each one's page of the mapping
     * cost more than a system call (the 1,000 winners of a 100-query search of 1,000,000 x 384 float16 rows: 50-73 ms
     * through the mapping).
     */
    public double[] rowAsDoubles(long row, int position) {
        double[] v = new double[dim];
        if (tensor.dtype() == DType.F64) {
            long base = (row * positions + position) * dim;
            for (int i = 0; i < dim; i++) {
                v[i] = tensor.getDouble(base + i);
            }
            return v;
        }
        float[] f = new float[dim];
        readRun((row * positions + position) * dim, f, 0, dim, 1);
        for (int i = 0; i < dim; i++) {
            v[i] = f[i];
        }
        return v;
    }

    public String describe() {
        return path.getFileName() + " " + tensor.dtype() + " " + Arrays.toString(tensor.shape());
    }

    @Override
    public void close() {
        file.close();
    }
}
