package dev.cossim.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes what {@code torch.save} and {@code numpy.savez} write, byte by byte from the formats: zip archives (PKWARE
 * APPNOTE: local headers, member data, the central directory and its end record; members stored or raw-deflated,
 * data aligned to 64 bytes with an extra field as PyTorch does) and pickles of protocol 2 as PyTorch's pickler emits
 * them for tensors and state dicts.
 */
public final class TorchFiles {
    private TorchFiles() {
    }

    /** Zip members, written in insertion order. */
    public static final class Zip {
        private record Member(byte[] data, boolean deflate) {
        }

        private final Map<String, Member> members = new LinkedHashMap<>();
        private boolean zip64;

        /**
         * Writes the zip64 forms, as archives over 4 GB need them: every central entry's sizes and offset saturated
         * (0xFFFFFFFF) with the real values in a zip64 extra field, and a zip64 end record with its locator.
         */
        public Zip zip64() {
            zip64 = true;
            return this;
        }

        public Zip stored(String name, byte[] data) {
            members.put(name, new Member(data, false));
            return this;
        }

        public Zip deflated(String name, byte[] data) {
            members.put(name, new Member(data, true));
            return this;
        }

        public byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream central = new ByteArrayOutputStream();
            int count = 0;
            for (Map.Entry<String, Member> m : members.entrySet()) {
                byte[] name = m.getKey().getBytes(StandardCharsets.UTF_8);
                byte[] raw = m.getValue().data();
                byte[] data = m.getValue().deflate() ? deflate(raw) : raw;
                CRC32 crc = new CRC32();
                crc.update(raw);
                int offset = out.size();
                // PyTorch pads the local header's extra field (id 0x4642, "FB") so that data starts at a multiple of 64.
                int extra = 0;
                if (!m.getValue().deflate()) {
                    int unpadded = offset + 30 + name.length + 4;
                    extra = 4 + (64 - unpadded % 64) % 64;
                }
                int method = m.getValue().deflate() ? 8 : 0;
                ByteBuffer lh = le(30 + name.length + extra);
                lh.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) method)
                        .putShort((short) 0).putShort((short) 0).putInt((int) crc.getValue()).putInt(data.length)
                        .putInt(raw.length).putShort((short) name.length).putShort((short) extra).put(name);
                if (extra > 0) {
                    lh.putShort((short) 0x4642).putShort((short) (extra - 4)).put(new byte[extra - 4]);
                }
                out.writeBytes(lh.array());
                out.writeBytes(data);
                int x = zip64 ? 28 : 0;
                int sat = 0xffffffff;
                ByteBuffer ch = le(46 + name.length + x);
                ch.putInt(0x02014b50).putShort((short) 45).putShort((short) 45).putShort((short) 0)
                        .putShort((short) method).putShort((short) 0).putShort((short) 0).putInt((int) crc.getValue())
                        .putInt(zip64 ? sat : data.length).putInt(zip64 ? sat : raw.length).putShort((short) name.length)
                        .putShort((short) x).putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0)
                        .putInt(zip64 ? sat : offset).put(name);
                if (zip64) {
                    ch.putShort((short) 1).putShort((short) 24).putLong(raw.length).putLong(data.length).putLong(offset);
                }
                central.writeBytes(ch.array());
                count++;
            }
            int cdOffset = out.size();
            out.writeBytes(central.toByteArray());
            if (zip64) {
                int at = out.size();
                ByteBuffer e64 = le(56);
                e64.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                        .putLong(count).putLong(count).putLong(central.size()).putLong(cdOffset);
                out.writeBytes(e64.array());
                ByteBuffer loc = le(20);
                loc.putInt(0x07064b50).putInt(0).putLong(at).putInt(1);
                out.writeBytes(loc.array());
            }
            ByteBuffer end = le(22);
            end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) (zip64 ? 0xffff : count))
                    .putShort((short) (zip64 ? 0xffff : count)).putInt(zip64 ? 0xffffffff : central.size())
                    .putInt(zip64 ? 0xffffffff : cdOffset).putShort((short) 0);
            out.writeBytes(end.array());
            return out.toByteArray();
        }

        public Path write(Path file) {
            return TestFiles.write(file, bytes());
        }
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Raw deflate (no zlib wrapper), as zip members hold it. */
    public static byte[] deflate(byte[] raw) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(raw);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    /** A pickle, opcode by opcode (Python's pickletools names). */
    public static final class Pickle {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream();
        private int memo;

        public Pickle() {
            op(0x80).op(2); // PROTO 2
        }

        public Pickle op(int code) {
            b.write(code);
            return this;
        }

        public Pickle global(String module, String name) {
            op('c');
            b.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
            return put();
        }

        /** BINPUT of the next memo slot, as Python's pickler does after most objects. */
        public Pickle put() {
            return op('q').op(memo++);
        }

        public Pickle get(int slot) {
            return op('h').op(slot);
        }

        public Pickle str(String s) {
            byte[] u = s.getBytes(StandardCharsets.UTF_8);
            op('X');
            b.writeBytes(le(4).putInt(u.length).array());
            b.writeBytes(u);
            return put();
        }

        public Pickle integer(long v) {
            if (v >= 0 && v < 256) {
                return op('K').op((int) v);
            }
            if (v >= 0 && v < 65536) {
                op('M');
                b.writeBytes(le(2).putShort((short) v).array());
                return this;
            }
            if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                op('J');
                b.writeBytes(le(4).putInt((int) v).array());
                return this;
            }
            op(0x8a).op(8); // LONG1 of 8 bytes
            b.writeBytes(le(8).putLong(v).array());
            return this;
        }

        public Pickle mark() {
            return op('(');
        }

        /** TUPLE (from the mark), or TUPLE1-3 and EMPTY_TUPLE for short ones, as Python chooses. */
        public Pickle tuple(long... values) {
            if (values.length == 0) {
                return op(')');
            }
            if (values.length > 3) {
                mark();
            }
            for (long v : values) {
                integer(v);
            }
            return (values.length > 3 ? op('t') : op(0x84 + values.length)).put();
        }

        /** {@code ('storage', torch.<type>, key, 'cpu', numel)} and BINPERSID. */
        public Pickle storage(String type, String key, long numel) {
            mark().str("storage").global("torch", type).str(key).str("cpu").integer(numel).op('t').put();
            return op('Q').put();
        }

        /** {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())}. */
        public Pickle tensor(String type, String key, long numel, long offset, long[] size, long[] stride) {
            global("torch._utils", "_rebuild_tensor_v2");
            mark();
            storage(type, key, numel);
            integer(offset);
            tuple(size);
            tuple(stride);
            op(0x89); // NEWFALSE: requires_grad
            global("collections", "OrderedDict").op(')').op('R').put(); // backward hooks
            op('t').put();
            return op('R').put();
        }

        /** {@code collections.OrderedDict()} then MARK: items follow, closed by {@link #setItems()}. */
        public Pickle orderedDict() {
            return global("collections", "OrderedDict").op(')').op('R').put().mark();
        }

        public Pickle dict() {
            return op('}').put().mark();
        }

        public Pickle setItems() {
            return op('u');
        }

        public byte[] stop() {
            op('.');
            return b.toByteArray();
        }
    }

    /** A torch.save archive: {@code NAME/data.pkl}, {@code NAME/data/KEY} records, {@code NAME/version}. */
    public static Zip archive(String name, byte[] pickle, Map<String, byte[]> storages) {
        Zip z = new Zip().stored(name + "/data.pkl", pickle);
        storages.forEach((k, v) -> z.stored(name + "/data/" + k, v));
        return z.stored(name + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
    }
}
