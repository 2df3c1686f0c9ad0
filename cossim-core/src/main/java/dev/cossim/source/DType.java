package dev.cossim.source;

import java.util.Locale;
import java.util.Optional;

/** Element types a tensor may have. Only the floating types can serve as an embedding matrix. */
public enum DType {
    F32(4, true), F16(2, true), BF16(2, true), F64(8, true),
    I8(1, false), U8(1, false), I16(2, false), U16(2, false), I32(4, false), U32(4, false),
    I64(8, false), U64(8, false), BOOL(1, false), F8_E4M3(1, false), F8_E5M2(1, false);

    private final int size;
    private final boolean floating;

    DType(int size, boolean floating) {
        this.size = size;
        this.floating = floating;
    }

    public int size() {
        return size;
    }

    /** Whether cossim can read this type as similarity input (converted to float32 while packing). */
    public boolean isFloating() {
        return floating;
    }

    /** The safetensors spelling (F32, BF16, ...) of a dtype, if it is one we know. */
    public static Optional<DType> fromSafetensors(String name) {
        try {
            return Optional.of(valueOf(name.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
