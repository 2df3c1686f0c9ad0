#!/usr/bin/python3
"""FAISS IndexFlatIP (exact inner product) over the same batch files cossim queries: the peer in bench/query.sh.

Usage: faiss_flat.py CORPUS_DIR QUERIES.npy K [--cosine] [--out FILE.tsv]
Prints one line of key=value timings. Loads every batch (memory-mapped .npy) into the index as float32 (FAISS needs
float32 in RAM), then times index.search alone: FAISS's query throughput, not counting the load.
"""
import argparse
import glob
import os
import re
import time

import faiss
import numpy as np


def natural(s):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", os.path.basename(s))]


p = argparse.ArgumentParser()
p.add_argument("corpus")
p.add_argument("queries")
p.add_argument("k", type=int)
p.add_argument("--cosine", action="store_true", help="normalise rows and queries (IndexFlatIP on unit vectors)")
p.add_argument("--out")
p.add_argument("--threads", type=int, default=os.cpu_count())
a = p.parse_args()
faiss.omp_set_num_threads(a.threads)

files = sorted(glob.glob(os.path.join(a.corpus, "*.npy")), key=natural)
t0 = time.perf_counter()
index = None
for f in files:
    x = np.load(f, mmap_mode="r")
    x = np.ascontiguousarray(x, dtype=np.float32)
    if a.cosine:
        faiss.normalize_L2(x)
    if index is None:
        index = faiss.IndexFlatIP(x.shape[1])
    index.add(x)
    del x
t_load = time.perf_counter() - t0
q = np.ascontiguousarray(np.load(a.queries), dtype=np.float32)
if a.cosine:
    faiss.normalize_L2(q)
t1 = time.perf_counter()
c1 = time.process_time()
D, I = index.search(q, a.k)
t_search = time.perf_counter() - t1
c_search = time.process_time() - c1
print(f"faiss {faiss.__version__}: rows={index.ntotal} dim={index.d} queries={q.shape[0]} k={a.k} threads={a.threads} "
      f"load_add_s={t_load:.3f} search_s={t_search:.3f} search_cpu_s={c_search:.3f}")
if a.out:
    with open(a.out, "w") as o:
        for qi in range(q.shape[0]):
            for r in range(a.k):
                o.write(f"{qi}\t{r + 1}\t{I[qi, r]}\t{D[qi, r]:.6f}\n")
