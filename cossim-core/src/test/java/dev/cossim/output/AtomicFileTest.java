package dev.cossim.output;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicFileTest {
    @TempDir
    Path dir;

    static final int WRITERS = 8;
    static final int CHUNK = 4096, CHUNKS = 64;

    /** Writer w's content: CHUNKS chunks of CHUNK bytes, every byte w (so an interleaved file shows two values). */
    static byte[] content(int w) {
        byte[] b = new byte[CHUNK * CHUNKS + w]; // lengths differ too
        Arrays.fill(b, (byte) ('a' + w));
        return b;
    }

    private List<String> names() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void concurrentWritersOfOneTargetNeverInterleave() throws Exception {
        Path target = dir.resolve("summary.json");
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            for (int round = 0; round < 20; round++) {
                CountDownLatch opened = new CountDownLatch(WRITERS);
                List<Future<Path>> temps = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    int me = w;
                    temps.add(pool.submit(() -> {
                        try (AtomicFile f = AtomicFile.create(target)) {
                            opened.countDown();
                            opened.await(); // every writer has its temporary file open before any writes
                            OutputStream out = f.stream();
                            byte[] c = content(me);
                            for (int k = 0; k < CHUNKS; k++) {
                                out.write(c, k * CHUNK, CHUNK);
                                out.flush();
                                Thread.yield();
                            }
                            out.write(c, CHUNKS * CHUNK, me);
                            f.commit();
                            return f.temp();
                        }
                    }));
                }
                List<Path> seen = new ArrayList<>();
                for (Future<Path> t : temps) {
                    seen.add(t.get());
                }
                assertEquals(WRITERS, seen.stream().distinct().count(), "every writer had its own temporary file");
                byte[] got = Files.readAllBytes(target);
                int w = got.length - CHUNK * CHUNKS;
                assertTrue(w >= 0 && w < WRITERS, "length " + got.length + " is one writer's");
                assertArrayEquals(content(w), got, "the file is exactly writer " + w + "'s content");
                assertEquals(List.of("summary.json"), names(), "no temporary file left behind");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentRunsIntoAnExistingOutputDirectoryNeverInterleave() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            CountDownLatch opened = new CountDownLatch(WRITERS);
            List<Future<?>> runs = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int me = w;
                runs.add(pool.submit(() -> {
                    try (AtomicOutputDir d = new AtomicOutputDir(out)) {
                        Path a = d.file("summary.json");
                        Path b = d.file("rows.tsv");
                        opened.countDown();
                        opened.await();
                        byte[] c = content(me);
                        try (OutputStream sa = Files.newOutputStream(a); OutputStream sb = Files.newOutputStream(b)) {
                            for (int k = 0; k < CHUNKS; k++) {
                                sa.write(c, k * CHUNK, CHUNK);
                                sb.write(c, k * CHUNK, CHUNK);
                                sa.flush();
                                sb.flush();
                                Thread.yield();
                            }
                            sa.write(c, CHUNKS * CHUNK, me);
                            sb.write(c, CHUNKS * CHUNK, me);
                        }
                        d.commit();
                    }
                    return null;
                }));
            }
            for (Future<?> r : runs) {
                r.get();
            }
        } finally {
            pool.shutdownNow();
        }
        List<Integer> from = new ArrayList<>();
        for (String name : List.of("summary.json", "rows.tsv")) {
            byte[] got = Files.readAllBytes(out.resolve(name));
            int w = got.length - CHUNK * CHUNKS;
            assertTrue(w >= 0 && w < WRITERS, name + ": length " + got.length + " is one run's");
            assertArrayEquals(content(w), got, name + " is exactly run " + w + "'s");
            from.add(w);
        }
        assertEquals(from.get(0), from.get(1), "both files are the same run's: the runs' sets are not mixed");
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(List.of(AtomicOutputDir.LOCK, "rows.tsv", "summary.json"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void anAbortedWriterLeavesNoFileAndNoTemporary() throws Exception {
        Path target = dir.resolve("m.npy");
        Path temp;
        try (AtomicFile f = AtomicFile.create(target)) {
            temp = f.temp();
            assertEquals(dir, temp.getParent(), "the temporary file is beside the target");
            assertTrue(AtomicFile.isTempName(temp.getFileName().toString()), temp.toString());
            assertTrue(temp.getFileName().toString().startsWith(".m.npy.partial-"), temp.toString());
            f.stream().write(content(1));
            f.stream().flush();
            assertTrue(Files.size(temp) > 0);
            assertFalse(Files.exists(target), "nothing at the target before commit");
        }
        assertFalse(Files.exists(temp));
        assertEquals(List.of(), names());

        // Aborting leaves an existing target as it was.
        Files.writeString(target, "old");
        try (AtomicFile f = AtomicFile.create(target)) {
            f.channel().write(java.nio.ByteBuffer.wrap("new".getBytes(StandardCharsets.US_ASCII)));
        }
        assertEquals("old", Files.readString(target));
        assertEquals(List.of("m.npy"), names());
    }

    @Test
    void commitReplacesTheTargetAndPathWritersWork() throws Exception {
        Path target = dir.resolve("a.tsv");
        Files.writeString(target, "old");
        AtomicFile.writeString(target, "new\n");
        assertEquals("new\n", Files.readString(target));
        try (AtomicFile f = AtomicFile.create(target)) {
            Files.writeString(f.temp(), "by path\n"); // code that writes a path
            f.commit();
            assertTrue(f.committed());
            assertThrows(IllegalStateException.class, f::stream, "nothing more to write once committed");
        }
        assertEquals("by path\n", Files.readString(target));
        // A writer closing the stream it was given does not end the file.
        try (AtomicFile f = AtomicFile.create(target)) {
            try (var w = new java.io.OutputStreamWriter(f.stream(), StandardCharsets.UTF_8)) {
                w.write("through a writer\n");
            }
            f.commit();
        }
        assertEquals("through a writer\n", Files.readString(target));
        assertEquals(List.of("a.tsv"), names());
    }

    @Test
    void twoTemporaryNamesDiffer() throws Exception {
        Path t = dir.resolve("x");
        try (AtomicFile a = AtomicFile.create(t); AtomicFile b = AtomicFile.create(t)) {
            assertNotEquals(a.temp(), b.temp());
        }
        assertEquals(List.of(), names());
    }

    /** What a killed writer left (a temp file or a temp directory) is removed by the next writer; a live one's is kept. */
    @Test
    void leftoversOfDeadWritersAreRemovedByTheNext() throws Exception {
        java.nio.file.Files.writeString(dir.resolve(".out.txt.partial-999999999-abc"), "dead");      // no such process
        java.nio.file.Files.createDirectories(dir.resolve(".out.partial-999999998-def/sub"));         // a dead run's directory
        java.nio.file.Files.writeString(dir.resolve(".out.partial-999999998-def/sub/f"), "x");
        long me = ProcessHandle.current().pid();
        java.nio.file.Files.writeString(dir.resolve(".out.txt.partial-" + me + "-live"), "mine");    // a live writer's
        java.nio.file.Files.writeString(dir.resolve(".out.txt.partial-old"), "unknown writer");       // no pid: kept
        AtomicFile.writeString(dir.resolve("out.txt"), "result");
        assertEquals("result", java.nio.file.Files.readString(dir.resolve("out.txt")));
        assertFalse(java.nio.file.Files.exists(dir.resolve(".out.txt.partial-999999999-abc")));
        assertTrue(java.nio.file.Files.exists(dir.resolve(".out.txt.partial-" + me + "-live")));
        assertTrue(java.nio.file.Files.exists(dir.resolve(".out.txt.partial-old")));
        try (AtomicOutputDir d = new AtomicOutputDir(dir.resolve("out"))) {
            java.nio.file.Files.writeString(d.file("a.json"), "{}");
            d.commit();
        }
        assertFalse(java.nio.file.Files.exists(dir.resolve(".out.partial-999999998-def")), "the dead run's directory is gone");
        assertTrue(java.nio.file.Files.exists(dir.resolve("out/a.json")));
    }
}
