#!/usr/bin/env bash
# cossim compare on two generated 50,000 x 768 float32 .npy matrices (fixed seeds, aligned by id) against the two
# all-pairs runs it needs (cossim all-pairs -k K on each), one after another in the same run: wall time and peak RSS
# of each whole process (start-up and loading included) by /usr/bin/time. Must hold (issue 17): compare within 3x
# the sum of the two all-pairs runs, peak RSS under the two inputs + 512 MiB. Writes bench/out/compare.md.
#
# Usage: bench/compare.sh [--rows N] [--dim D] [-k K]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bin/find-java.sh"
cmdline="bench/compare.sh${*:+ $*}"
n=50000
dim=768
k=10
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rows) n="$2"; shift 2 ;;
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

echo "all-pairs A... (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
read -r wa ra < <(measure all-pairs-a "$root/cossim" all-pairs "$a" -k "$k")
echo "all-pairs B..." >&2
read -r wb rb < <(measure all-pairs-b "$root/cossim" all-pairs "$b" -k "$k")
echo "compare A B..." >&2
read -r wc rc < <(measure compare "$root/cossim" compare "$a" "$b" -k "$k" --out "$out/compare-run" --verbose)

cpu="$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
ratio=$(awk -v c="$wc" -v a="$wa" -v b="$wb" 'BEGIN { printf "%.2f", c / (a + b) }')
over=$(( (rc - inputs_kib) / 1024 ))
{
  echo "# cossim compare vs two all-pairs runs, $n x $dim"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- command: \`$cmdline\`"
  echo "- CPU: $cpu, $(nproc) cores (shared machine: other jobs may run)"
  echo "- inputs: two float32 .npy files, $((inputs_kib / 1024)) MiB together; -k $k"
  echo
  echo "| run | wall s | peak RSS MiB |"
  echo "|---|---:|---:|"
  echo "| all-pairs A -k $k | $wa | $((ra / 1024)) |"
  echo "| all-pairs B -k $k | $wb | $((rb / 1024)) |"
  echo "| compare A B -k $k | $wc | $((rc / 1024)) |"
  echo
  echo "- compare / (all-pairs A + all-pairs B) = $ratio (must be <= 3)"
  echo "- compare's peak RSS - inputs = $over MiB (must be < 512)"
  echo
  echo "compare's stages (--verbose):"
  echo
  echo '```'
  tr '\r' '\n' < "$logs/compare-compare.log" | grep -E '^compare: [a-zA-Z -]+ +[0-9.]+ s$|^compare: d x d|^time:' || true
  echo '```'
  echo
  echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared)"
} | tee "$out/compare.md"
