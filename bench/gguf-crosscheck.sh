#!/usr/bin/env bash
# Cross-checks cossim's GGUF reader and writer against Hugging Face's parser, @huggingface/gguf 0.4.6 (node + npm;
# not run in CI): `cossim write-gguf` writes the embedded MiniLM as F32, F16 and Q8_0, and every line the parser reads
# (version, key count, alignment, name, tokenizer and token count, tensor name, type and shape) must be one that
# `cossim info` prints for the same file.
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
exit $status
