package dev.cossim.compare;

import org.bytedeco.openblas.global.openblas_nolapack;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The dense double products of the streamed passes (N x d x d in all): through OpenBLAS's {@code cblas_dsyrk} and
 * {@code cblas_dgemm} when the comparison runs the blas tile kernel (OpenBLAS is then loaded; one thread per call, the
 * passes run one row range per thread), else through EJML. Both compute in double: they differ only in rounding.
 * Implementations are stateless and thread-safe.
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

    /** OpenBLAS for the blas kernel, EJML otherwise. */
    static Products forKernel(String kernelName) {
        return "blas".equals(kernelName) ? BLAS : EJML;
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
        static final int ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112, UPPER = 121;

        @Override
        public void addInner(DMatrixRMaj a, DMatrixRMaj g, DMatrixRMaj temp) {
            if (a.numRows == 0) {
                return;
            }
            openblas_nolapack.cblas_dsyrk(ROW_MAJOR, UPPER, TRANS, a.numCols, a.numRows, 1.0, a.data, a.numCols, 1.0, g.data, g.numCols);
        }

        @Override
        public void addTransA(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
            gemm(true, a, b, 1.0, c);
        }

        @Override
        public void mult(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
            gemm(false, a, b, 0.0, c);
        }

        /** c = op(a) b + beta c, op(a) = a^T (k = a's rows) or a (k = a's columns). */
        private static void gemm(boolean transA, DMatrixRMaj a, DMatrixRMaj b, double beta, DMatrixRMaj c) {
            if (a.numRows == 0) {
                return;
            }
            int m = transA ? a.numCols : a.numRows;
            int k = transA ? a.numRows : a.numCols;
            openblas_nolapack.cblas_dgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, NO_TRANS, m, b.numCols, k, 1.0, a.data, a.numCols,
                    b.data, b.numCols, beta, c.data, c.numCols);
        }

        @Override
        public String toString() {
            return "OpenBLAS dsyrk/dgemm";
        }
    };
}
