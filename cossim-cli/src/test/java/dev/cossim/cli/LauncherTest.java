package dev.cossim.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ./cossim launcher as a user runs it (with the test class path instead of a build): help and info write nothing
 * on stderr (no incubator-module or sun.misc.Unsafe warning), and --kernel vector still gets the Vector API.
 */
class LauncherTest {
    record Run(int code, String out, String err) {
    }

    static Run launch(String... args) throws IOException, InterruptedException {
        Path root = ReadmeSnippetTest.repoRoot();
        List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("cossim").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("COSSIM_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("JAVA_OPTS");
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the launcher finished");
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void helpAndInfoAreQuietOnStderr() throws Exception {
        Run help = launch("--help");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().contains("all-pairs"), help.out());
        assertEquals("", help.err());
        Run info = launch("info");
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("30522 tokens"), info.out());
        assertEquals("", info.err());
        Run version = launch("--version");
        assertEquals(0, version.code(), version.err());
        assertEquals("", version.err());
    }

    @Test
    void theVectorKernelStillGetsTheVectorApi() throws Exception {
        Run r = launch("pair", "sunshine", "pineapple", "--kernel", "vector");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("kernel: vector (requested"), r.err());
    }
}
