#!/usr/bin/env bash
# Cross-checks cossim's GGUF reader and writer against two other implementations (needs node + npm, python3 with numpy
# and pip; not run in CI):
# 1. Hugging Face's parser, @huggingface/gguf 0.4.6: `cossim write-gguf` writes the embedded MiniLM as F32, F16 and
#    Q8_0, and every line the parser reads (version, key count, alignment, name, tokenizer and token count, tensor
#    name, type and shape) must be one that `cossim info` prints for the same file.
# 2. llama.cpp's gguf-py 0.19.0: its GGUFWriter writes a 300 x 512 matrix of random blocks of each quantised type
#    (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K, Q6_K), its numpy dequantize gives the matrix, and the norm statistics
#    of that matrix (mean, std, min, max and their rows, to 6 decimals) must be those `cossim info` prints.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm install --silent --no-audit --no-fund @huggingface/gguf@0.4.6 >/dev/null)
cp "$root/bench/peers/gguf_info.mjs" "$work/"
status=0
for type in f32 f16 q8_0; do
    f="$work/minilm-$type.gguf"
    "$root/cossim" write-gguf --type "$type" -o "$f" >/dev/null
    "$root/cossim" info "$f" > "$work/cossim.txt"
    node "$work/gguf_info.mjs" "$f" > "$work/hf.txt"
    missing=$(grep -vxF -f "$work/cossim.txt" "$work/hf.txt" || true)
    if [ -n "$missing" ]; then
        echo "$type: cossim info does not print what @huggingface/gguf reads:"; echo "$missing"; status=1
    else
        echo "$type: all $(wc -l < "$work/hf.txt") lines @huggingface/gguf reads agree with cossim info"
    fi
done
python3 -m venv --system-site-packages "$work/venv"
"$work/venv/bin/pip" install -q --no-deps gguf==0.19.0
mkdir "$work/q"
"$work/venv/bin/python" "$root/bench/peers/gguf_dequant.py" "$work/q" > "$work/gguf-py.txt"
while read -r type rest; do
    got=$("$root/cossim" info "$work/q/$type.gguf" | sed -n 's/^norms: *//p' | sed 's/ "[^"]*"//g')
    if [ "$got" = "$rest" ]; then
        echo "$type: norms of the dequantised rows agree with gguf-py: $got"
    else
        echo "$type: cossim info says '$got', gguf-py's dequantize gives '$rest'"; status=1
    fi
done < "$work/gguf-py.txt"
exit $status
