#!/usr/bin/env bash
# A 2 GB corpus of torch.save'd [B, T, D] float32 batches (the block-intermediates notebook's layout: one .pt file per
# batch) queried at the last token position by `cossim query` under -Xmx256m. The storages are memory-mapped from the
# zip archives, never copied onto the heap, and streamed a block of rows at a time.
#
#   bench/query-pt-large.sh [WORKDIR]   (default WORKDIR: /tmp/cossim-query-pt-large; deleted afterwards unless KEEP=1)
#
# Needs a python3 with torch (PYTHON=..., default: the first of python3 and /usr/bin/python3 that imports it).
# FILES x ROWS x POSITIONS x DIM float32 (default 8 x 22000 x 8 x 384: 2.16 GB of storage records).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
work="${1:-/tmp/cossim-query-pt-large}"
FILES="${FILES:-8}" ROWS="${ROWS:-22000}" POSITIONS="${POSITIONS:-8}" DIM="${DIM:-384}" HEAP="${HEAP:-256m}"
if [[ -z "${PYTHON:-}" ]]; then
  for p in python3 /usr/bin/python3; do
    if "$p" -c 'import torch' 2>/dev/null; then PYTHON="$p"; break; fi
  done
fi
[[ -n "${PYTHON:-}" ]] || { echo "no python3 with torch: set PYTHON" >&2; exit 1; }
cleanup() { [[ "${KEEP:-0}" == 1 ]] || rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/corpus"
cd "$root"
start=$(date +%s)
"$PYTHON" - "$work/corpus" "$FILES" "$ROWS" "$POSITIONS" "$DIM" <<'EOF'
import sys, torch
out, files, rows, positions, dim = sys.argv[1], *map(int, sys.argv[2:])
g = torch.Generator().manual_seed(3)
for f in range(files):
    torch.save(torch.randn(rows, positions, dim, generator=g), f"{out}/batch_{f:05d}.pt")
torch.save(torch.randn(5, dim, generator=g), f"{out}/../queries.pt")
EOF
echo "generated in $(( $(date +%s) - start )) s with $("$PYTHON" -c 'import torch; print("torch", torch.__version__)')"
bytes=$(cat "$work"/corpus/*.pt | wc -c)
echo "corpus: $FILES files of [$ROWS, $POSITIONS, $DIM] float32, $(printf "%'d" "$bytes") bytes; JVM heap limit -Xmx$HEAP"
export JAVA_OPTS="-Xmx$HEAP"
last=$((ROWS - 1))
lastfile=$(printf 'batch_%05d.pt' $((FILES - 1)))
./cossim query "$work/corpus" --position 0 --label "batch_00000.pt:0" -k 1 --format tsv >/dev/null 2>&1 || true # builds the CLI if needed
/usr/bin/time -v ./cossim query "$work/corpus" --position -1 --queries "$work/queries.pt" \
  --label "batch_00000.pt:0" --label "$lastfile:$last" -k 3 --format tsv -o "$work/result.tsv" 2> "$work/time.txt" \
  || { cat "$work/time.txt"; exit 1; }
grep -v -E '^WARNING: Using incubator' "$work/time.txt" | grep -E '^(corpus|searched|query)|Elapsed|Maximum resident' || true
cat "$work/result.tsv"
# A corpus row queried by its label finds itself first, at cosine 1.
awk -F'\t' -v a="batch_00000.pt:0" -v b="$lastfile:$last" '$2 == 1 && ($1 == a && $7 == a || $1 == b && $7 == b) {n++} END {
  if (n == 2) print "ok: searched under -Xmx'"$HEAP"' without running out of memory; label queries found themselves";
  else { print "FAILED: label queries did not find themselves"; exit 1 } }' "$work/result.tsv"
