package dev.cossim.source;

import dev.cossim.CossimException;
import dev.cossim.source.PyTorchPickle.TensorView;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A file {@code torch.save} wrote (PyTorch 1.6 and later: a zip archive of {@code NAME/data.pkl}, the pickled object,
 * and one stored record {@code NAME/data/KEY} per storage). The pickle is read by {@link PyTorchPickle}, its
 * allow-listed reader; what it holds (a bare tensor, a state dict, dicts, lists and tuples of tensors) becomes tensors
 * named by their path ({@code encoder.layer.0.weight}; a bare tensor takes the file's stem). Each tensor is a view of
 * a storage: contiguous ones are slices of the memory-mapped record; a non-contiguous view (strides, a transpose) is
 * gathered into memory when asked for, once its extent was checked to lie inside the record.
 */
public final class PyTorchFile implements TensorFile {
    /** What to tell a user whose file cannot be read. */
    public static final String RESAVE = "re-save it with PyTorch 1.6 or later: torch.save(obj, f)"
            + " (the zip format; _use_new_zipfile_serialization=True on older versions)";
    /** The pickle is names and shapes; real ones are kilobytes to a few megabytes. */
    private static final long MAX_PICKLE = 256L << 20;

    private record Entry(TensorView view, DType dtype, ZipArchive.Entry record) {
    }

    private final ZipArchive zip;
    private final Map<String, Entry> entries;
    private final ByteOrder order;
    private final Arena gathered = Arena.ofShared();

    private PyTorchFile(ZipArchive zip, Map<String, Entry> entries, ByteOrder order) {
        this.zip = zip;
        this.entries = entries;
        this.order = order;
    }

    /** Whether a zip archive is a torch.save file: it holds {@code NAME/data.pkl}. */
    public static boolean isPyTorch(ZipArchive zip) {
        return dataPickle(zip) != null;
    }

    private static ZipArchive.Entry dataPickle(ZipArchive zip) {
        for (ZipArchive.Entry e : zip.entries()) {
            String n = e.name();
            if (n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - "/data.pkl".length()) {
                return e;
            }
        }
        return null;
    }

    public static PyTorchFile open(Path path) {
        byte[] head = firstBytes(path);
        if (!ZipArchive.hasMagic(head)) {
            if (head.length > 0 && (head[0] & 0xff) == 0x80) {
                throw CossimException.inFile(path, "a legacy (pre-1.6, not zip) PyTorch file; " + RESAVE);
            }
            throw CossimException.inFile(path, "not a PyTorch file (torch.save writes a zip archive); " + RESAVE);
        }
        ZipArchive zip = ZipArchive.open(path);
        try {
            return read(zip);
        } catch (RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    /** Reads the torch.save file that {@code zip} is; the archive is owned by the result (or closed by the caller on error). */
    static PyTorchFile read(ZipArchive zip) {
        Path path = zip.path();
        ZipArchive.Entry pkl = dataPickle(zip);
        if (pkl == null) {
            throw CossimException.inFile(path, "a zip archive without NAME/data.pkl, so not a torch.save file; " + RESAVE);
        }
        String prefix = pkl.name().substring(0, pkl.name().length() - "data.pkl".length());
        if (zip.entry(prefix + "code/") != null || zip.entry(prefix + "constants.pkl") != null) {
            throw CossimException.inFile(path, "a TorchScript archive (torch.jit.save); save the weights instead: torch.save(model.state_dict(), f)");
        }
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        ZipArchive.Entry bo = zip.entry(prefix + "byteorder");
        if (bo != null) {
            String s = bo.size() <= 16 ? new String(zip.read(bo, 16, RESAVE).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII).strip() : "";
            order = switch (s) {
                case "little" -> ByteOrder.LITTLE_ENDIAN;
                case "big" -> ByteOrder.BIG_ENDIAN;
                default -> throw CossimException.inFile(path, "record '" + bo.name() + "' names no byte order ('little' or 'big')");
            };
        }
        Object root = PyTorchPickle.load(path + ": " + pkl.name(), zip.read(pkl, MAX_PICKLE, RESAVE));
        Map<String, TensorView> views = new LinkedHashMap<>();
        flatten(path, "", root, views, Collections.newSetFromMap(new IdentityHashMap<>()), 0);
        if (views.isEmpty()) {
            throw CossimException.inFile(path, "holds no tensors (a torch.save of " + kind(root) + ")");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Map.Entry<String, TensorView> e : views.entrySet()) {
            String name = e.getKey().isEmpty() ? stem(path) : e.getKey();
            entries.put(name, check(zip, prefix, name, e.getValue()));
        }
        return new PyTorchFile(zip, Collections.unmodifiableMap(entries), order);
    }

    private static String kind(Object o) {
        return o == null ? "None" : o instanceof Map<?, ?> ? "an empty or tensor-free dict" : o instanceof List<?> ? "a list or tuple without tensors"
                : "a " + o.getClass().getSimpleName();
    }

    private static String stem(Path path) {
        String f = path.getFileName().toString();
        int dot = f.lastIndexOf('.');
        return dot > 0 ? f.substring(0, dot) : f;
    }

    /** Tensors by their path in nested dicts, lists and tuples; other values (epochs, strings) are left out. */
    private static void flatten(Path path, String prefix, Object o, Map<String, TensorView> out, Set<Object> seen, int depth) {
        if (o instanceof TensorView v) {
            if (out.put(prefix, v) != null) {
                throw CossimException.inFile(path, "two tensors share the name '" + prefix + "'");
            }
            return;
        }
        if (!(o instanceof Map<?, ?> || o instanceof List<?>)) {
            return;
        }
        if (depth > 64 || !seen.add(o)) {
            throw CossimException.inFile(path, "nests containers more than 64 deep or in a cycle, at '" + prefix + "'");
        }
        String dot = prefix.isEmpty() ? "" : prefix + ".";
        if (o instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                flatten(path, dot + e.getKey(), e.getValue(), out, seen, depth + 1);
            }
        } else {
            List<?> l = (List<?>) o;
            for (int i = 0; i < l.size(); i++) {
                flatten(path, dot + i, l.get(i), out, seen, depth + 1);
            }
        }
        seen.remove(o);
    }

    private static DType dtype(String storageType) {
        return switch (storageType) {
            case "FloatStorage" -> DType.F32;
            case "HalfStorage" -> DType.F16;
            case "BFloat16Storage" -> DType.BF16;
            case "DoubleStorage" -> DType.F64;
            case "LongStorage" -> DType.I64;
            case "IntStorage" -> DType.I32;
            case "ShortStorage" -> DType.I16;
            case "CharStorage" -> DType.I8;
            case "ByteStorage" -> DType.U8;
            case "BoolStorage" -> DType.BOOL;
            default -> null;
        };
    }

    /** Every claim of a view checked against its storage record, before anything is read or allocated. */
    private static Entry check(ZipArchive zip, String prefix, String name, TensorView v) {
        Path path = zip.path();
        String where = "tensor '" + name + "'";
        DType dtype = dtype(v.storage().type());
        if (dtype == null) {
            throw CossimException.inFile(path, where + " has storage type " + v.storage().type() + ", which cossim does not read");
        }
        String recordName = prefix + "data/" + v.storage().key();
        ZipArchive.Entry record = zip.entry(recordName);
        if (record == null) {
            throw CossimException.inFile(path, where + ": its storage record '" + recordName + "' is missing from the archive");
        }
        long[] shape = v.shape();
        long[] stride = v.stride();
        long elements = 1;
        long last = v.offset();
        try {
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] < 0 || stride[i] < 0) {
                    throw CossimException.inFile(path, where + " has a negative size or stride: size "
                            + Arrays.toString(shape) + ", stride " + Arrays.toString(stride));
                }
                elements = Math.multiplyExact(elements, shape[i]);
            }
            for (int i = 0; i < shape.length && elements > 0; i++) {
                last = Math.addExact(last, Math.multiplyExact(shape[i] - 1, stride[i]));
            }
            Math.multiplyExact(Math.addExact(last, 1), (long) dtype.size());
            Math.multiplyExact(elements, (long) dtype.size());
        } catch (ArithmeticException e) {
            throw CossimException.inFile(path, where + " has a size " + Arrays.toString(shape) + " too large to address");
        }
        long available = record.size() / dtype.size();
        if (v.offset() < 0 || (elements > 0 && last >= available)) {
            throw CossimException.inFile(path, where + " of size " + Arrays.toString(shape) + ", stride "
                    + Arrays.toString(stride) + " at offset " + v.offset() + " reaches element " + last
                    + " of a storage record holding " + available + " (" + record.size() + " bytes)");
        }
        if (!contiguous(shape, stride) && elements > available) {
            throw CossimException.inFile(path, where + " repeats storage elements (" + elements + " from "
                    + available + "); cossim reads views of at most their storage's size");
        }
        return new Entry(v, dtype, record);
    }

    private static boolean contiguous(long[] shape, long[] stride) {
        long expect = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expect) {
                return false;
            }
            expect *= shape[i];
        }
        return true;
    }

    private static byte[] firstBytes(Path path) {
        if (!Files.isRegularFile(path)) {
            throw CossimException.inFile(path, Files.exists(path) ? "is not a regular file" : "no such file");
        }
        return MappedFile.firstBytes(path, 8);
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
        return entries.entrySet().stream()
                .map(e -> new TensorInfo(e.getKey(), e.getValue().dtype().name(), e.getValue().view().shape())).toList();
    }

    @Override
    public Tensor tensor(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw CossimException.inFile(origin(), "no tensor named '" + name + "'");
        }
        TensorView v = e.view();
        long size = e.dtype().size();
        long[] shape = v.shape();
        long bytes = Tensor.elementCount(shape) * size;
        MemorySegment storage = zip.mapped(e.record(), "the storages of a torch.save file are stored uncompressed; " + RESAVE);
        MemorySegment data;
        if (bytes == 0) {
            data = MemorySegment.NULL.reinterpret(0);
        } else if (contiguous(shape, v.stride())) {
            data = storage.asSlice(v.offset() * size, bytes);
        } else {
            synchronized (this) {
                data = gathered.allocate(bytes, 8);
            }
            gather(storage, v, size, data);
        }
        return new Tensor(origin(), name, e.dtype(), shape, data, order);
    }

    /** Copies a strided view into {@code dst}, row-major: a run of the last dimension at a time. */
    private static void gather(MemorySegment src, TensorView v, long size, MemorySegment dst) {
        long[] shape = v.shape();
        long[] stride = v.stride();
        int r = shape.length;
        long inner = r == 0 ? 1 : shape[r - 1];
        long innerStride = r == 0 ? 1 : stride[r - 1];
        long[] idx = new long[Math.max(0, r - 1)];
        long out = 0;
        while (true) {
            long from = v.offset();
            for (int i = 0; i < idx.length; i++) {
                from += idx[i] * stride[i];
            }
            if (innerStride == 1) {
                MemorySegment.copy(src, from * size, dst, out, inner * size);
                out += inner * size;
            } else {
                for (long j = 0; j < inner; j++, out += size) {
                    MemorySegment.copy(src, (from + j * innerStride) * size, dst, out, size);
                }
            }
            int d = idx.length - 1;
            while (d >= 0 && ++idx[d] == shape[d]) {
                idx[d--] = 0;
            }
            if (d < 0) {
                return;
            }
        }
    }

    @Override
    public void close() {
        gathered.close();
        zip.close();
    }
}
