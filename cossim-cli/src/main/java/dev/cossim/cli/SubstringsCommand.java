package dev.cossim.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cossim.CossimException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "substrings", mixinStandardHelpOptions = true, description = {
        "Every distinct substring of a given length of a text, as JSON lines.",
        "In order of first appearance; lengths count characters (code points); JSON because substrings may hold",
        "newlines. These are the strings the seed notebook embeds: feed them to 'cossim embed'."})
final class SubstringsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A UTF-8 text file.")
    Path file;

    @Option(names = "--length", required = true, paramLabel = "N", description = "Substring length in characters (Unicode code points).")
    int length;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Write the JSON lines to FILE (default: standard output).")
    Path outFile;

    @Override
    public Integer call() throws JsonProcessingException {
        if (length < 1) {
            throw new CossimException("--length " + length + ": must be at least 1");
        }
        String text = read(file);
        Set<String> unique = unique(text, length);
        ObjectMapper json = new ObjectMapper();
        StringBuilder b = new StringBuilder();
        for (String s : unique) {
            b.append(json.writeValueAsString(s)).append('\n');
        }
        int chars = text.codePointCount(0, text.length());
        spec.commandLine().getErr().printf(Locale.ROOT, "%,d distinct substrings of length %d in %,d characters of %s%n", unique.size(), length, chars, file);
        if (outFile != null) {
            CorpusCommand.writeAtomically(outFile, b.toString());
        } else {
            spec.commandLine().getOut().print(b);
            spec.commandLine().getOut().flush();
        }
        return 0;
    }

    static Set<String> unique(String text, int length) {
        int[] cps = text.codePoints().toArray();
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i + length <= cps.length; i++) {
            out.add(new String(cps, i, length));
        }
        return out;
    }

    private static String read(Path p) {
        if (!Files.isRegularFile(p)) {
            throw CossimException.inFile(p, "no such file");
        }
        try {
            byte[] bytes = Files.readAllBytes(p);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw CossimException.inFile(p, "is not valid UTF-8 text");
        } catch (IOException e) {
            throw CossimException.inFile(p, "cannot read: " + e.getMessage());
        }
    }
}
