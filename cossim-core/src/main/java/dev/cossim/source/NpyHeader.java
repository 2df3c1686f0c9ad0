package dev.cossim.source;

import dev.cossim.CossimException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a NumPy {@code .npy} file, read and written in one place (numpy.lib.format): the magic
 * {@code \x93NUMPY}, a major and minor version byte, a little-endian header length (2 bytes in version 1, 4 bytes in
 * versions 2 and 3), then a Python dict literal with 'descr', 'fortran_order' and 'shape', padded with spaces and
 * ended by '\n' so that the data starts at a multiple of 64 bytes; the data follows, row-major.
 *
 * @param major      format version (1, 2 or 3)
 * @param descr      the dtype string as written, e.g. {@code <f4}
 * @param dtype      the element type it names
 * @param order      the elements' byte order
 * @param shape      dimensions, outermost first
 * @param dataOffset where the data starts
 * @param dataBytes  how many bytes of data the shape holds
 */
public record NpyHeader(int major, String descr, DType dtype, ByteOrder order, long[] shape, long dataOffset, long dataBytes) {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");
    /** Far above any real header (numpy itself refuses headers over 10,000 bytes unless told otherwise). */
    private static final long MAX_HEADER = 1 << 24;
    private static final int ALIGN = 64;

    public NpyHeader {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    // ---- writing ----

    /** The little-endian descr of a dtype cossim writes: {@code <f4}, {@code <f2}, {@code <f8}. */
    public static String descr(DType dtype) {
        return switch (dtype) {
            case F32 -> "<f4";
            case F16 -> "<f2";
            case F64 -> "<f8";
            default -> throw new IllegalArgumentException("no .npy descr written for " + dtype);
        };
    }

    /** A shape as Python writes the tuple: {@code ()}, {@code (3,)}, {@code (2, 3)}. */
    public static String shapeRepr(long... shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            b.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return b.append(')').toString();
    }

    /**
     * The header of a C-order array of {@code descr} and {@code shape}, as numpy writes it: version 1.0, or 2.0 for a
     * dict too long for a 2-byte length; padded with spaces and a newline so the data starts at a multiple of 64.
     */
    public static byte[] format(String descr, long... shape) {
        for (long s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
        }
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeRepr(shape) + ", }";
        int prefix = 10;
        int total = pad(prefix + dict.length() + 1);
        if (total - prefix > 0xffff) {
            prefix = 12;
            total = pad(prefix + dict.length() + 1);
        }
        String h = dict + " ".repeat(total - prefix - dict.length() - 1) + "\n";
        byte[] out = new byte[total];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        out[6] = (byte) (prefix == 10 ? 1 : 2);
        out[7] = 0;
        int len = h.length();
        out[8] = (byte) len;
        out[9] = (byte) (len >>> 8);
        if (prefix == 12) {
            out[10] = (byte) (len >>> 16);
            out[11] = (byte) (len >>> 24);
        }
        System.arraycopy(h.getBytes(StandardCharsets.US_ASCII), 0, out, prefix, len);
        return out;
    }

    /** {@link #format(String, long...)} for a dtype cossim writes. */
    public static byte[] format(DType dtype, long... shape) {
        return format(descr(dtype), shape);
    }

    private static int pad(int n) {
        return (n + ALIGN - 1) / ALIGN * ALIGN;
    }

    // ---- reading ----

    /**
     * Parses the header at the start of {@code file}, checking that the data the shape needs is there. Every problem
     * is a {@link CossimException} of one line naming {@code origin}.
     */
    public static NpyHeader parse(Object origin, MemorySegment file) {
        long size = file.byteSize();
        if (size < 10) {
            throw CossimException.inFile(origin, "truncated .npy file: " + size + " bytes");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (file.get(ValueLayout.JAVA_BYTE, i) != MAGIC[i]) {
                throw CossimException.inFile(origin, "not a .npy file (bad magic)");
            }
        }
        int major = file.get(ValueLayout.JAVA_BYTE, 6) & 0xff;
        long headerLen;
        long headerStart;
        if (major == 1) {
            headerLen = file.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8) & 0xffff;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (size < 12) {
                throw CossimException.inFile(origin, "truncated .npy file: " + size + " bytes");
            }
            headerLen = file.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8) & 0xffffffffL;
            headerStart = 12;
        } else {
            throw CossimException.inFile(origin, "unsupported .npy format version " + major);
        }
        if (headerStart + headerLen > size) {
            throw CossimException.inFile(origin, ".npy header length " + headerLen + " runs beyond the end of the file");
        }
        if (headerLen > MAX_HEADER) {
            throw CossimException.inFile(origin, ".npy header length " + headerLen + " is implausibly large");
        }
        String header = new String(file.asSlice(headerStart, headerLen).toArray(ValueLayout.JAVA_BYTE),
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String h = header.strip();
        if (!h.startsWith("{") || !h.endsWith("}")) {
            throw CossimException.inFile(origin, ".npy header is not a dict: " + abbreviate(h));
        }
        Matcher md = DESCR.matcher(h);
        Matcher mf = FORTRAN.matcher(h);
        Matcher ms = SHAPE.matcher(h);
        if (!md.find() || !mf.find() || !ms.find()) {
            throw CossimException.inFile(origin, ".npy header lacks descr, fortran_order or shape: " + abbreviate(h));
        }
        String descr = md.group(1);
        if (mf.group(1).equals("True")) {
            throw CossimException.inFile(origin, ".npy array is in Fortran order; save it in C order (numpy.ascontiguousarray)");
        }
        long[] shape = parseShape(origin, ms.group(1));
        ByteOrder order = switch (descr.isEmpty() ? ' ' : descr.charAt(0)) {
            case '<', '|' -> ByteOrder.LITTLE_ENDIAN;
            case '>' -> ByteOrder.BIG_ENDIAN;
            case '=' -> ByteOrder.nativeOrder();
            default -> throw CossimException.inFile(origin, ".npy descr '" + descr + "' has no byte-order mark");
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
            default -> throw CossimException.inFile(origin, "unsupported .npy dtype '" + descr + "'");
        };
        long dataStart = headerStart + headerLen;
        long bytes = dataBytes(origin, shape, dtype);
        if (bytes > size - dataStart) { // not dataStart + bytes: that wraps for a shape of 2^63 - 1 bytes
            throw CossimException.inFile(origin, "truncated .npy file: shape needs " + bytes + " bytes of data, file has "
                    + (size - dataStart));
        }
        return new NpyHeader(major, descr, dtype, order, shape, dataStart, bytes);
    }

