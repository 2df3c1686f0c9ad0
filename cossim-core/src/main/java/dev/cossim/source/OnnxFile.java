package dev.cossim.source;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.cossim.CossimException;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The initializers (weights) of an ONNX model, read by walking the protobuf wire format directly:
 * ModelProto.graph (field 7) -> GraphProto.initializer (field 5) -> TensorProto {dims 1, data_type 2, float_data 4,
 * name 8, raw_data 9, data_location 14}. No generated ONNX classes are needed, and only the requested tensor's data
 * is kept: the rest is skipped on the wire.
 */
public final class OnnxFile implements TensorFile {
    /** Opens a fresh stream over the model's bytes; called once per pass. */
    public interface StreamSource {
        CodedInputStream open() throws IOException;
    }

    private final String origin;
    private final Path directory;
    private final StreamSource source;
    private final AutoCloseable resource;
    private List<TensorInfo> listing;

    private OnnxFile(String origin, Path directory, StreamSource source, AutoCloseable resource) {
        this.origin = origin;
        this.directory = directory;
        this.source = source;
        this.resource = resource;
    }

    /** An ONNX file on disk, memory-mapped: tensor data is aliased from the mapping, not copied. */
    public static OnnxFile open(Path path) {
        MappedFile f = MappedFile.open(path);
        if (f.size() > Integer.MAX_VALUE) {
            f.close();
            throw CossimException.inFile(path, "ONNX file over 2 GB: protobuf caps a model at 2 GB (external data is not supported)");
        }
        StreamSource src = () -> {
            CodedInputStream in = CodedInputStream.newInstance(f.segment().asByteBuffer().order(ByteOrder.LITTLE_ENDIAN));
            in.enableAliasing(true);
            // Every length on the wire is checked against the file's end before anything is made of that size.
            in.pushLimit((int) f.size());
            return in;
        };
        return new OnnxFile(path.toString(), path.toAbsolutePath().getParent(), src, f);
    }

    /** An ONNX model read from a stream (a jar resource, say), one pass per request. */
    public static OnnxFile fromStreams(String origin, StreamOpener opener) {
        StreamSource src = () -> {
            InputStream in = opener.open();
            CodedInputStream cin = CodedInputStream.newInstance(in, 1 << 16);
            cin.setSizeLimit(Integer.MAX_VALUE);
            return cin;
        };
        return new OnnxFile(origin, null, src, null);
    }

    /** Opens a new InputStream over the same bytes each time. */
    public interface StreamOpener {
        InputStream open() throws IOException;
    }

    @Override
    public String origin() {
        return origin;
    }

    @Override
    public Path directory() {
        return directory;
    }

    @Override
    public synchronized List<TensorInfo> tensors() {
        if (listing == null) {
            List<TensorInfo> out = new ArrayList<>();
            walk(name -> false, t -> out.add(t.info()));
            listing = List.copyOf(out);
        }
        return listing;
    }

