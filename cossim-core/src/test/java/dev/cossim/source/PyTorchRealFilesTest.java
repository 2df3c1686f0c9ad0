package dev.cossim.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Files written by real PyTorch and NumPy (skipped where python3 lacks them): every value read equals the value
 * Python prints for it (as a float64 list in JSON, which Python writes with the shortest round-trip repr).
 */
class PyTorchRealFilesTest {
    @TempDir
    Path dir;

    /** The first of python3 on the PATH and /usr/bin/python3 that imports {@code module}; the test is skipped if none. */
    static String pythonWith(String module) {
        for (String py : List.of("python3", "/usr/bin/python3")) {
            try {
                Process p = new ProcessBuilder(py, "-c", "import " + module).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return py;
                }
                p.destroyForcibly();
            } catch (java.io.IOException | InterruptedException e) {
                // try the next one
            }
        }
        Assumptions.abort("no python3 with " + module);
        return null;
    }

    /** Runs {@code script} with {@code dir} as its argument, by a python3 that has {@code module}. */
    static void python(String module, Path dir, String script) throws Exception {
        String py = pythonWith(module);
        Path file = dir.resolve("write.py");
        Files.writeString(file, script);
        Process p = new ProcessBuilder(py, file.toString(), dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AssertionError(py + " failed: " + out);
        }
    }

    private static final String WRITE_TORCH = """
            import json, sys, collections, torch
            d = sys.argv[1]
            g = torch.Generator().manual_seed(7)
            base = torch.randn(6, 8, generator=g)
            sd = collections.OrderedDict()
            sd["f32"] = base.clone()
            sd["f16"] = torch.randn(5, 3, generator=g).half()
            sd["bf16"] = torch.randn(4, 7, generator=g).bfloat16()
            sd["f64"] = torch.randn(3, 2, generator=g).double()
            sd["i64"] = torch.arange(-3, 9).reshape(3, 4)
            sd["transposed"] = base.t()                  # strides (1, 8)
            sd["sliced"] = base[1:, ::2]                # offset 8, strides (8, 2)
            sd["row"] = base[4]                          # offset 32
            sd["enc"] = {"layer": [torch.randn(2, 2, generator=g), (torch.randn(3, generator=g),)]}
            sd["epoch"] = 3
            torch.save(sd, d + "/sd.pt")
            torch.save(sd, d + "/sd4.pt", pickle_protocol=4)
            torch.save(base.t()[2:], d + "/bare.pt")
            lin = torch.nn.Linear(3, 2)
            torch.save(lin.state_dict(), d + "/lin.pth")
            torch.save(torch.nn.Parameter(base), d + "/param.pt")
            def flat(prefix, o, out):
                if isinstance(o, torch.Tensor):
                    out[prefix] = {"shape": list(o.shape), "values": o.double().flatten().tolist()}
                elif isinstance(o, dict):
                    for k, v in o.items():
                        flat(prefix + "." + str(k) if prefix else str(k), v, out)
                elif isinstance(o, (list, tuple)):
                    for i, v in enumerate(o):
                        flat(prefix + "." + str(i) if prefix else str(i), v, out)
            for name, obj in [("sd", sd), ("lin", lin.state_dict()), ("bare", {"bare": base.t()[2:]}), ("param", {"param": base})]:
                out = {}
                flat("", obj, out)
                json.dump(out, open(d + "/" + name + ".json", "w"))
            """;

    static void assertSame(Path file, Path json) throws Exception {
        JsonNode expected = new ObjectMapper().readTree(json.toFile());
        try (TensorFile f = ModelLoader.openFile(file)) {
            List<String> names = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                names.add(e.getKey());
                Tensor t = f.tensor(e.getKey());
                JsonNode shape = e.getValue().get("shape");
                long[] s = new long[shape.size()];
                for (int i = 0; i < s.length; i++) {
                    s[i] = shape.get(i).asLong();
                }
                assertArrayEquals(s, t.shape(), e.getKey());
                JsonNode values = e.getValue().get("values");
                double[] want = new double[values.size()];
                double[] got = new double[values.size()];
                for (int i = 0; i < want.length; i++) {
                    want[i] = values.get(i).asDouble();
                    got[i] = t.dtype().isFloating() ? t.getDouble(i) : t.data().get(
                            java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 8L * i);
                }
                assertArrayEquals(want, got, file + " " + e.getKey());
            }
            assertEquals(names, f.tensors().stream().map(TensorInfo::name).toList(), file.toString());
        }
    }

    @Test
    void everyValueOfFilesTorchWrote() throws Exception {
        python("torch", dir, WRITE_TORCH);
        assertSame(dir.resolve("sd.pt"), dir.resolve("sd.json"));
        assertSame(dir.resolve("sd4.pt"), dir.resolve("sd.json"));
        assertSame(dir.resolve("lin.pth"), dir.resolve("lin.json"));
        assertSame(dir.resolve("bare.pt"), dir.resolve("bare.json"));
        assertSame(dir.resolve("param.pt"), dir.resolve("param.json"));
    }

    private static final String WRITE_NUMPY = """
            import json, sys, numpy as np
            d = sys.argv[1]
            r = np.random.default_rng(3)
            arrays = {"emb": r.standard_normal((7, 5)).astype(np.float32), "half": r.standard_normal((3, 4)).astype(np.float16),
                      "wide": r.standard_normal((2, 3)), "big_endian": r.standard_normal((2, 2)).astype(">f4")}
            np.savez(d + "/stored.npz", **arrays)
            np.savez_compressed(d + "/deflated.npz", **arrays)
            json.dump({k: {"shape": list(v.shape), "values": v.astype(np.float64).flatten().tolist()} for k, v in arrays.items()},
                      open(d + "/arrays.json", "w"))
            """;

    @Test
    void everyValueOfNpzFilesNumpyWrote() throws Exception {
        python("numpy", dir, WRITE_NUMPY);
        assertSame(dir.resolve("stored.npz"), dir.resolve("arrays.json"));
        assertSame(dir.resolve("deflated.npz"), dir.resolve("arrays.json"));
        try (NpzFile f = NpzFile.open(dir.resolve("stored.npz"))) {
            org.junit.jupiter.api.Assertions.assertTrue(f.tensor("emb").data().isMapped(), "stored members are mapped");
        }
        try (NpzFile f = NpzFile.open(dir.resolve("deflated.npz"))) {
            org.junit.jupiter.api.Assertions.assertFalse(f.tensor("emb").data().isMapped(), "deflated members are inflated");
        }
    }
}
