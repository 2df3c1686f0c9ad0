package dev.cossim.source;

import dev.cossim.CossimException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A zip archive read from its memory-mapped bytes (PKWARE APPNOTE): the end-of-central-directory record (and its
 * zip64 form), the central directory, and each member's local header, from which the member's data offset is worked
 * out here, so that a stored member is a slice of the mapping, never a copy. What {@code torch.save} and
 * {@code numpy.savez} write is read; encrypted members, multi-disk archives and sizes that run past the file are
 * refused in one line naming the file.
 */
public final class ZipArchive implements AutoCloseable {
    /** One member as the central directory lists it. */
    public record Entry(String name, int method, long compressedSize, long size, long crc, long localHeader) {
        public boolean stored() {
            return method == STORED;
        }
    }

    public static final int STORED = 0;
    public static final int DEFLATED = 8;
    /** Deflate cannot expand data more than 1032-fold (RFC 1951: at most 258 bytes from one 2-bit code). */
    private static final long DEFLATE_MAX_RATIO = 1032;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int EOCD = 0x06054b50, EOCD64 = 0x06064b50, EOCD64_LOCATOR = 0x07064b50;
    private static final int CENTRAL = 0x02014b50, LOCAL = 0x04034b50;

    private final MappedFile file;
    private final Map<String, Entry> entries;
    private final Arena inflated = Arena.ofShared();

    private ZipArchive(MappedFile file, Map<String, Entry> entries) {
        this.file = file;
        this.entries = entries;
    }

    /** Whether the bytes start as a zip archive's first local header does ({@code PK\3\4}). */
    public static boolean hasMagic(byte[] head) {
        return head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
    }

