package dev.cossim.blas;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * OpenBLAS as shipped by {@code org.bytedeco:openblas} (the platform jar holds the binaries; JavaCPP's loader
 * unpacks them to {@code ~/.javacpp/cache}). The library is loaded through JavaCPP, then called through the Java FFM
 * API, on native memory segments or, through a critical downcall, straight on heap arrays. Loaded once per JVM, on
 * first use.
 */
public final class OpenBlas {
    static final int ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112, UPPER = 121;

    private final MethodHandle sgemm;
    /** The same function, called on heap arrays: a critical downcall, during which the GC waits. */
    private final MethodHandle sgemmHeap;
    /** cblas_ssyrk on heap arrays (a critical downcall, as {@link #sgemmHeap}). */
    private final MethodHandle ssyrkHeap;
    /** cblas_dsyrk and cblas_dgemm on heap arrays (critical downcalls), for the double products of cossim compare. */
    private final MethodHandle dsyrkHeap;
    private final MethodHandle dgemmHeap;
    private final MethodHandle setThreads;
    private final MethodHandle getThreads;
    private final String core;
    private final String config;

    private static volatile OpenBlas instance;
    private static volatile Throwable failure;

    private OpenBlas() {
        String jni = Loader.load(openblas_nolapack.class);
        Path lib = Path.of(jni).resolveSibling("libopenblas_nolapack.so.0");
        if (!Files.exists(lib)) {
            lib = Path.of(jni).resolveSibling("libopenblas_nolapack.so");
        }
        SymbolLookup look = SymbolLookup.libraryLookup(lib, Arena.global());
        Linker l = Linker.nativeLinker();
        FunctionDescriptor gemm = FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_FLOAT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT);
        MemorySegment sgemmAddress = look.find("cblas_sgemm").orElseThrow();
        sgemm = l.downcallHandle(sgemmAddress, gemm);
        sgemmHeap = l.downcallHandle(sgemmAddress, gemm, Linker.Option.critical(true));
        ssyrkHeap = l.downcallHandle(look.find("cblas_ssyrk").orElseThrow(), FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT), Linker.Option.critical(true));
        dsyrkHeap = l.downcallHandle(look.find("cblas_dsyrk").orElseThrow(), FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_DOUBLE, ADDRESS, JAVA_INT, JAVA_DOUBLE, ADDRESS, JAVA_INT), Linker.Option.critical(true));
        dgemmHeap = l.downcallHandle(look.find("cblas_dgemm").orElseThrow(), FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_DOUBLE, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_DOUBLE, ADDRESS,
                JAVA_INT), Linker.Option.critical(true));
        setThreads = l.downcallHandle(look.find("openblas_set_num_threads").orElseThrow(), FunctionDescriptor.ofVoid(JAVA_INT));
        getThreads = l.downcallHandle(look.find("openblas_get_num_threads").orElseThrow(), FunctionDescriptor.of(JAVA_INT));
        var text = ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(512, JAVA_BYTE));
        try {
            core = ((MemorySegment) l.downcallHandle(look.find("openblas_get_corename").orElseThrow(), FunctionDescriptor.of(text))
                    .invokeExact()).getString(0);
            config = ((MemorySegment) l.downcallHandle(look.find("openblas_get_config").orElseThrow(), FunctionDescriptor.of(text))
                    .invokeExact()).getString(0);
        } catch (Throwable t) {
            throw new IllegalStateException("OpenBLAS did not answer openblas_get_corename", t);
        }
    }

    /** The loaded library, or an exception saying why it cannot load on this machine. */
    public static OpenBlas get() {
        OpenBlas o = instance;
        if (o != null) {
            return o;
        }
        synchronized (OpenBlas.class) {
            if (instance == null && failure == null) {
                try {
                    instance = new OpenBlas();
                } catch (Throwable t) {
                    failure = t;
                }
            }
            if (instance == null) {
                throw new IllegalStateException(describe(failure), failure);
            }
            return instance;
        }
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }

    /**
     * The vector width in bits of OpenBLAS's x86-64 kernels of that name (as {@link #core} or the environment variable
     * OPENBLAS_CORETYPE names them, in any case): 512 for the AVX-512 ones, 256 for the AVX2 ones, 128 for older ones;
     * 0 for a name not known here.
     */
    static int coreBits(String core) {
        return switch (core == null ? "" : core.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "skylakex", "cooperlake", "sapphirerapids" -> 512;
            case "haswell", "zen", "sandybridge" -> 256;
            case "katmai", "coppermine", "northwood", "prescott", "banias", "atom", "core2", "penryn", "dunnington",
                 "nehalem", "opteron", "opteron_sse3", "barcelona", "nano", "bobcat", "bulldozer", "piledriver",
                 "steamroller", "excavator" -> 128;
            default -> 0;
        };
    }

    /** OpenBLAS's name for the CPU kernels it picked (e.g. Cooperlake, Haswell, Zen). */
    public String core() {
        return core;
    }

    public String config() {
        return config;
    }

    /** Threads OpenBLAS uses inside one call. Global to the process. */
    public void threads(int n) {
        try {
            setThreads.invokeExact(n);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public int threads() {
        try {
            return (int) getThreads.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Row-major {@code C = A * B^T} on heap arrays: A is m x k from float {@code aOff}, B is n x k from {@code bOff},
     * C is m x n from {@code cOff}, all packed (leading dimension k, k, n). No copies; the GC waits for the call, which
     * suits calls of a millisecond or so, not minutes.
     */
    public void sgemmHeap(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
        MemorySegment sa = MemorySegment.ofArray(a).asSlice(aOff * (long) Float.BYTES);
        MemorySegment sb = MemorySegment.ofArray(b).asSlice(bOff * (long) Float.BYTES);
        MemorySegment sc = MemorySegment.ofArray(c).asSlice(cOff * (long) Float.BYTES);
        if (sa.byteSize() < (long) m * k * Float.BYTES || sb.byteSize() < (long) n * k * Float.BYTES
                || sc.byteSize() < (long) m * n * Float.BYTES) {
            throw new IndexOutOfBoundsException("sgemm operands shorter than " + m + " x " + n + " x " + k);
        }
        try {
            sgemmHeap.invokeExact(ROW_MAJOR, NO_TRANS, TRANS, m, n, k, 1f, sa, k, sb, k, 0f, sc, n);
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_sgemm failed", t);
        }
    }

    /**
     * Row-major {@code C = A * A^T}, upper triangle and diagonal only, on heap arrays: A is m x k from float
     * {@code aOff}, C is m x m from {@code cOff}; the strictly lower triangle of C is left as it was. About half the
     * work of {@link #sgemmHeap} on the same operands.
     */
    public void ssyrkHeap(int m, int k, float[] a, int aOff, float[] c, int cOff) {
        MemorySegment sa = MemorySegment.ofArray(a).asSlice(aOff * (long) Float.BYTES);
        MemorySegment sc = MemorySegment.ofArray(c).asSlice(cOff * (long) Float.BYTES);
        if (sa.byteSize() < (long) m * k * Float.BYTES || sc.byteSize() < (long) m * m * Float.BYTES) {
            throw new IndexOutOfBoundsException("ssyrk operands shorter than " + m + " x " + k);
        }
        try {
            ssyrkHeap.invokeExact(ROW_MAJOR, UPPER, NO_TRANS, m, k, 1f, sa, k, 0f, sc, m);
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_ssyrk failed", t);
        }
    }

    /**
     * Row-major {@code C += A^T A} on heap arrays, upper triangle of C only: A is k x n (leading dimension n), C is
     * n x n. Straight on the arrays (a critical downcall: no copies, the GC waits for the call).
     */
    public void dsyrkHeap(int n, int k, double[] a, double[] c) {
        if (a.length < (long) k * n || c.length < (long) n * n) {
            throw new IndexOutOfBoundsException("dsyrk operands shorter than " + k + " x " + n);
        }
        try {
            dsyrkHeap.invokeExact(ROW_MAJOR, UPPER, TRANS, n, k, 1.0, MemorySegment.ofArray(a), n, 1.0, MemorySegment.ofArray(c), n);
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_dsyrk failed", t);
        }
    }

    /**
     * Row-major {@code C = op(A) B + beta C} on heap arrays, all packed: op(A) is m x k (A stored k x m when
     * {@code transA}, else m x k), B is k x n, C is m x n. A critical downcall: no copies, the GC waits for the call.
     */
    public void dgemmHeap(boolean transA, int m, int n, int k, double[] a, double[] b, double beta, double[] c) {
        if (a.length < (long) m * k || b.length < (long) k * n || c.length < (long) m * n) {
            throw new IndexOutOfBoundsException("dgemm operands shorter than " + m + " x " + n + " x " + k);
        }
        try {
            dgemmHeap.invokeExact(ROW_MAJOR, transA ? TRANS : NO_TRANS, NO_TRANS, m, n, k, 1.0, MemorySegment.ofArray(a),
                    transA ? m : k, MemorySegment.ofArray(b), n, beta, MemorySegment.ofArray(c), n);
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_dgemm failed", t);
        }
    }

    /**
     * Row-major {@code C = alpha * A * op(B) + beta * C} on native memory: A is m x k with leading dimension lda; B is
     * n x k (transposed) when {@code bTransposed}, else k x n; C is m x n with leading dimension ldc.
     */
    public void sgemm(int m, int n, int k, float alpha, MemorySegment a, int lda, MemorySegment b, int ldb,
                      boolean bTransposed, float beta, MemorySegment c, int ldc) {
        try {
            sgemm.invokeExact(ROW_MAJOR, NO_TRANS, bTransposed ? TRANS : NO_TRANS, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_sgemm failed", t);
        }
    }
}
