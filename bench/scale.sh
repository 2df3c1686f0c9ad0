#!/usr/bin/env bash
# All-pairs at the sizes users now have: a Gemma-style 256,000 x 2,304 and a Llama-3-style 128,256 x 4,096 bfloat16
# embedding matrix (safetensors), and 1,000,000 x 384 float16 sentence vectors (.npy), generated from fixed seeds.
# For each: `cossim all-pairs FILE --top-k 10` (2000-bin histogram, statistics, each row's 10 nearest) as a user runs
# it, at several row counts (the first N rows, --rows 0-(N-1)) to show the time per pair stays flat as N grows;
# sgemm at that d through the same OpenBLAS (C = A A^T, A 8192 x d, 2 threads) measured before each shape; time,
# effective GFLOP/s (2 N^2 d / time) and its ratio to that sgemm, ns per pair (time x threads / pairs), peak RSS
# (/usr/bin/time) against the input file's size. Table to stdout and bench/out/scale.md.
#
# Usage: bench/scale.sh [--shapes gemma,llama,sentences] [--steps 0.25,0.5,1] [--threads N] [--cossim-args "..."]
# The full default run takes well over an hour on 2 cores (the 1M x 384 run alone about 45 minutes); the files take
# 1.2 GB, 1.1 GB and 0.8 GB under bench/out/data.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bin/find-java.sh"
cmdline="bench/scale.sh${*:+ $*}"
shapes="gemma,llama,sentences"
steps="1"
threads="$(nproc)"
extra=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --shapes) shapes="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --cossim-args) extra="$2"; shift 2 ;;   # more all-pairs options, e.g. "--packed-row-limit 0" (stream any size)
    *) echo "bench/scale.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
out="$root/bench/out"
data="$out/data"
logs="$out/logs"
mkdir -p "$data" "$logs"
[[ -x /usr/bin/time ]] || { echo "bench/scale.sh: needs /usr/bin/time (apt-get install -y time)" >&2; exit 2; }

echo "building cossim-cli and cossim-bench..." >&2
(cd "$root" && ./mvnw -q -B -DskipTests -Dmaven.javadoc.skip=true package -pl cossim-cli,cossim-bench -am >&2)
touch "$root/cossim-cli/target/.cossim-built"
"$root/cossim" --version > /dev/null   # makes the start-up cache now, not inside the first timed run
bench_cp="$root/cossim-bench/target/classes:$root/cossim-bench/target/lib/*"
jflags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)

declare -A rows=([gemma]=256000 [llama]=128256 [sentences]=1000000)
declare -A dims=([gemma]=2304 [llama]=4096 [sentences]=384)
declare -A files=([gemma]="gemma-256000x2304-bf16.safetensors" [llama]="llama-128256x4096-bf16.safetensors"
  [sentences]="sentences-1000000x384-f16.npy")
declare -A dtypes=([gemma]=bf16 [llama]=bf16 [sentences]=f16)

cpu="$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //') (family $(grep -m1 'cpu family' /proc/cpuinfo | sed 's/.*: //') model $(grep -m1 '^model' /proc/cpuinfo | sed 's/.*: //'), $(nproc) cores)"
table="$out/scale.md"
{
  echo "# bench/scale.sh, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`$cmdline\`. CPU: $cpu. Load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "${extra:+cossim all-pairs options added: \`$extra\`.}"
  echo
  echo "| shape | rows N | d | dtype | input MiB | time s | wall s | effective GFLOP/s | sgemm GFLOP/s at d | x sgemm | ns/pair (x threads) | peak RSS MiB | RSS - input MiB | rows held |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
} > "$table"

IFS=, read -ra shape_list <<< "$shapes"
IFS=, read -ra step_list <<< "$steps"
for shape in "${shape_list[@]}"; do
  n_all="${rows[$shape]}"; d="${dims[$shape]}"
  f="$data/${files[$shape]}"
  [[ -f "$f" ]] || "$JAVA" -cp "$bench_cp" dev.cossim.bench.GenerateNpy "$f" "$n_all" "$d" "$n_all" "${dtypes[$shape]}" >&2
  input_mib=$(( $(stat -c %s "$f") / 1048576 ))
  sg_line="$("$JAVA" "${jflags[@]}" -cp "$bench_cp" dev.cossim.bench.SgemmPeak 8192 "$d" 3 "$threads" 2>/dev/null | tail -1)"
  echo "  $sg_line" >&2
  sgemm="$(sed -n 's/.*median \([0-9.]*\) GFLOP.*/\1/p' <<< "$sg_line")"
  for step in "${step_list[@]}"; do
    n="$(awk -v a="$n_all" -v s="$step" 'BEGIN { printf "%d", a * s }')"
    sel=(); [[ "$n" -lt "$n_all" ]] && sel=(--rows "0-$((n - 1))")
    log="$logs/scale-$shape-$n.log"
    tf="$(mktemp)"
    cat "$f" > /dev/null   # in the page cache, as for a second run
    /usr/bin/time -f "%e %M" -o "$tf" "$root/cossim" all-pairs "$f" --top-k 10 --threads "$threads" --verbose ${sel[@]+"${sel[@]}"} $extra > "$log" 2>&1 \
      || { echo "cossim failed on $shape N=$n, see $log" >&2; tail -3 "$log" >&2; exit 1; }
    read -r wall rss < "$tf"; rm -f "$tf"
    t="$(sed -n 's/^time: *\([0-9.]*\) s.*/\1/p' "$log" | head -1)"
    held="packed"; grep -q '^rows: streamed' "$log" && held="streamed"
    awk -v shape="$shape" -v n="$n" -v d="$d" -v dt="${dtypes[$shape]}" -v in_mib="$input_mib" -v t="$t" -v wall="$wall" \
        -v sg="$sgemm" -v th="$threads" -v rss="$rss" -v held="$held" 'BEGIN {
      eff = 2 * n * n * d / t / 1e9; pairs = n * (n - 1) / 2; rss_mib = rss / 1024
      printf "| %s | %d | %d | %s | %d | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f | %d | %d | %s |\n",
        shape, n, d, dt, in_mib, t, wall, eff, sg, eff / sg, t * th / pairs * 1e9, rss_mib, rss_mib - in_mib, held }' >> "$table"
    tail -1 "$table" >&2
  done
done
{
  echo
  echo "time = the \`time:\` line of \`cossim all-pairs FILE --top-k 10 --threads $threads --verbose\` (the tile pass, after"
  echo "loading); wall and peak RSS = /usr/bin/time of the whole command; input = the file (mapped; its pages count in the"
  echo "RSS once read). x sgemm = effective GFLOP/s / sgemm at that d: 2.0 would be every unordered pair at sgemm speed."
  echo "rows held: packed (one float32 copy in the heap) or streamed from the mapped file (Analysis.packedRowLimit, 1 GiB)."
  echo "Logs: bench/out/logs/scale-SHAPE-N.log."
} >> "$table"
cat "$table"
