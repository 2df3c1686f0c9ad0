package dev.cossim.source;

import java.util.Arrays;

/** What a file says about one tensor, without reading its data. {@code dtype} is the file's own spelling. */
public record TensorInfo(String name, String dtype, long[] shape) {
    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + Arrays.toString(shape);
    }
}
