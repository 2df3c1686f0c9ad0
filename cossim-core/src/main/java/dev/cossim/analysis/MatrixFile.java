package dev.cossim.analysis;

import java.nio.file.Path;

/** The full matrix as written: the .npy file, its shape and precision, and the files of its row (and column) ids. */
public record MatrixFile(Path file, int rows, int cols, String precision, long bytes, Path rowIds, Path colIds) {
}
