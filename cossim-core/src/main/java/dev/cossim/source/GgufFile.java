package dev.cossim.source;

import dev.cossim.CossimException;
import dev.cossim.vocab.ByteLevel;
import dev.cossim.vocab.TokenVocabulary;
import dev.cossim.vocab.Vocabulary;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;

/**
 * A GGUF file (llama.cpp / ggml, versions 2 and 3, little-endian), memory-mapped. Layout: the magic {@code GGUF}, a
 * u32 version, u64 tensor and metadata counts; the metadata key/values (a key is a u64-length UTF-8 string, then a
 * u32 value type and the value; arrays are a u32 element type, a u64 count and the elements); the tensor infos (name,
 * u32 dimension count, u64 dimensions with ggml's {@code ne[0]}, the fastest, first; u32 ggml type; u64 offset into
 * the data section); then, at the next multiple of {@code general.alignment} (32 unless given), the data section.
 *
 * <p>Shapes are given outermost first, as everywhere in cossim: a ggml {@code [384, 30522]} token embedding is a
 * {@code [30522, 384]} matrix. Quantised tensors stay in the file and are dequantised as rows are read
 * ({@link GgufBlocks}). Every count and length the header claims is checked against the bytes the file has before
 * anything is allocated for it; metadata arrays are kept as positions in the file and read when asked for.
 */
public final class GgufFile implements TensorFile {
    public static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
    public static final long DEFAULT_ALIGNMENT = 32;
    /** ggml's GGML_MAX_DIMS. */
    static final int MAX_DIMS = 4;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Metadata value types, by their GGUF number (the ordinal). */
    public enum ValueType {
        UINT8(1), INT8(1), UINT16(2), INT16(2), UINT32(4), INT32(4), FLOAT32(4), BOOL(1), STRING(0), ARRAY(0),
        UINT64(8), INT64(8), FLOAT64(8);

        /** Bytes per value; 0 for the variable-length string and array. */
        final int size;

        ValueType(int size) {
            this.size = size;
        }
    }

    /** A metadata array, left in the file: its element type, length and where its elements start. */
    public record Array(ValueType elementType, long length, long offset) {
        @Override
        public String toString() {
            return "[" + elementType.name().toLowerCase(java.util.Locale.ROOT) + " x " + length + "]";
        }
    }

    /** ggml's type numbers and names (ggml.h); the ones with a {@link DType} can be read. */
    private static final Map<Integer, String> GGML_TYPES = Map.ofEntries(
            Map.entry(0, "F32"), Map.entry(1, "F16"), Map.entry(2, "Q4_0"), Map.entry(3, "Q4_1"), Map.entry(6, "Q5_0"),
            Map.entry(7, "Q5_1"), Map.entry(8, "Q8_0"), Map.entry(9, "Q8_1"), Map.entry(10, "Q2_K"), Map.entry(11, "Q3_K"),
            Map.entry(12, "Q4_K"), Map.entry(13, "Q5_K"), Map.entry(14, "Q6_K"), Map.entry(15, "Q8_K"),
            Map.entry(16, "IQ2_XXS"), Map.entry(17, "IQ2_XS"), Map.entry(18, "IQ3_XXS"), Map.entry(19, "IQ1_S"),
            Map.entry(20, "IQ4_NL"), Map.entry(21, "IQ3_S"), Map.entry(22, "IQ2_S"), Map.entry(23, "IQ4_XS"),
            Map.entry(24, "I8"), Map.entry(25, "I16"), Map.entry(26, "I32"), Map.entry(27, "I64"), Map.entry(28, "F64"),
            Map.entry(29, "IQ1_M"), Map.entry(30, "BF16"), Map.entry(34, "TQ1_0"), Map.entry(35, "TQ2_0"),
            Map.entry(39, "MXFP4"));
    private static final String READABLE_TYPES = "F32, F16, BF16, F64, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K, Q6_K, Q8_K";

    /** One tensor info; {@code dtype} is null for a ggml type cossim does not read (its size is then unknown). */
    private record Entry(TensorInfo info, DType dtype, long offset, long bytes) {
    }

    private final MappedFile file;
    private final int version;
    private final long alignment;
    private final Map<String, Object> metadata;
    private final Map<String, Entry> entries;
    private final long dataStart;
    private Vocabulary vocabulary;

    private GgufFile(MappedFile file, int version, long alignment, Map<String, Object> metadata, Map<String, Entry> entries, long dataStart) {
        this.file = file;
        this.version = version;
        this.alignment = alignment;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.entries = entries;
        this.dataStart = dataStart;
    }

