#!/usr/bin/env bash
# A corpus more than twice the JVM heap: ROWS x 384 float32 rows (default 400,000: 614 MB of .npy batch files) queried
# by `cossim query` under -Xmx256m. Batches are memory-mapped and streamed a block of rows at a time, so the heap holds
# per thread one block, the candidates and the labels' line offsets, never a batch.
#
#   bench/query-large.sh [WORKDIR]     (default WORKDIR: /tmp/cossim-query-large)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
work="${1:-/tmp/cossim-query-large}"
ROWS="${ROWS:-400000}" HEAP="${HEAP:-256m}"
mkdir -p "$work"
cd "$root"
export JAVA_OPTS="-Xmx$HEAP"
corpus="$work/corpus-$ROWS"
[[ -d "$corpus" ]] || ./cossim generate-batches -o "$corpus" --rows "$ROWS" --dim 384 --files 4 --dtype f32 --seed 3 2>/dev/null
[[ -d "$work/queries" ]] || ./cossim generate-batches -o "$work/queries" --rows 5 --dim 384 --files 1 --dtype f32 --seed 4 --label-prefix "query " 2>/dev/null
bytes=$(cat "$corpus"/*.npy | wc -c)
echo "corpus: $corpus, $(printf "%'d" "$bytes") bytes of batch files; JVM heap limit -Xmx$HEAP"
last=$((ROWS - 1))
/usr/bin/time -f "peak RSS %M KB (memory-mapped pages included), %e s" \
  ./cossim query "$corpus" --queries "$work/queries/batch_00000.npy" --label "row 0" --label "row $last" -k 3 --format tsv \
  -o "$work/result.tsv" 2>&1 | grep -v -E '^WARNING: Using incubator'
cat "$work/result.tsv"
# A corpus row queried by its label finds itself first, at cosine 1.
awk -F'\t' -v last="$last" '$2 == 1 && ($1 == "row 0" && $3 == 0 || $1 == "row " last && $3 == last) {n++} END {
  if (n == 2) print "ok: searched under -Xmx'"$HEAP"' without running out of memory; label queries found themselves";
  else { print "FAILED: label queries did not find themselves"; exit 1 } }' "$work/result.tsv"
