package dev.cossim.source;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cossim.CossimException;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file, memory-mapped. Layout: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
 * ({name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}), then the data buffer that the
 * offsets index. The header is validated in full before any tensor is handed out.
 */
public final class SafetensorsFile implements TensorFile {
    /** The reference implementation refuses headers over 100 MB; so do we, before allocating anything. */
    static final long MAX_HEADER = 100L * 1024 * 1024;
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private record Entry(TensorInfo info, DType dtype, long begin, long end) {
    }

    private final MappedFile file;
    private final Map<String, Entry> entries;
    private final long dataStart;

    private SafetensorsFile(MappedFile file, Map<String, Entry> entries, long dataStart) {
        this.file = file;
        this.entries = entries;
        this.dataStart = dataStart;
    }

    public static SafetensorsFile open(Path path) {
        MappedFile f = MappedFile.open(path);
        try {
            return parse(f);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    private static SafetensorsFile parse(MappedFile f) {
        Path path = f.path();
        MemorySegment seg = f.segment();
        if (seg.byteSize() < 8) {
            throw CossimException.inFile(path, "truncated safetensors file: " + seg.byteSize() + " bytes, no 8-byte header length");
        }
        long n = seg.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (n < 0 || n > seg.byteSize() - 8) {
            throw CossimException.inFile(path, "safetensors header length " + Long.toUnsignedString(n)
                    + " runs beyond the end of the file (" + seg.byteSize() + " bytes)");
        }
        if (n > MAX_HEADER) {
            throw CossimException.inFile(path, "safetensors header of " + n + " bytes exceeds the 100 MB limit");
        }
        byte[] header = seg.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE);
        JsonNode root;
        try {
            root = JSON.readTree(new String(header, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw CossimException.inFile(path, "safetensors header is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw CossimException.inFile(path, "safetensors header is not a JSON object");
        }
        long dataStart = 8 + n;
        long dataSize = seg.byteSize() - dataStart;
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                continue;
            }
            entries.put(name, parseEntry(path, name, e.getValue(), dataSize));
        }
        checkNoOverlap(path, entries);
        return new SafetensorsFile(f, entries, dataStart);
    }

    private static Entry parseEntry(Path path, String name, JsonNode node, long dataSize) {
        String where = "tensor '" + name + "'";
        if (!node.isObject()) {
            throw CossimException.inFile(path, where + " in the safetensors header is not an object");
        }
        JsonNode dt = node.get("dtype");
        JsonNode sh = node.get("shape");
        JsonNode off = node.get("data_offsets");
        if (dt == null || !dt.isTextual()) {
            throw CossimException.inFile(path, where + " has no dtype");
        }
        DType dtype = DType.fromSafetensors(dt.asText())
                .orElseThrow(() -> CossimException.inFile(path, where + " has unknown dtype '" + dt.asText() + "'"));
        if (sh == null || !sh.isArray()) {
            throw CossimException.inFile(path, where + " has no shape array");
        }
        long[] shape = new long[sh.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                throw CossimException.inFile(path, where + " has an invalid dimension " + d);
            }
            shape[i] = d.asLong();
        }
        if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber() || !off.get(1).isIntegralNumber()
                || !off.get(0).canConvertToLong() || !off.get(1).canConvertToLong()) {
            throw CossimException.inFile(path, where + " has no data_offsets [begin, end]");
        }
        long begin = off.get(0).asLong();
        long end = off.get(1).asLong();
        if (begin < 0 || end < begin || end > dataSize) {
            throw CossimException.inFile(path, where + " data_offsets [" + begin + ", " + end
                    + "] are out of range of the " + dataSize + "-byte data buffer");
        }
        long expected;
        try {
            expected = Math.multiplyExact(Tensor.elementCount(shape), dtype.size());
        } catch (ArithmeticException ex) {
            throw CossimException.inFile(path, where + " has a shape too large to address");
        }
        if (end - begin != expected) {
            throw CossimException.inFile(path, where + " spans " + (end - begin) + " bytes but its shape and dtype need " + expected);
        }
        return new Entry(new TensorInfo(name, dtype.name(), shape), dtype, begin, end);
    }

    private static void checkNoOverlap(Path path, Map<String, Entry> entries) {
        // Empty tensors take no bytes and overlap nothing; each other tensor must start at or after the end of
        // every one before it (compared with the furthest end so far, not only the neighbour's).
        List<Entry> sorted = new ArrayList<>(entries.values().stream().filter(e -> e.end() > e.begin()).toList());
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        Entry furthest = null;
        for (Entry b : sorted) {
            if (furthest != null && b.begin() < furthest.end()) {
                throw CossimException.inFile(path, "tensors '" + furthest.info().name() + "' and '" + b.info().name()
                        + "' have overlapping data_offsets");
            }
            if (furthest == null || b.end() > furthest.end()) {
                furthest = b;
            }
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
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
        MemorySegment data = file.segment().asSlice(dataStart + e.begin(), e.end() - e.begin());
        return new Tensor(origin(), name, e.dtype(), e.info().shape(), data, ByteOrder.LITTLE_ENDIAN);
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
