package dev.cossim.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A full disk, on a 1 MiB tmpfs (only when the test runs as root and the mount works; skipped otherwise): each writing
 * command stops with one line naming the file, exit 2, and leaves neither a final path nor a temporary file.
 */
class DiskFullTest {
    @TempDir
    Path tmp;
    Path disk;
    boolean mounted;

    static int sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    @BeforeEach
    void mount() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to mount a tmpfs");
        disk = Files.createDirectories(tmp.resolve("disk"));
        mounted = sh("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", disk.toString()) == 0;
        assumeTrue(mounted, "mount -t tmpfs failed");
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            sh("umount", disk.toString());
        }
    }

    void nothingLeft() throws Exception {
        try (Stream<Path> s = Files.list(disk)) {
            assertEquals(List.of(), s.toList(), "no final path and no temporary file");
        }
    }

    static void oneLine(CliRun r, String file) {
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("cossim: error: ") && r.err().contains(file), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(!r.err().contains("Exception") && !r.err().contains("internal error"), r.err());
    }

    @Test
    void allPairsOutOnAFullDisk() throws Exception {
        // neighbors.tsv of 3,000 rows x 10 neighbours is about 1.2 MB: more than the disk holds.
        CliRun r = CliRun.of("all-pairs", "--rows", "0-2999", "-k", "10", "--bins", "10", "-o", disk.resolve("out").toString());
        oneLine(r, disk.toString());
        nothingLeft();
    }

    @Test
    void nearDuplicatesOnAFullDisk() throws Exception {
        CliRun r = CliRun.of("near-duplicates", "-t", "0.6", "--rows", "0-4999", "-o", disk.resolve("nd").toString());
        oneLine(r, disk.toString());
        nothingLeft();
    }

    @Test
    void aMatrixLargerThanTheFreeSpace() throws Exception {
        CliRun r = CliRun.of("submatrix", "--rows", "0-999", "--save-matrix", disk.resolve("m.npy").toString());
        oneLine(r, "m.npy");
        nothingLeft();
    }
}
