package dev.cossim.source;

import dev.cossim.CossimException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A NumPy {@code .npy} file, memory-mapped. Format (numpy.lib.format): the magic {@code \x93NUMPY}, a major and minor
 * version byte, a little-endian header length (2 bytes in version 1, 4 bytes in versions 2 and 3), then a Python
 * dict literal with 'descr', 'fortran_order' and 'shape', padded with spaces and a newline; the data follows.
 */
public final class NpyFile implements TensorFile {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

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
        if (seg.byteSize() < 10) {
            throw CossimException.inFile(path, "truncated .npy file: " + seg.byteSize() + " bytes");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (seg.get(ValueLayout.JAVA_BYTE, i) != MAGIC[i]) {
                throw CossimException.inFile(path, "not a .npy file (bad magic)");
            }
        }
        int major = seg.get(ValueLayout.JAVA_BYTE, 6) & 0xff;
        long headerLen;
        long headerStart;
        if (major == 1) {
            headerLen = seg.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8) & 0xffff;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (seg.byteSize() < 12) {
                throw CossimException.inFile(path, "truncated .npy file: " + seg.byteSize() + " bytes");
            }
            headerLen = seg.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8) & 0xffffffffL;
            headerStart = 12;
        } else {
            throw CossimException.inFile(path, "unsupported .npy format version " + major);
        }
        if (headerStart + headerLen > seg.byteSize()) {
            throw CossimException.inFile(path, ".npy header length " + headerLen + " runs beyond the end of the file");
        }
        String header = new String(seg.asSlice(headerStart, headerLen).toArray(ValueLayout.JAVA_BYTE),
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String h = header.strip();
        if (!h.startsWith("{") || !h.endsWith("}")) {
            throw CossimException.inFile(path, ".npy header is not a dict: " + abbreviate(h));
        }
        Matcher md = DESCR.matcher(h);
        Matcher mf = FORTRAN.matcher(h);
        Matcher ms = SHAPE.matcher(h);
        if (!md.find() || !mf.find() || !ms.find()) {
            throw CossimException.inFile(path, ".npy header lacks descr, fortran_order or shape: " + abbreviate(h));
        }
        String descr = md.group(1);
        if (mf.group(1).equals("True")) {
            throw CossimException.inFile(path, ".npy array is in Fortran order; save it in C order (numpy.ascontiguousarray)");
        }
        long[] shape = parseShape(path, ms.group(1));
        ByteOrder order = switch (descr.isEmpty() ? ' ' : descr.charAt(0)) {
            case '<', '|' -> ByteOrder.LITTLE_ENDIAN;
            case '>' -> ByteOrder.BIG_ENDIAN;
            case '=' -> ByteOrder.nativeOrder();
            default -> throw CossimException.inFile(path, ".npy descr '" + descr + "' has no byte-order mark");
        };
        DType dtype = switch (descr.substring(1)) {
            case "f2" -> DType.F16;
            case "f4" -> DType.F32;
            case "f8" -> DType.F64;
            case "i1" -> DType.I8;
            case "u1" -> DType.U8;
            case "i2" -> DType.I16;
            case "u2" -> DType.U16;
            case "i4" -> DType.I32;
            case "u4" -> DType.U32;
            case "i8" -> DType.I64;
            case "u8" -> DType.U64;
            case "b1" -> DType.BOOL;
            default -> throw CossimException.inFile(path, "unsupported .npy dtype '" + descr + "'");
        };
        long dataStart = headerStart + headerLen;
        long bytes;
        try {
            bytes = Math.multiplyExact(Tensor.elementCount(shape), dtype.size());
        } catch (ArithmeticException e) {
            throw CossimException.inFile(path, ".npy shape too large to address");
        }
        if (dataStart + bytes > seg.byteSize()) {
            throw CossimException.inFile(path, "truncated .npy file: shape needs " + bytes + " bytes of data, file has "
                    + (seg.byteSize() - dataStart));
        }
        Tensor t = new Tensor(path.toString(), tensorName(path), dtype, shape, seg.asSlice(dataStart, bytes), order);
        return new NpyFile(f, t, descr);
    }

    private static long[] parseShape(Path path, String inner) {
        String s = inner.strip();
        if (s.isEmpty()) {
            return new long[0];
        }
        String[] parts = s.split(",");
        int n = parts[parts.length - 1].isBlank() ? parts.length - 1 : parts.length;
        long[] shape = new long[n];
        for (int i = 0; i < n; i++) {
            String p = parts[i].strip();
            if (p.endsWith("L")) {
                p = p.substring(0, p.length() - 1);
            }
            try {
                shape[i] = Long.parseLong(p);
            } catch (NumberFormatException e) {
                throw CossimException.inFile(path, ".npy shape has a bad dimension '" + p + "'");
            }
            if (shape[i] < 0) {
                throw CossimException.inFile(path, ".npy shape has a negative dimension " + shape[i]);
            }
        }
        return shape;
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
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
    public void close() {
        file.close();
    }
}
