#!/usr/bin/env bash
# Per-core tile throughput of cossim-spark all-pairs on a standalone cluster (cossim-spark/cluster-lib.sh: a master
# and 2 one-core workers on this machine) against the single-machine `cossim all-pairs --threads 2` on the same
# generated matrix, alternating, REPS rounds; prints each round and the medians, and the ratio
#   (pairs / Spark tile-stage seconds / 2 executor cores) / (pairs / cossim compute seconds / 2 threads).
# The Spark figure is the tile stage as the driver times it (its `tiles:` line: the job that computes every tile into
# the tasks' partials, from its submission to its last task's end), which includes Spark's task scheduling and the
# panels' reading on the executors, but not the merges and the writing after it; the CLI figure is its compute time
# (its `time:` line). Each round also prints the load average (`uptime`) before it: the machine may be shared.
#   bench/spark-throughput.sh [--rows 50000] [--dim 768] [--reps 3] [--panel-blocks N]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
here="$root/cossim-spark"
rows=50000 dim=768 reps=3 panel=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rows) rows="$2"; shift 2 ;;
    --dim) dim="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    --panel-blocks) panel=(--panel-blocks "$2"); shift 2 ;;
    *) echo "spark-throughput: unknown option $1" >&2; exit 2 ;;
  esac
done
source "$here/cluster-lib.sh"
EXECUTOR_MEMORY=1200m WORKER_MEMORY=1500m cluster_start "$(mktemp -d /tmp/cossim-spark-throughput.XXXXXX)"
work="$cluster_work"
"$root/cossim" generate-batches -o "$work/gen" --rows "$rows" --dim "$dim" --files 1 --dtype f32 --seed 3 >/dev/null
m="$work/gen/batch_00000.npy"
pairs=$(( rows * (rows - 1) / 2 ))
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)  ($(nproc) cores)"
echo "matrix: $rows x $dim float32, $pairs pairs"
cli=() spark=() wall=()
for r in $(seq 1 "$reps"); do
  echo "round $r: $(uptime | sed 's/.*\(load average.*\)/\1/')"
  t_cli="$("$root/cossim" all-pairs "$m" --threads 2 | sed -n 's/^time: *\([0-9.]*\) s.*/\1/p')"
  EXECUTOR_MEMORY=1200m cluster_submit "spark-$r" 1800 all-pairs "$m" -o "$work/spark-$r" "${panel[@]}"
  t_spark="$(sed -n 's/^tiles: *\([0-9.]*\) s.*/\1/p' "$work/spark-$r.log" | tail -1)"
  t_wall="$(sed -n 's/^time: *\([0-9.]*\) s.*/\1/p' "$work/spark-$r.log" | tail -1)"
  tasks="$(sed -n 's/^cossim: all-pairs \(.*\): \([0-9,]*\) tasks$/\1, \2 tasks/p' "$work/spark-$r.log" | head -1)"
  cli+=("$t_cli") spark+=("$t_spark") wall+=("$t_wall")
  echo "round $r: cossim compute $t_cli s | spark tile stage $t_spark s (job $t_wall s; $tasks)"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mc="$(median "${cli[@]}")" ms="$(median "${spark[@]}")" mw="$(median "${wall[@]}")"
awk -v p="$pairs" -v c="$mc" -v s="$ms" -v w="$mw" 'BEGIN {
  printf "median: cossim %.2f s = %.1f M pairs/s per core; spark tile stage %.2f s = %.1f M pairs/s per core (job %.2f s)\n", c, p/c/2/1e6, s, p/s/2/1e6, w
  printf "spark / cossim per-core throughput: %.2f\n", c / s }'
grep -h "cossim executor kernel" "$work"/worker*/app-*/*/stderr | sort | uniq -c