    /**
     * The bytes of data a shape holds. As numpy does, the product of the nonzero dimensions and the element size must
     * fit in a signed 64-bit size, even when another dimension is zero.
     */
    private static long dataBytes(Object origin, long[] shape, DType dtype) {
        long n = dtype.size();
        boolean empty = false;
        for (long s : shape) {
            if (s == 0) {
                empty = true;
                continue;
            }
            try {
                n = Math.multiplyExact(n, s);
            } catch (ArithmeticException e) {
                throw CossimException.inFile(origin, ".npy shape " + shapeRepr(shape) + " too large to address");
            }
        }
        return empty ? 0 : n;
    }

    /**
     * The dimensions inside a shape tuple's parentheses: empty (a scalar), {@code N,} or {@code N}, or several
     * separated by commas with an optional trailing comma; Python 2's {@code L} suffix is accepted.
     */
    static long[] parseShape(Object origin, String inner) {
        String s = inner.strip();
        if (s.isEmpty()) {
            return new long[0];
        }
        String[] parts = s.split(",", -1);
        int n = parts.length;
        if (n > 1 && parts[n - 1].isBlank()) {
            n--; // the trailing comma of (N,) or (A, B,)
        }
        long[] shape = new long[n];
        for (int i = 0; i < n; i++) {
            String p = parts[i].strip();
            if (p.isEmpty()) {
                throw CossimException.inFile(origin, ".npy shape (" + abbreviate(s) + ") has an empty dimension");
            }
            if (p.endsWith("L")) {
                p = p.substring(0, p.length() - 1);
            }
            try {
                shape[i] = Long.parseLong(p);
            } catch (NumberFormatException e) {
                throw CossimException.inFile(origin, ".npy shape has a bad dimension '" + abbreviate(p) + "'");
            }
            if (shape[i] < 0) {
                throw CossimException.inFile(origin, ".npy shape has a negative dimension " + shape[i]);
            }
        }
        return shape;
    }

    /** At most 80 characters of {@code s}, control characters shown as '?', so that a message stays one line. */
    private static String abbreviate(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return t.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}