    public static GgufFile open(Path path) {
        MappedFile f = MappedFile.open(path);
        try {
            return parse(f);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /** Whether these first bytes are the GGUF magic. */
    public static boolean isGguf(byte[] head) {
        return head.length >= 4 && head[0] == 'G' && head[1] == 'G' && head[2] == 'U' && head[3] == 'F';
    }

    private static GgufFile parse(MappedFile f) {
        Path path = f.path();
        Cursor c = new Cursor(path, f.segment());
        if (c.size < 4 || c.u32("magic") != MAGIC) {
            throw CossimException.inFile(path, "not a GGUF file: it does not start with the magic 'GGUF'");
        }
        int version = c.u32("version");
        if (version != 2 && version != 3) {
            int swapped = Integer.reverseBytes(version);
            throw CossimException.inFile(path, swapped == 2 || swapped == 3
                    ? "big-endian GGUF files are not supported"
                    : version == 1 ? "GGUF version 1 is not supported (re-convert the model with a current llama.cpp)"
                    : "unsupported GGUF version " + Integer.toUnsignedString(version) + " (cossim reads versions 2 and 3)");
        }
        long tensorCount = c.u64("tensor count");
        long kvCount = c.u64("metadata count");
        // A tensor info takes at least 24 bytes (name length, dimension count, type, offset), a key/value at least 13.
        c.checkCount(tensorCount, 24, "tensor infos");
        c.checkCount(kvCount, 13, "metadata key/values");
        Map<String, Object> meta = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = c.string("metadata key " + i);
            ValueType type = c.valueType("metadata '" + key + "'");
            Object value = c.value(type, "metadata '" + key + "'");
            if (meta.putIfAbsent(key, value) != null) {
                throw CossimException.inFile(path, "duplicate metadata key '" + key + "'");
            }
        }
        long alignment = alignment(path, meta.get("general.alignment"));
        List<String> names = new ArrayList<>();
        List<long[]> shapes = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        for (long i = 0; i < tensorCount; i++) {
            String name = c.string("tensor info " + i + " name");
            String where = "tensor '" + name + "'";
            int nDims = c.u32(where + " dimension count");
            if (nDims < 1 || nDims > MAX_DIMS) {
                throw CossimException.inFile(path, where + " has " + Integer.toUnsignedString(nDims) + " dimensions; GGUF allows 1 to " + MAX_DIMS);
            }
            long[] shape = new long[nDims];
            for (int d = 0; d < nDims; d++) {
                long ne = c.u64(where + " dimension " + d);
                if (ne < 0) {
                    throw CossimException.inFile(path, where + " has an absurd dimension " + Long.toUnsignedString(ne));
                }
                shape[nDims - 1 - d] = ne; // ne[0] is the fastest dimension: our last
            }
            names.add(name);
            shapes.add(shape);
            types.add(c.u32(where + " type"));
            offsets.add(c.u64(where + " offset"));
        }
        long dataStart = Math.ceilDiv(c.pos, alignment) * alignment;
        if (tensorCount > 0 && dataStart > c.size) {
            throw CossimException.inFile(path, "truncated GGUF file: the data section would start at byte " + dataStart
                    + ", past the end of the file (" + c.size + " bytes)");
        }
        long dataSize = Math.max(0, c.size - dataStart);
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            Entry e = entry(path, names.get(i), shapes.get(i), types.get(i), offsets.get(i), alignment, dataSize);
            if (entries.putIfAbsent(e.info().name(), e) != null) {
                throw CossimException.inFile(path, "duplicate tensor name '" + e.info().name() + "'");
            }
        }
        checkNoOverlap(path, entries.values());
        return new GgufFile(f, version, alignment, meta, entries, dataStart);
    }

    private static long alignment(Path path, Object value) {
        if (value == null) {
            return DEFAULT_ALIGNMENT;
        }
        if (!(value instanceof Long a) || a <= 0 || a > (1L << 30) || Long.bitCount(a) != 1) {
            throw CossimException.inFile(path, "general.alignment " + value + " is not a power of two between 1 and 2^30");
        }
        return a;
    }

