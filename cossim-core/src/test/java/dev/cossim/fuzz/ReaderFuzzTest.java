package dev.cossim.fuzz;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/** Every cossim-core reader's fuzz target: its regression corpus, then a few seconds of fuzzing (docs/fuzzing.md). */
class ReaderFuzzTest {
    @TempDir
    Path work;

    @TestFactory
    List<DynamicTest> readers() {
        return FuzzTests.of(ReaderFuzzTest.class, CoreFuzzTargets.all(), work);
    }
}
