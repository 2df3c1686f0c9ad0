# Sourced by the bench scripts before they run the Python peers (numpy, FAISS), so that the peers get their best BLAS:
# - Debian's numpy and FAISS call libblas.so.3; without libopenblas0 that is the reference BLAS (about 5 GFLOP/s here),
#   so a warning says to install it (apt-get install -y libopenblas0-pthread);
# - Debian's OpenBLAS 0.3.21 does not know newer CPUs (e.g. Xeon model 207) and falls back to slow generic kernels
#   there (66.5 GFLOP/s against 179.2 with SkylakeX kernels: bench/peers/sgemm.py 4096 768 3 with and without it), so
#   on a CPU with AVX-512 OPENBLAS_CORETYPE=SkylakeX is exported for the peers unless the caller set it.
# cossim itself runs before this is sourced or ignores it: its blas kernel ships OpenBLAS 0.3.30.
if ! ls /usr/lib/x86_64-linux-gnu/libopenblas*.so* >/dev/null 2>&1 && ! ls /usr/lib/x86_64-linux-gnu/openblas*/libblas.so* >/dev/null 2>&1; then
  echo "peers: no system OpenBLAS, numpy and FAISS will run on the reference BLAS (apt-get install -y libopenblas0-pthread)" >&2
fi
if [[ -z "${OPENBLAS_CORETYPE:-}" ]] && grep -qw avx512f /proc/cpuinfo 2>/dev/null; then
  peer_env=(env OPENBLAS_CORETYPE=SkylakeX)
else
  peer_env=(env)
fi
echo "peers run with: ${peer_env[1]:-their default BLAS settings}" >&2
