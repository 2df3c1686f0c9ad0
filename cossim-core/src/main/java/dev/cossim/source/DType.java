package dev.cossim.source;

import java.util.Locale;
import java.util.Optional;

/**
 * Element types a tensor may have. Only the floating types can serve as an embedding matrix. The block-quantised
 * types of ggml (GGUF files: Q8_0, Q4_K, ...) store {@link #blockSize()} elements in {@link #blockBytes()} bytes and
 * are dequantised to float32 as rows are read (see {@link GgufFile}).
 */
public enum DType {
    F32(4, true), F16(2, true), BF16(2, true), F64(8, true),
    I8(1, false), U8(1, false), I16(2, false), U16(2, false), I32(4, false), U32(4, false),
    I64(8, false), U64(8, false), BOOL(1, false), F8_E4M3(1, false), F8_E5M2(1, false),
    Q4_0(32, 18), Q4_1(32, 20), Q5_0(32, 22), Q5_1(32, 24), Q8_0(32, 34),
    Q4_K(256, 144), Q5_K(256, 176), Q6_K(256, 210), Q8_K(256, 292);

    private final int blockSize;
    private final int blockBytes;
    private final boolean floating;

    DType(int size, boolean floating) {
        this.blockSize = 1;
        this.blockBytes = size;
        this.floating = floating;
    }

    /** A block-quantised type: {@code blockSize} elements in {@code blockBytes} bytes. */
    DType(int blockSize, int blockBytes) {
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
        this.floating = true;
    }

    /** Bytes per element; a block-quantised type has no whole-byte element size (see {@link #bytesFor}). */
    public int size() {
        if (isQuantized()) {
            throw new UnsupportedOperationException(this + " is block-quantised: " + blockSize + " elements in " + blockBytes + " bytes");
        }
        return blockBytes;
    }

    /** Whether cossim can read this type as similarity input (converted to float32 while packing). */
    public boolean isFloating() {
        return floating;
    }

    /** Whether elements are stored in blocks (ggml's quantised types). */
    public boolean isQuantized() {
        return blockSize > 1;
    }

    /** Elements per block: 1 for plain types. */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block: the element size for plain types. */
    public int blockBytes() {
        return blockBytes;
    }

    /**
     * Bytes that {@code elements} elements take; for a block-quantised type {@code elements} must be a whole number
     * of blocks. Throws ArithmeticException on overflow and IllegalArgumentException on a partial block.
     */
    public long bytesFor(long elements) {
        if (elements % blockSize != 0) {
            throw new IllegalArgumentException(elements + " elements are not a whole number of " + this + " blocks of " + blockSize);
        }
        return Math.multiplyExact(elements / blockSize, (long) blockBytes);
    }

    /** The safetensors spelling (F32, BF16, ...) of a dtype, if it is one we know. */
    public static Optional<DType> fromSafetensors(String name) {
        try {
            DType t = valueOf(name.toUpperCase(Locale.ROOT));
            return t.isQuantized() ? Optional.empty() : Optional.of(t);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