    public static ZipArchive open(Path path) {
        MappedFile f = MappedFile.open(path);
        try {
            return new ZipArchive(f, readDirectory(path, f.segment()));
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    private static int u16(MemorySegment s, long at) {
        return s.get(U16, at) & 0xffff;
    }

    private static long u32(MemorySegment s, long at) {
        return s.get(U32, at) & 0xffffffffL;
    }

    private static Map<String, Entry> readDirectory(Path path, MemorySegment s) {
        long size = s.byteSize();
        long eocd = -1;
        for (long at = size - 22; at >= Math.max(0, size - 22 - 0xffff); at--) {
            if (s.get(U32, at) == EOCD) {
                eocd = at;
                break;
            }
        }
        if (eocd < 0) {
            throw CossimException.inFile(path, "not a complete zip archive (no end-of-central-directory record: truncated?)");
        }
        long count = u16(s, eocd + 10);
        long cdSize = u32(s, eocd + 12);
        long cdOffset = u32(s, eocd + 16);
        if (u16(s, eocd + 4) != 0 || u16(s, eocd + 6) != 0) {
            throw CossimException.inFile(path, "multi-disk zip archives are not supported");
        }
        long cdEnd = eocd;
        if ((count == 0xffff || cdSize == 0xffffffffL || cdOffset == 0xffffffffL) && eocd >= 20
                && s.get(U32, eocd - 20) == EOCD64_LOCATOR) {
            long at = s.get(U64, eocd - 20 + 8);
            if (at < 0 || at > eocd - 20 - 56 || s.get(U32, at) != EOCD64) {
                throw CossimException.inFile(path, "zip64 end-of-central-directory record is missing or out of place");
            }
            count = s.get(U64, at + 32);
            cdSize = s.get(U64, at + 40);
            cdOffset = s.get(U64, at + 48);
            cdEnd = at;
        }
        if (cdOffset < 0 || cdSize < 0 || cdOffset > cdEnd || cdSize > cdEnd - cdOffset) {
            throw CossimException.inFile(path, "zip central directory (" + cdSize + " bytes at " + cdOffset
                    + ") runs past the end of the archive (truncated?)");
        }
        if (count < 0 || count > cdSize / 46) {
            throw CossimException.inFile(path, "zip central directory claims " + count + " members in " + cdSize + " bytes");
        }
        Map<String, Entry> out = new LinkedHashMap<>();
        long at = cdOffset;
        long end = cdOffset + cdSize;
        for (long i = 0; i < count; i++) {
            if (at + 46 > end || s.get(U32, at) != CENTRAL) {
                throw CossimException.inFile(path, "zip central directory entry " + i + " is damaged");
            }
            int flags = u16(s, at + 8);
            int method = u16(s, at + 10);
            long crc = u32(s, at + 16);
            long comp = u32(s, at + 20);
            long full = u32(s, at + 24);
            int nameLen = u16(s, at + 28), extraLen = u16(s, at + 30), commentLen = u16(s, at + 32);
            long local = u32(s, at + 42);
            if (at + 46 + nameLen + extraLen + commentLen > end) {
                throw CossimException.inFile(path, "zip central directory entry " + i + " runs past the directory");
            }
            String name = new String(s.asSlice(at + 46, nameLen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            // zip64 extended information: the 8-byte values of the fields saturated above, in this order.
            for (long x = at + 46 + nameLen, xEnd = x + extraLen; x + 4 <= xEnd; ) {
                int id = u16(s, x), len = u16(s, x + 2);
                long p = x + 4;
                if (p + len > xEnd) {
                    break;
                }
                if (id == 1) {
                    if (full == 0xffffffffL && p + 8 <= x + 4 + len) {
                        full = s.get(U64, p);
                        p += 8;
                    }
                    if (comp == 0xffffffffL && p + 8 <= x + 4 + len) {
                        comp = s.get(U64, p);
                        p += 8;
                    }
                    if (local == 0xffffffffL && p + 8 <= x + 4 + len) {
                        local = s.get(U64, p);
                    }
                }
                x += 4 + len;
            }
            if ((flags & 1) != 0) {
                throw CossimException.inFile(path, "zip member '" + name + "' is encrypted");
            }
            if (comp < 0 || full < 0 || local < 0 || local > cdOffset || comp > cdOffset - local) {
                throw CossimException.inFile(path, "zip member '" + name + "' (" + comp + " bytes at " + local
                        + ") lies outside the archive's " + cdOffset + " bytes of members (truncated?)");
            }
            if (method == STORED && comp != full) {
                throw CossimException.inFile(path, "zip member '" + name + "' is stored but its sizes differ (" + comp + " vs " + full + ")");
            }
            if (out.put(name, new Entry(name, method, comp, full, crc, local)) != null) {
                throw CossimException.inFile(path, "zip member '" + name + "' appears twice");
            }
            at += 46 + nameLen + extraLen + commentLen;
        }
        return Collections.unmodifiableMap(out);
    }

    public Path path() {
        return file.path();
    }

    public long fileSize() {
        return file.size();
    }

    public List<Entry> entries() {
        return new ArrayList<>(entries.values());
    }

    /** The member named exactly so, or null. */
    public Entry entry(String name) {
        return entries.get(name);
    }

    /** Where a member's data starts: past its local header, whose name and extra field may differ from the directory's. */
    private long dataOffset(Entry e) {
        MemorySegment s = file.segment();
        long at = e.localHeader();
        if (at + 30 > s.byteSize() || s.get(U32, at) != LOCAL) {
            throw CossimException.inFile(path(), "zip member '" + e.name() + "' has no local header at offset " + at);
        }
        long data = at + 30 + u16(s, at + 26) + u16(s, at + 28);
        if (data > s.byteSize() || e.compressedSize() > s.byteSize() - data) {
            throw CossimException.inFile(path(), "zip member '" + e.name() + "' runs past the end of the file (truncated?)");
        }
        return data;
    }

    /** A stored member's bytes, a slice of the mapping; a one-line error if the member is compressed. */
    public MemorySegment mapped(Entry e, String hint) {
        if (!e.stored()) {
            throw CossimException.inFile(path(), "zip member '" + e.name() + "' is compressed (method " + e.method()
                    + "), so it cannot be memory-mapped; " + hint);
        }
        return file.segment().asSlice(dataOffset(e), e.size());
    }

    /**
     * A member's bytes: a slice of the mapping when stored; when deflated, inflated into memory owned by this archive,
     * after its declared size is checked against {@code maxInflated} and what its compressed bytes can hold, and
     * checked again (size and CRC-32) once inflated. {@code hint} says what to do instead, for the messages.
     */
    public MemorySegment read(Entry e, long maxInflated, String hint) {
        if (e.stored()) {
            return mapped(e, hint);
        }
        if (e.method() != DEFLATED) {
            throw CossimException.inFile(path(), "zip member '" + e.name() + "' uses compression method " + e.method()
                    + "; only stored and deflated members are read");
        }
        long data = dataOffset(e);
        if (e.size() > maxInflated) {
            throw CossimException.inFile(path(), "zip member '" + e.name() + "' is deflated and would inflate to "
                    + e.size() + " bytes, over the " + maxInflated + " cossim inflates in memory; " + hint);
        }
        if (e.size() > DEFLATE_MAX_RATIO * e.compressedSize() + 1024) {
            throw CossimException.inFile(path(), "zip member '" + e.name() + "' claims " + e.size() + " bytes from "
                    + e.compressedSize() + " deflated bytes, more than deflate can produce");
        }
        MemorySegment out;
        synchronized (this) {
            out = inflated.allocate(Math.max(1, e.size())).asSlice(0, e.size());
        }
        Inflater inf = new Inflater(true);
        CRC32 crc = new CRC32();
        try {
            MemorySegment src = file.segment().asSlice(data, e.compressedSize());
            final int chunk = 1 << 24;
            long in = 0, done = 0;
            boolean tooLong = false;
            ByteBuffer probe = ByteBuffer.allocate(1);
            while (!inf.finished()) {
                if (inf.needsInput()) {
                    if (in >= src.byteSize()) {
                        break;
                    }
                    int n = (int) Math.min(chunk, src.byteSize() - in);
                    inf.setInput(src.asSlice(in, n).asByteBuffer());
                    in += n;
                }
                int n;
                if (done < e.size()) {
                    n = inf.inflate(out.asSlice(done, Math.min(chunk, e.size() - done)).asByteBuffer());
                    crc.update(out.asSlice(done, n).asByteBuffer());
                    done += n;
                } else {
                    // The declared size is reached: the stream must end here.
                    n = inf.inflate(probe.clear());
                    if (n > 0) {
                        tooLong = true;
                        break;
                    }
                }
                if (n == 0 && !inf.needsInput() && !inf.finished()) {
                    break;
                }
            }
            if (tooLong || !inf.finished() || done != e.size() || crc.getValue() != e.crc()) {
                throw CossimException.inFile(path(), "zip member '" + e.name() + "' does not inflate to its declared "
                        + e.size() + " bytes with its CRC (damaged or truncated)");
            }
        } catch (DataFormatException ex) {
            throw CossimException.inFile(path(), "zip member '" + e.name() + "' is not valid deflate data: " + ex.getMessage());
        } finally {
            inf.end();
        }
        return out;
    }

    @Override
    public void close() {
        inflated.close();
        file.close();
    }
}
