"""numpy's sgemm speed (its OpenBLAS, all cores): C = A @ A.T for A m x k float32, median of runs."""
import sys
import time

import numpy as np

m, k, runs = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
a = np.random.default_rng(1).standard_normal((m, k), dtype=np.float32)
c = a @ a.T
g = []
for _ in range(runs):
    t = time.time()
    c = a @ a.T
    g.append(2.0 * m * m * k / (time.time() - t) / 1e9)
g.sort()
print(f"numpy sgemm {m} x {m} x {k}: median {g[len(g) // 2]:.1f} GFLOP/s (runs {[round(x) for x in g]})")
