package dev.cossim.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cossim.CossimException;
import dev.cossim.source.MappedFile;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The labels of a batch's rows, memory-mapped: one UTF-8 line per row, or (for a {@code .jsonl} file) one JSON value
 * per line, a string or an object with a "label" or "text" field, so labels may hold newlines. Only the line starts
 * are kept on the heap (8 bytes a row); a label is decoded when asked for.
 */
public final class Labels implements AutoCloseable {
    /** Created on first use: only JSONL labels need it, and it costs a noticeable part of a second to set up. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private final Path path;
    private final MappedFile file;
    private final boolean jsonl;
    /** starts[i] is the first byte of line i; starts[count] is one past the last line's newline (or the file's end). */
    private final long[] starts;
    private final int count;

    private Labels(Path path, MappedFile file, boolean jsonl, long[] starts, int count) {
        this.path = path;
        this.file = file;
        this.jsonl = jsonl;
        this.starts = starts;
        this.count = count;
    }

    public static boolean isJsonl(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith(".jsonl") || n.endsWith(".ndjson");
    }

    public static Labels open(Path path) {
        MappedFile f = MappedFile.open(path);
        try {
            MemorySegment seg = f.segment();
            long size = seg.byteSize();
            long[] starts = new long[1024];
            int n = 0;
            // Scanned a chunk at a time through a byte[]: a plain array loop is compiled at once, element reads
            // through the segment cost far more before the JIT has warmed up (about 1 s for 12 MB).
            byte[] chunk = new byte[1 << 20];
            boolean lineOpen = false;
            for (long base = 0; base < size; base += chunk.length) {
                int len = (int) Math.min(chunk.length, size - base);
                MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, base, chunk, 0, len);
                for (int i = 0; i < len; i++) {
                    if (!lineOpen) {
                        if (n + 1 >= starts.length) {
                            starts = Arrays.copyOf(starts, starts.length * 2);
                        }
                        starts[n++] = base + i;
                        lineOpen = true;
                    }
                    if (chunk[i] == '\n') {
                        lineOpen = false;
                    }
                }
            }
            starts[n] = size;
            return new Labels(path, f, isJsonl(path), Arrays.copyOf(starts, n + 1), n);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public int size() {
        return count;
    }

    /** Label of row {@code i} of this file. */
    public String get(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("label " + i + " of " + count);
        }
        long from = starts[i];
        long to = starts[i + 1];
        MemorySegment seg = file.segment();
        if (to > from && seg.get(ValueLayout.JAVA_BYTE, to - 1) == '\n') {
            to--;
        }
        if (to > from && seg.get(ValueLayout.JAVA_BYTE, to - 1) == '\r') {
            to--;
        }
        byte[] bytes = seg.asSlice(from, to - from).toArray(ValueLayout.JAVA_BYTE);
        String line;
        try {
            line = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw CossimException.inFile(path, "line " + (i + 1) + " is not valid UTF-8");
        }
        return jsonl ? parseJson(line, i) : line;
    }

    private String parseJson(String line, int i) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(line);
        } catch (IOException e) {
            throw CossimException.inFile(path, "line " + (i + 1) + " is not JSON: " + abbreviate(line));
        }
        if (n != null && n.isTextual()) {
            return n.asText();
        }
        if (n != null && n.isObject()) {
            JsonNode v = n.has("label") ? n.get("label") : n.get("text");
            if (v != null && v.isTextual()) {
                return v.asText();
            }
        }
        throw CossimException.inFile(path, "line " + (i + 1) + " is neither a JSON string nor an object with a \"label\" or \"text\" string");
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    @Override
    public void close() {
        file.close();
    }
}
