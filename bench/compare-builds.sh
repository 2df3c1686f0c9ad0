#!/usr/bin/env bash
# Two builds of cossim on the same machine and file, alternately: `cossim all-pairs FILE --top-k 10` with each tree's
# ./cossim launcher, OpenBLAS sgemm measured before each round, and the compute time ("time:" line) of each run as a
# multiple of that round's sgemm (effective GFLOP/s = 2*N^2*d / time). Prints one line per run and the medians.
#
# Usage: bench/compare-builds.sh OLD_TREE NEW_TREE [--reps N] [--rows N] [--dim D]
#   e.g. git worktree add /tmp/old <commit> && bench/compare-builds.sh /tmp/old . --reps 5
set -euo pipefail
old="$(cd "$1" && pwd)"; new="$(cd "$2" && pwd)"; shift 2
reps=5 rows=30522 dim=768
while [[ $# -gt 0 ]]; do
  case "$1" in
    --reps) reps="$2"; shift 2 ;;
    --rows) rows="$2"; shift 2 ;;
    --dim) dim="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
root="$new"
source "$root/bin/find-java.sh"
out="$root/bench/out/compare"
mkdir -p "$out"
for tree in "$old" "$new"; do
  (cd "$tree" && ./mvnw -q -B -DskipTests -Dmaven.javadoc.skip=true package -pl cossim-cli -am >&2) && touch "$tree/cossim-cli/target/.cossim-built"
done
(cd "$root" && ./mvnw -q -B -DskipTests -Dmaven.javadoc.skip=true package -pl cossim-bench -am >&2)
bench_cp="$root/cossim-bench/target/classes:$root/cossim-bench/target/lib/*"
f="$root/bench/out/data/m-${rows}x${dim}.npy"
mkdir -p "$(dirname "$f")"
[[ -f "$f" ]] || "$JAVA" -cp "$bench_cp" dev.cossim.bench.GenerateNpy "$f" "$rows" "$dim" "$rows" >&2
xmx="$(( $(stat -c %s "$f") / 1048576 + 256 ))m"
results="$out/results.tsv"
: > "$results"
echo "CPU: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(nproc) cores; file $f" >&2
for ((rep = 1; rep <= reps; rep++)); do
  sg="$("$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp "$bench_cp" dev.cossim.bench.SgemmPeak 8192 "$dim" 3 2>/dev/null | tail -1 | sed -n 's/.*median \([0-9.]*\) GFLOP.*/\1/p')"
  order=(old new); (( rep % 2 == 0 )) && order=(new old)
  for which in "${order[@]}"; do
    tree="$old"; [[ "$which" == new ]] && tree="$new"
    log="$out/$which-$rep.log"
    t0=$(date +%s.%N)
    JAVA_OPTS="-Xmx$xmx -Xms64m" "$tree/cossim" all-pairs "$f" --top-k 10 > "$log" 2>&1
    t1=$(date +%s.%N)
    compute="$(sed -n 's/^time: *\([0-9.]*\) s.*/\1/p' "$log" | head -1)"
    wall="$(echo "$t1 - $t0" | bc)"
    ratio="$(awk -v n="$rows" -v d="$dim" -v t="$compute" -v s="$sg" 'BEGIN { printf "%.2f", 2 * n * n * d / t / 1e9 / s }')"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$which" "$rep" "$sg" "$wall" "$compute" "$ratio" >> "$results"
    printf 'rep %d %-3s: sgemm %6.1f GFLOP/s, wall %6.2f s, compute %6.2f s, %s x sgemm\n' "$rep" "$which" "$sg" "$wall" "$compute" "$ratio" >&2
  done
done
for which in old new; do
  med="$(awk -F'\t' -v w="$which" '$1 == w { print $6 }' "$results" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')"
  medw="$(awk -F'\t' -v w="$which" '$1 == w { print $4 }' "$results" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')"
  echo "$which: median compute ${med}x sgemm, median wall ${medw} s over $reps runs ($([[ $which == old ]] && echo "$old" || echo "$new"))"
done