    private static Entry entry(Path path, String name, long[] shape, int typeId, long offset, long alignment, long dataSize) {
        String where = "tensor '" + name + "'";
        String typeName = GGML_TYPES.get(typeId);
        if (typeName == null) {
            throw CossimException.inFile(path, where + " has unknown ggml type " + Integer.toUnsignedString(typeId));
        }
        if (offset < 0 || offset % alignment != 0) {
            throw CossimException.inFile(path, where + " has offset " + Long.toUnsignedString(offset)
                    + ", not a multiple of the alignment " + alignment);
        }
        DType dtype = Arrays.stream(DType.values()).filter(t -> t.name().equals(typeName)).findFirst().orElse(null);
        long bytes = -1;
        if (dtype != null) {
            long rowLength = shape[shape.length - 1];
            if (rowLength % dtype.blockSize() != 0) {
                throw CossimException.inFile(path, where + " of type " + typeName + " has rows of " + rowLength
                        + " values, not a whole number of blocks of " + dtype.blockSize());
            }
            try {
                bytes = dtype.bytesFor(Tensor.elementCount(shape));
            } catch (ArithmeticException e) {
                throw CossimException.inFile(path, where + " has absurd dimensions " + Arrays.toString(shape));
            }
            if (bytes > dataSize || offset > dataSize - bytes) {
                throw CossimException.inFile(path, where + " (" + bytes + " bytes at offset " + offset
                        + ") runs past the end of the file: the data section has " + dataSize + " bytes");
            }
        } else if (offset > dataSize) {
            throw CossimException.inFile(path, where + " starts at offset " + offset
                    + ", past the end of the file: the data section has " + dataSize + " bytes");
        }
        return new Entry(new TensorInfo(name, typeName, shape), dtype, offset, bytes);
    }

    private static void checkNoOverlap(Path path, java.util.Collection<Entry> all) {
        List<Entry> sorted = all.stream().filter(e -> e.bytes() > 0)
                .sorted(Comparator.comparingLong(Entry::offset)).toList();
        for (int i = 1; i < sorted.size(); i++) {
            Entry a = sorted.get(i - 1);
            Entry b = sorted.get(i);
            if (b.offset() < a.offset() + a.bytes()) {
                throw CossimException.inFile(path, "tensors '" + a.info().name() + "' and '" + b.info().name() + "' overlap in the data section");
            }
        }
    }

    /** The GGUF version (2 or 3). */
    public int version() {
        return version;
    }

    /** Alignment of the data section and of every tensor in it. */
    public long alignment() {
        return alignment;
    }

    /**
     * Every metadata key/value in file order: integers of every width as Long (a UINT64 past 2^63 reads negative),
     * FLOAT32/FLOAT64 as Double, BOOL as Boolean, STRING as String, arrays as {@link Array} (see {@link #strings}).
     */
    public Map<String, Object> metadata() {
        return metadata;
    }

    public Optional<String> string(String key) {
        return metadata.get(key) instanceof String s ? Optional.of(s) : Optional.empty();
    }

    public OptionalLong integer(String key) {
        return metadata.get(key) instanceof Long l ? OptionalLong.of(l) : OptionalLong.empty();
    }

    /** The elements of a string-array value, read from the file now; null when the key is no array of strings. */
    public String[] strings(String key) {
        if (!(metadata.get(key) instanceof Array a) || a.elementType() != ValueType.STRING) {
            return null;
        }
        if (a.length() > Integer.MAX_VALUE - 16) {
            throw CossimException.inFile(origin(), "metadata '" + key + "' holds " + a.length() + " strings, more than one Java array can");
        }
        Cursor c = new Cursor(file.path(), file.segment());
        c.pos = a.offset();
        String[] out = new String[(int) a.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = c.string("metadata '" + key + "' element " + i);
        }
        return out;
    }

