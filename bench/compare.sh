#!/usr/bin/env bash
# cossim compare on two generated 50,000 x 768 float32 .npy matrices (fixed seeds, aligned by id) against the two
# all-pairs runs it needs (cossim all-pairs -k K on each), one after another in the same run: wall time and peak RSS
# of each whole process (start-up and loading included) by /usr/bin/time. Must hold (issue 17): compare within 3x
# the sum of the two all-pairs runs, peak RSS under the two inputs + 512 MiB, in every run. Writes bench/out/compare.md.
#
# Usage: bench/compare.sh [--rows N] [--dim D] [-k K] [--runs R] [--lock FILE]
#   --runs R     R rounds of the three commands (default 1): each round's ratio, then the median and the largest
#   --lock FILE  each round holds flock(1) on FILE, so that measurements of others sharing the machine do not overlap
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bin/find-java.sh"
cmdline="bench/compare.sh${*:+ $*}"
n=50000
dim=768
k=10
runs=1
lock=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rows) n="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --lock) lock="$2"; shift 2 ;;
    --dim) dim="$2"; shift 2 ;;
    -k) k="$2"; shift 2 ;;
    *) echo "bench/compare.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -x /usr/bin/time ]] || { echo "bench/compare.sh needs /usr/bin/time (apt-get install -y time)" >&2; exit 2; }
out="$root/bench/out"
data="$out/data"
logs="$out/logs"
mkdir -p "$data" "$logs"

echo "building cossim-cli and cossim-bench..." >&2
(cd "$root" && ./mvnw -q -B -DskipTests -Dmaven.javadoc.skip=true package -pl cossim-cli,cossim-bench -am >&2)
touch "$root/cossim-cli/target/.cossim-built"
bench_cp="$root/cossim-bench/target/classes:$root/cossim-bench/target/lib/*"

a="$data/compare-a-${n}x$dim.npy"
b="$data/compare-b-${n}x$dim.npy"
[[ -f "$a" ]] || "$JAVA" -cp "$bench_cp" dev.cossim.bench.GenerateNpy "$a" "$n" "$dim" 1 >&2
[[ -f "$b" ]] || "$JAVA" -cp "$bench_cp" dev.cossim.bench.GenerateNpy "$b" "$n" "$dim" 2 >&2
inputs_kib=$(( ($(stat -c %s "$a") + $(stat -c %s "$b")) / 1024 ))

# measure NAME CMD...: prints "wall_s rss_kib", keeps the log.
measure() {
  local name="$1"; shift
  local tf; tf="$(mktemp)"
  /usr/bin/time -f "%e %M" -o "$tf" "$@" > "$logs/compare-$name.log" 2>&1 || { echo "$name failed, see $logs/compare-$name.log" >&2; tail -5 "$logs/compare-$name.log" >&2; exit 1; }
  cat "$tf"; rm -f "$tf"
}

# round I: the three commands, one after another; prints "load_before wa ra wb rb wc rc load_after".
round() {
  local i="$1" l0 l1 wa ra wb rb wc rc
  l0="$(cut -d' ' -f1 /proc/loadavg)"
  echo "round $i/$runs: all-pairs A... (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  read -r wa ra < <(measure "all-pairs-a-$i" "$root/cossim" all-pairs "$a" -k "$k")
  echo "round $i/$runs: all-pairs B..." >&2
  read -r wb rb < <(measure "all-pairs-b-$i" "$root/cossim" all-pairs "$b" -k "$k")
  echo "round $i/$runs: compare A B..." >&2
  read -r wc rc < <(measure "compare-$i" "$root/cossim" compare "$a" "$b" -k "$k" --out "$out/compare-run" --verbose)
  [[ -n "$wa" && -n "$wb" && -n "$wc" ]] || exit 1
  l1="$(cut -d' ' -f1 /proc/loadavg)"
  echo "$l0 $wa $ra $wb $rb $wc $rc $l1"
}

cpu="$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
started="$(date -u +%Y-%m-%dT%H:%MZ)"
rows=()
for ((i = 1; i <= runs; i++)); do
  if [[ -n "$lock" ]]; then
    export -f round measure
    export root a b k out logs runs
    rows+=("$(flock "$lock" bash -c "round $i")")
  else
    rows+=("$(round "$i")")
  fi
done

{
  echo "# cossim compare vs two all-pairs runs, $n x $dim"
  echo
  echo "- date: $started to $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- command: \`$cmdline\`"
  echo "- CPU: $cpu, $(nproc) cores (shared machine: other jobs may run)"
  echo "- inputs: two float32 .npy files, $((inputs_kib / 1024)) MiB together; -k $k"
  echo
  echo "| round | load average (1 min) before, after | all-pairs A s / MiB | all-pairs B s / MiB | compare s / MiB | compare / (A + B) | compare's RSS - inputs MiB |"
  echo "|---|---|---:|---:|---:|---:|---:|"
  ratios=()
  overs=()
  for ((i = 1; i <= runs; i++)); do
    read -r l0 wa ra wb rb wc rc l1 <<< "${rows[i - 1]}"
    ratio=$(awk -v c="$wc" -v a="$wa" -v b="$wb" 'BEGIN { printf "%.2f", c / (a + b) }')
    over=$(( (rc - inputs_kib) / 1024 ))
    ratios+=("$ratio")
    overs+=("$over")
    echo "| $i | $l0, $l1 | $wa / $((ra / 1024)) | $wb / $((rb / 1024)) | $wc / $((rc / 1024)) | $ratio | $over |"
  done
  echo
  median=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
  echo "- compare / (all-pairs A + all-pairs B): median $median, largest $(printf '%s\n' "${ratios[@]}" | sort -g | tail -1) (must be <= 3)"
  echo "- compare's peak RSS - inputs: largest $(printf '%s\n' "${overs[@]}" | sort -n | tail -1) MiB of $runs run(s) (must be < 512 in every run)"
  echo
  echo "compare's stages (--verbose), round $runs:"
  echo
  echo '```'
  tr '\r' '\n' < "$logs/compare-compare-$runs.log" | grep -E '^compare: [a-zA-Z -]+ +[0-9.]+ s$|^compare: d x d|^compare: JVM|^time:' || true
  echo '```'
  echo
  echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared)"
} | tee "$out/compare.md"