    @Override
    public Tensor tensor(String name) {
        Parsed[] found = new Parsed[1];
        walk(name::equals, t -> {
            if (t.name.equals(name) && found[0] == null) {
                found[0] = t;
            }
        });
        Parsed t = found[0];
        if (t == null) {
            throw CossimException.inFile(origin, "no initializer named '" + name + "' in the ONNX graph");
        }
        if (t.external) {
            throw CossimException.inFile(origin, "initializer '" + name + "' keeps its data in an external file, which cossim does not read");
        }
        DType dtype = onnxType(t.dataType);
        if (dtype == null) {
            throw CossimException.inFile(origin, "initializer '" + name + "' has ONNX data_type " + t.dataType + ", which cossim does not read");
        }
        MemorySegment data;
        ByteOrder order;
        if (t.raw != null) {
            data = MemorySegment.ofBuffer(t.raw.asReadOnlyByteBuffer());
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (t.floats != null) {
            data = MemorySegment.ofArray(t.floats);
            order = ByteOrder.nativeOrder();
        } else {
            data = MemorySegment.ofArray(new byte[0]);
            order = ByteOrder.LITTLE_ENDIAN;
        }
        return new Tensor(origin, name, dtype, t.dims(), data, order);
    }

    static DType onnxType(int t) {
        return switch (t) {
            case 1 -> DType.F32;
            case 10 -> DType.F16;
            case 11 -> DType.F64;
            case 16 -> DType.BF16;
            case 2 -> DType.U8;
            case 3 -> DType.I8;
            case 4 -> DType.U16;
            case 5 -> DType.I16;
            case 6 -> DType.I32;
            case 7 -> DType.I64;
            case 9 -> DType.BOOL;
            case 12 -> DType.U32;
            case 13 -> DType.U64;
            default -> null;
        };
    }

    private static final class Parsed {
        final List<Long> dims = new ArrayList<>();
        int dataType;
        String name = "";
        ByteString raw;
        float[] floats;
        boolean external;

        long[] dims() {
            return dims.stream().mapToLong(Long::longValue).toArray();
        }

        TensorInfo info() {
            DType d = onnxType(dataType);
            return new TensorInfo(name, d == null ? "onnx:" + dataType : d.name(), dims());
        }
    }

    private void walk(Predicate<String> keep, java.util.function.Consumer<Parsed> sink) {
        try {
            CodedInputStream in = source.open();
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (WireFormat.getTagFieldNumber(tag) == 7 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    int limit = in.pushLimit(in.readRawVarint32());
                    walkGraph(in, keep, sink);
                    in.popLimit(limit);
                } else {
                    in.skipField(tag);
                }
            }
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw CossimException.inFile(origin, "not a valid ONNX model (corrupt protobuf: " + e.getMessage() + ")");
        } catch (IOException e) {
            throw CossimException.inFile(origin, "cannot read: " + e.getMessage());
        }
    }

    private static void walkGraph(CodedInputStream in, Predicate<String> keep, java.util.function.Consumer<Parsed> sink) throws IOException {
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (WireFormat.getTagFieldNumber(tag) == 5 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = in.pushLimit(in.readRawVarint32());
                sink.accept(readTensor(in, keep));
                in.popLimit(limit);
            } else {
                in.skipField(tag);
            }
        }
    }

    private static Parsed readTensor(CodedInputStream in, Predicate<String> keep) throws IOException {
        Parsed t = new Parsed();
        boolean nameSeen = false;
        int tag;
        while ((tag = in.readTag()) != 0) {
            int field = WireFormat.getTagFieldNumber(tag);
            int wire = WireFormat.getTagWireType(tag);
            switch (field) {
                case 1 -> {
                    if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        int limit = in.pushLimit(in.readRawVarint32());
                        while (!in.isAtEnd()) {
                            t.dims.add(in.readInt64());
                        }
                        in.popLimit(limit);
                    } else {
                        t.dims.add(in.readInt64());
                    }
                }
                case 2 -> t.dataType = in.readInt32();
                case 8 -> {
                    t.name = in.readString();
                    nameSeen = true;
                }
                // Data normally follows the name on the wire; if it comes first we keep it to decide later.
                case 9 -> {
                    if (!nameSeen || keep.test(t.name)) {
                        t.raw = in.readBytes();
                    } else {
                        in.skipField(tag);
                    }
                }
                case 4 -> {
                    if ((!nameSeen || keep.test(t.name)) && wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        int len = in.readRawVarint32();
                        int limit = in.pushLimit(len);
                        float[] f = new float[len / 4];
                        for (int i = 0; i < f.length; i++) {
                            f[i] = in.readFloat();
                        }
                        in.popLimit(limit);
                        t.floats = f;
                    } else {
                        in.skipField(tag);
                    }
                }
                case 14 -> t.external = in.readInt32() == 1;
                default -> in.skipField(tag);
            }
        }
        if (!keep.test(t.name)) {
            t.raw = null;
            t.floats = null;
        }
        return t;
    }

    @Override
    public void close() {
        if (resource != null) {
            try {
                resource.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
