package dev.cossim.text;

import dev.cossim.fuzz.FuzzTarget;
import dev.cossim.fuzz.FuzzTargetProvider;
import dev.cossim.fuzz.TokenizerSeeds;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * cossim-text's fuzz target: a tokenizer.json loaded by the native Hugging Face tokenizer through {@link HfTokenizer}
 * and used. A panic there aborts the JVM, which bench/fuzz.sh reports as a crash with the input that caused it.
 */
public final class TextFuzzTargets implements FuzzTargetProvider {
    static FuzzTarget tokenizerNative() {
        List<FuzzTarget.Seed> seeds = TokenizerSeeds.all().stream()
                .map(s -> new FuzzTarget.Seed("tokenizer.json", s.getBytes(StandardCharsets.UTF_8))).toList();
        return FuzzTarget.of("tokenizer-native", seeds, TokenizerSeeds.DICTIONARY, file -> {
            try (HfTokenizer t = HfTokenizer.open(file)) {
                int n = t.pieces("sunshine").ids().size();
                long[] ids = t.modelInput("Hello, world! café \uD83D\uDE00 x");
                return "pieces " + n + " ids " + ids.length;
            }
        });
    }

    @Override
    public List<FuzzTarget> targets() {
        return List.of(tokenizerNative());
    }
}
