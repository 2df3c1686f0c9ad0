"""The FAISS peer: exact inner-product search (IndexFlatIP) of every unit row against all rows, k = 11 (self plus
top-10). Top-k only: no histogram. Prints its compute time."""
import sys
import time

import faiss
import numpy as np

path = sys.argv[1]
e = np.load(path)
norms = np.linalg.norm(e.astype(np.float64), axis=1, keepdims=True)
e = np.ascontiguousarray((e / norms).astype(np.float32))
t0 = time.time()  # after loading and normalising, as cossim's own time
index = faiss.IndexFlatIP(e.shape[1])
index.add(e)
dist, ids = index.search(e, 11)
elapsed = time.time() - t0
print(f"faiss {faiss.__version__}: {e.shape[0]} x {e.shape[1]}, {faiss.omp_get_max_threads()} threads, compute {elapsed:.2f} s, neighbours of row 0: {ids[0][1:4]}")
