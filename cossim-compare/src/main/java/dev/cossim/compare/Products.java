package dev.cossim.compare;

import dev.cossim.blas.OpenBlas;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The dense double products of the streamed passes (N x d x d in all): through OpenBLAS's {@code cblas_dsyrk} and
 * {@code cblas_dgemm} when the comparison runs the blas tile kernel or chose its kernel automatically and OpenBLAS loads (one thread per call, the
 * passes run one row range per thread), called straight on the matrices' arrays (critical downcalls through
 * {@link OpenBlas}; JavaCPP's array arguments were copied to and from malloc'd memory on every call, 8 to 11 MB a
 * call at d = 768, which left some 40 MB of glibc arenas resident), else through EJML. Both compute in double: they
 * differ only in rounding. Implementations are stateless and thread-safe.
 */
interface Products {
    /** {@code g += a^T a}: only the upper triangle of {@code g} is kept right (see {@link #symmetrize}). */
    void addInner(DMatrixRMaj a, DMatrixRMaj g, DMatrixRMaj temp);

    /** {@code c += a^T b}. */
    void addTransA(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c);

    /** {@code c = a b} ({@code c} already shaped). */
    void mult(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c);

    /** Copies the upper triangle of a square matrix onto its lower one. */
    static void symmetrize(DMatrixRMaj g) {
        int d = g.numRows;
        for (int i = 0; i < d; i++) {
            for (int j = i + 1; j < d; j++) {
                g.data[j * d + i] = g.data[i * d + j];
            }
        }
    }

    /**
     * OpenBLAS for the blas kernel, and for {@code auto} where OpenBLAS loads though the top-k passes took another
     * kernel (auto passes over OpenBLAS's narrower kernels for tiles, but its dgemm still beats EJML by several times:
     * docs/compare.md); EJML otherwise.
     */
    static Products forKernel(String kernelName, boolean auto) {
        if ("blas".equals(kernelName)) {
            return BLAS;
        }
        if (auto) {
            try {
                OpenBlas.get().threads(1); // as the blas kernel sets it: the passes already run one row range per thread
                return BLAS;
            } catch (RuntimeException | LinkageError e) {
                return EJML;
            }
        }
        return EJML;
    }

    Products EJML = new Products() {
        @Override
        public void addInner(DMatrixRMaj a, DMatrixRMaj g, DMatrixRMaj temp) {
            CommonOps_DDRM.multInner(a, temp); // one triangle computed, copied onto the other
            CommonOps_DDRM.addEquals(g, temp);
        }

        @Override
        public void addTransA(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
            CommonOps_DDRM.multAddTransA(a, b, c);
        }

        @Override
        public void mult(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
            CommonOps_DDRM.mult(a, b, c);
        }

        @Override
        public String toString() {
            return "EJML";
        }
    };

    Products BLAS = new Products() {
        @Override
        public void addInner(DMatrixRMaj a, DMatrixRMaj g, DMatrixRMaj temp) {
            if (a.numRows == 0) {
                return;
            }
            OpenBlas.get().dsyrkHeap(a.numCols, a.numRows, a.data, g.data);
        }

        @Override
        public void addTransA(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
            if (a.numRows == 0) {
                return;
            }
            OpenBlas.get().dgemmHeap(true, a.numCols, b.numCols, a.numRows, a.data, b.data, 1.0, c.data);
        }

        @Override
        public void mult(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
            if (a.numRows == 0) {
                return;
            }
            OpenBlas.get().dgemmHeap(false, a.numRows, b.numCols, a.numCols, a.data, b.data, 0.0, c.data);
        }

        @Override
        public String toString() {
            return "OpenBLAS dsyrk/dgemm";
        }
    };
}
