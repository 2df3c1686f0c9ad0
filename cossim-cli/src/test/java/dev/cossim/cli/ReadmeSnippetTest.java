package dev.cossim.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The README's library snippet (the first java block under "## Library") compiles against the modules as they are and,
 * run on the embedded model, prints exactly the output block the README shows below it.
 */
class ReadmeSnippetTest {
    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !(Files.exists(p.resolve("README.md")) && Files.isDirectory(p.resolve("cossim-cli")))) {
            p = p.getParent();
        }
        assertNotNull(p, "repository root (README.md beside cossim-cli) above " + Path.of("").toAbsolutePath());
        return p;
    }

    /** The fenced blocks (language java, then the plain output block) of the README's Library section. */
    static List<String> blocks(String readme) {
        int at = readme.indexOf("\n## Library");
        assertFalse(at < 0, "README.md has a '## Library' section");
        int end = readme.indexOf("\n## ", at + 5);
        String section = readme.substring(at, end < 0 ? readme.length() : end);
        List<String> out = new ArrayList<>();
        int i = 0;
        while ((i = section.indexOf("```", i)) >= 0) {
            int lineEnd = section.indexOf('\n', i);
            int close = section.indexOf("\n```", lineEnd);
            out.add(section.substring(i + 3, lineEnd).trim() + "\n" + section.substring(lineEnd + 1, close + 1));
            i = close + 4;
        }
        return out;
    }

    @Test
    void librarySnippetCompilesRunsAndPrintsWhatTheReadmeShows(@TempDir Path tmp) throws Exception {
        List<String> blocks = blocks(Files.readString(repoRoot().resolve("README.md")));
        String java = blocks.stream().filter(b -> b.startsWith("java\n")).findFirst().orElseThrow().substring(5);
        String shown = blocks.stream().filter(b -> !b.startsWith("java\n")).findFirst().orElseThrow();
        shown = shown.substring(shown.indexOf('\n') + 1);

        StringBuilder imports = new StringBuilder(), body = new StringBuilder();
        for (String line : java.split("\n")) {
            (line.startsWith("import ") ? imports : body).append(line).append('\n');
        }
        String source = imports + "public class Snippet {\n    public static void main(String[] args) throws Exception {\n"
                + body + "    }\n}\n";
        Path src = tmp.resolve("Snippet.java");
        Files.writeString(src, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "-d", tmp.toString(), "-cp", System.getProperty("java.class.path"),
                src.toString());
        assertEquals(0, rc, "the README snippet compiles:\n" + source + "\n" + diagnostics.toString(StandardCharsets.UTF_8));

        PrintStream old = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (URLClassLoader cl = new URLClassLoader(new URL[]{tmp.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            cl.loadClass("Snippet").getMethod("main", String[].class).invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(old);
        }
        assertEquals(shown, printed.toString(StandardCharsets.UTF_8), "the README shows the snippet's real output");
    }
}
