package dev.cossim.text;

import dev.cossim.fuzz.FuzzTests;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/** The native tokenizer's fuzz target: its regression corpus, then a few seconds of fuzzing (docs/fuzzing.md). */
class TokenizerFuzzTest {
    @TempDir
    Path work;

    @TestFactory
    List<DynamicTest> nativeTokenizer() {
        return FuzzTests.of(TokenizerFuzzTest.class, List.of(TextFuzzTargets.tokenizerNative()), work);
    }
}
