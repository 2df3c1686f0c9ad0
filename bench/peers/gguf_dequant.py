"""Writes one GGUF file per ggml quantised type with llama.cpp's own Python package (gguf-py: its GGUFWriter and its
numpy dequantize, an implementation independent of cossim's), and prints for each file what `cossim info` must print
about its token_embd.weight: the norm statistics of the dequantised rows, in double.

Usage: python gguf_dequant.py OUT_DIR   (bench/gguf-crosscheck.sh runs it)
"""
import sys

import numpy as np
import gguf
from gguf.quants import dequantize

ROWS, DIM = 300, 512
# Byte offsets of each block's float16 scale fields (ggml-common.h).
SCALES = {"Q4_0": [0], "Q4_1": [0, 2], "Q5_0": [0], "Q5_1": [0, 2], "Q8_0": [0],
          "Q4_K": [0, 2], "Q5_K": [0, 2], "Q6_K": [208]}  # gguf-py 0.19 does not dequantise Q8_K

out = sys.argv[1]
rng = np.random.default_rng(2026)
for name, offsets in SCALES.items():
    qt = gguf.GGMLQuantizationType[name]
    block, size = gguf.GGML_QUANT_SIZES[qt]
    blocks = rng.integers(0, 256, size=(ROWS * DIM // block, size), dtype=np.uint8)
    for off in offsets:  # random bytes everywhere, but finite, modest scales
        blocks[:, off:off + 2] = rng.uniform(0.001, 0.05, len(blocks)).astype(np.float16).view(np.uint8).reshape(-1, 2)
    raw = blocks.reshape(ROWS, -1)
    path = f"{out}/{name}.gguf"
    w = gguf.GGUFWriter(path, "llama")
    w.add_tensor("token_embd.weight", raw, raw_dtype=qt)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    m = dequantize(raw, qt).astype(np.float64)
    assert m.shape == (ROWS, DIM), m.shape
    norms = np.sqrt((m * m).sum(axis=1))
    print(f"{name} mean {norms.mean():.6f}  std {norms.std(ddof=1):.6f}  min {norms.min():.6f} (id {norms.argmin()}"
          f")  max {norms.max():.6f} (id {norms.argmax()})")
