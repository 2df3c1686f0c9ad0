package dev.cossim.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.cossim.CossimException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The child JVM of {@link OddTokenizerFilesTest}: loads and uses a tokenizer.json through HfTokenizer, or raw. */
final class OddTokenizerChild {
    private OddTokenizerChild() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.offline", "true");
        Path f = Path.of(args[1]);
        if (args[0].equals("raw")) {
            try (var in = Files.newInputStream(f);
                 HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(in, Map.of("addSpecialTokens", "true"))) {
                t.encode("hello world", true, false);
            } catch (RuntimeException e) {
                System.out.println("native error: " + e.getMessage());
            }
            System.out.println("survived");
            return;
        }
        try (HfTokenizer t = HfTokenizer.open(f)) {
            t.modelInput("hello world");
            System.out.println("accepted");
        } catch (CossimException e) {
            System.out.println("refused: " + e.getMessage());
        }
    }
}