    /** How many tensors have each ggml type, most frequent first. */
    public Map<String, Integer> typeCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Entry e : entries.values()) {
            counts.merge(e.info().dtype(), 1, Integer::sum);
        }
        Map<String, Integer> sorted = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /**
     * The vocabulary in {@code tokenizer.ggml.tokens}, shown readably by {@code tokenizer.ggml.model}: GPT-2's
     * byte-level spellings decoded ({@code gpt2}); the WordPiece spelling restored for {@code bert} (llama.cpp's
     * converter writes '▁' before word starts and drops the '##' of continuations); otherwise SentencePiece's '▁' as
     * a space. Null when the file has no tokens.
     */
    @Override
    public synchronized Vocabulary vocabulary() {
        if (vocabulary == null) {
            String[] tokens = strings("tokenizer.ggml.tokens");
            if (tokens == null) {
                return null;
            }
            vocabulary = new TokenVocabulary(tokens, spelling(string("tokenizer.ggml.model").orElse(""))).withOrigin(origin().toString());
        }
        return vocabulary;
    }

    static UnaryOperator<String> spelling(String tokenizerModel) {
        return switch (tokenizerModel) {
            case "gpt2" -> ByteLevel::decode;
            case "bert" -> GgufFile::wordPiece;
            default -> t -> t.replace('\u2581', ' ');
        };
    }

    /** The WordPiece token llama.cpp's BERT converter wrote as {@code t}. */
    static String wordPiece(String t) {
        if (t.startsWith("\u2581")) {
            return t.substring(1);
        }
        return t.startsWith("[") && t.endsWith("]") ? t : "##" + t;
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
        return entries.values().stream().map(Entry::info).toList();
    }

    @Override
    public Tensor tensor(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw CossimException.inFile(origin(), "no tensor named '" + name + "'");
        }
        if (e.dtype() == null) {
            throw CossimException.inFile(origin(), "tensor '" + name + "' has ggml type " + e.info().dtype()
                    + ", which cossim does not read (it reads " + READABLE_TYPES + ")");
        }
        MemorySegment data = file.segment().asSlice(dataStart + e.offset(), e.bytes());
        return new Tensor(origin(), name, e.dtype(), e.info().shape(), data, ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void close() {
        file.close();
    }

    /** Little-endian reads through the header, each checked against the bytes left, failing with the file's name. */
    private static final class Cursor {
        final Path path;
        final MemorySegment seg;
        final long size;
        long pos;

        Cursor(Path path, MemorySegment seg) {
            this.path = path;
            this.seg = seg;
            this.size = seg.byteSize();
        }

        long remaining() {
            return size - pos;
        }

        void need(long n, String what) {
            if (n > remaining()) {
                throw CossimException.inFile(path, "truncated GGUF header: " + what + " at byte " + pos + " needs "
                        + n + " bytes, the file has " + remaining() + " left");
            }
        }

        /** A claimed count of items of at least {@code minBytes} each must fit in what is left. */
        void checkCount(long count, long minBytes, String what) {
            if (count < 0 || count > remaining() / minBytes) {
                throw CossimException.inFile(path, "GGUF header claims " + Long.toUnsignedString(count) + " " + what
                        + ", more than the " + remaining() + " bytes left in the file can hold");
            }
        }

        int u32(String what) {
            need(4, what);
            int v = seg.get(U32, pos);
            pos += 4;
            return v;
        }

        long u64(String what) {
            need(8, what);
            long v = seg.get(U64, pos);
            pos += 8;
            return v;
        }

        String string(String what) {
            long n = u64(what + " length");
            if (n < 0 || n > remaining()) {
                throw CossimException.inFile(path, what + ": string length " + Long.toUnsignedString(n)
                        + " runs past the end of the file (" + remaining() + " bytes left)");
            }
            if (n > Integer.MAX_VALUE - 16) {
                throw CossimException.inFile(path, what + ": string of " + n + " bytes is too long");
            }
            String s = new String(seg.asSlice(pos, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        ValueType valueType(String what) {
            int t = u32(what + " type");
            if (t < 0 || t >= ValueType.values().length) {
                throw CossimException.inFile(path, what + " has unknown value type " + Integer.toUnsignedString(t));
            }
            return ValueType.values()[t];
        }

        Object value(ValueType type, String what) {
            if (type.size > 0) {
                need(type.size, what);
            }
            Object v = switch (type) {
                case UINT8 -> (long) (seg.get(ValueLayout.JAVA_BYTE, pos) & 0xff);
                case INT8 -> (long) seg.get(ValueLayout.JAVA_BYTE, pos);
                case UINT16 -> (long) (seg.get(U16, pos) & 0xffff);
                case INT16 -> (long) seg.get(U16, pos);
                case UINT32 -> Integer.toUnsignedLong(seg.get(U32, pos));
                case INT32 -> (long) seg.get(U32, pos);
                case UINT64, INT64 -> seg.get(U64, pos);
                case FLOAT32 -> (double) Float.intBitsToFloat(seg.get(U32, pos));
                case FLOAT64 -> Double.longBitsToDouble(seg.get(U64, pos));
                case BOOL -> seg.get(ValueLayout.JAVA_BYTE, pos) != 0;
                case STRING -> string(what);
                case ARRAY -> array(what);
            };
            pos += type.size;
            return v;
        }

        Array array(String what) {
            ValueType element = valueType(what + " array element");
            if (element == ValueType.ARRAY) {
                throw CossimException.inFile(path, what + " is an array of arrays, which GGUF readers do not take");
            }
            long count = u64(what + " array length");
            long start = pos;
            if (element == ValueType.STRING) {
                checkCount(count, 8, "strings in " + what);
                for (long i = 0; i < count; i++) {
                    long n = u64(what + " element " + i + " length");
                    if (n < 0 || n > remaining()) {
                        throw CossimException.inFile(path, what + " element " + i + ": string length "
                                + Long.toUnsignedString(n) + " runs past the end of the file (" + remaining() + " bytes left)");
                    }
                    pos += n;
                }
            } else {
                checkCount(count, element.size, element.name().toLowerCase(java.util.Locale.ROOT) + " values in " + what);
                pos += count * element.size;
            }
            return new Array(element, count, start);
        }
    }
}
