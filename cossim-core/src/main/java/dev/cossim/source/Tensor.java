package dev.cossim.source;

import dev.cossim.CossimException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A dense row-major tensor whose bytes live in a {@link MemorySegment}: a memory-mapped file region or a heap buffer.
 * Values are converted to float32 (or double) on read, so float16/bfloat16 files are never widened in memory, and
 * ggml's block-quantised types ({@link DType#isQuantized()}, from GGUF files) are dequantised only as rows are read.
 *
 * @param origin file the tensor came from, for error messages
 * @param name   the tensor's name inside the file
 * @param dtype  element type
 * @param shape  dimensions, outermost first
 * @param data   exactly the tensor's bytes
 * @param order  byte order of the elements
 */
public record Tensor(String origin, String name, DType dtype, long[] shape, MemorySegment data, ByteOrder order) {

    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32_BE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfDouble F64_LE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64_BE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    public Tensor {
        shape = shape.clone();
        long elements;
        try {
            elements = elementCount(shape);
        } catch (ArithmeticException e) {
            throw CossimException.inFile(origin, "tensor '" + name + "' has shape " + Arrays.toString(shape) + ", too large to address");
        } catch (CossimException e) {
            throw CossimException.inFile(origin, "tensor '" + name + "' has a " + e.getMessage());
        }
        if (elements % dtype.blockSize() != 0) {
            throw CossimException.inFile(origin, "tensor '" + name + "' of shape " + Arrays.toString(shape)
                    + " is not a whole number of " + dtype + " blocks of " + dtype.blockSize());
        }
        long expected;
        try {
            expected = dtype.bytesFor(elements);
        } catch (ArithmeticException e) {
            throw CossimException.inFile(origin, "tensor '" + name + "' has shape " + Arrays.toString(shape) + ", too large to address");
        }
        if (data.byteSize() != expected) {
            throw CossimException.inFile(origin, "tensor '" + name + "' has " + data.byteSize()
                    + " bytes of data but shape " + Arrays.toString(shape) + " of " + dtype + " needs " + expected);
        }
    }

    public static long elementCount(long[] shape) {
        long n = 1;
        for (long s : shape) {
            if (s < 0) {
                throw new CossimException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, s);
        }
        return n;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long rows() {
        return shape.length == 0 ? 1 : shape[0];
    }

    /** Elements in one row (the product of every dimension after the first). */
    public long rowLength() {
        long n = 1;
        for (int i = 1; i < shape.length; i++) {
            n *= shape[i];
        }
        return n;
    }

    /** This tensor as a 2-D matrix, or a one-line error naming the file when it is not 2-D or not floating point. */
    public Tensor requireMatrix() {
        if (shape.length != 2) {
            throw CossimException.inFile(origin, "tensor '" + name + "' has shape " + Arrays.toString(shape)
                    + ", expected a 2-D matrix [rows, dim]");
        }
        requireFloating();
        if (shape[1] > Integer.MAX_VALUE || shape[1] == 0) {
            throw CossimException.inFile(origin, "tensor '" + name + "' has unsupported row length " + shape[1]);
        }
        return this;
    }

    public Tensor requireFloating() {
        if (!dtype.isFloating()) {
            throw CossimException.inFile(origin, "tensor '" + name + "' has dtype " + dtype
                    + "; cossim reads F32, F16, BF16 and F64 tensors"
                    + " (and GGUF's Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K, Q6_K, Q8_K)");
        }
        return this;
    }

    /** Element {@code index} (flat, row-major) as a double; a quantised type decodes the element's whole block. */
    public double getDouble(long index) {
        if (dtype.isQuantized()) {
            float[] one = new float[1];
            GgufBlocks.dequantize(dtype, data, index, one, 0, 1);
            return one[0];
        }
        long off = index * dtype.size();
        boolean le = order == ByteOrder.LITTLE_ENDIAN;
        return switch (dtype) {
            case F32 -> data.get(le ? F32_LE : F32_BE, off);
            case F64 -> data.get(le ? F64_LE : F64_BE, off);
            case F16 -> HalfFloats.f16(data.get(le ? I16_LE : I16_BE, off));
            case BF16 -> HalfFloats.bf16(data.get(le ? I16_LE : I16_BE, off));
            default -> throw new CossimException(origin + ": tensor '" + name + "' of dtype " + dtype + " is not floating point");
        };
    }

    /**
     * Copies {@code len} elements starting at flat index {@code from} into {@code dst[dstOff..]} as float32. One small
     * method per dtype, each with its layout fixed before any loop: float32 is one bulk copy in either byte order
     * (MemorySegment.copy swaps bytes itself). The former single method, choosing the layout inside its loops, was
     * being compiled by C2 when JDK 25 crashed in Compile::final_graph_reshaping_walk (docs/fuzzing.md).
     */
    public void readFloats(long from, float[] dst, int dstOff, int len) {
        if (dtype.isQuantized()) {
            GgufBlocks.dequantize(dtype, data, from, dst, dstOff, len);
            return;
        }
        long off = from * dtype.size();
        switch (dtype) {
            case F32 -> MemorySegment.copy(data, order == ByteOrder.LITTLE_ENDIAN ? F32_LE : F32_BE, off, dst, dstOff, len);
            case F16, BF16 -> HalfFloats.widen(dtype, data, off, order, dst, dstOff, len);
            case F64 -> readF64(data, order == ByteOrder.LITTLE_ENDIAN ? F64_LE : F64_BE, off, dst, dstOff, len);
            default -> throw new CossimException(origin + ": tensor '" + name + "' of dtype " + dtype + " is not floating point");
        }
    }

    private static void readF64(MemorySegment data, ValueLayout.OfDouble layout, long off, float[] dst, int dstOff, int len) {
        for (int i = 0; i < len; i++) {
            dst[dstOff + i] = (float) data.get(layout, off + 8L * i);
        }
    }

    /** Row {@code r} of a 2-D tensor as doubles (exact for every supported dtype; quantised rows as dequantised). */
    public double[] rowAsDoubles(long r) {
        int d = (int) rowLength();
        double[] out = new double[d];
        long base = r * d;
        if (dtype.isQuantized()) {
            float[] row = new float[d];
            GgufBlocks.dequantize(dtype, data, base, row, 0, d);
            for (int i = 0; i < d; i++) {
                out[i] = row[i];
            }
            return out;
        }
        for (int i = 0; i < d; i++) {
            out[i] = getDouble(base + i);
        }
        return out;
    }

    public String describe() {
        return name + " " + dtype + " " + Arrays.toString(shape);
    }
}
