#!/usr/bin/env bash
# Per-core tile throughput of cossim-spark all-pairs on a standalone cluster (cossim-spark/cluster-lib.sh: a master
# and 2 one-core workers on this machine) against the single-machine `cossim all-pairs --threads 2` on the same
# generated matrix, alternating, REPS rounds; prints each round and the medians, and the ratio
#   (pairs / Spark tile-stage seconds / 2 executor cores) / (pairs / cossim compute seconds / 2 threads).
# The Spark figure is the tile stage as the driver times it (its `tiles:` line: the job that computes every tile into
# the tasks' partials, from its submission to its last task's end), which includes Spark's task scheduling and the
# panels' reading on the executors, but not the merges and the writing after it; the CLI figure is its compute time
# (its `time:` line). Each round also prints the load average (`uptime`) before it and the CPU-seconds each side used
# in its window (bench/cpu-poll.py: the cossim process; the executors' JVMs during the tile stage, whose bounds come
# from Spark's event log): on a shared machine the wall times are also the share of the machine each side got.
# The executors (1200 MB heaps) run as long-running throughput JVMs are run: the parallel (throughput) collector and
# the heap pre-touched (-XX:+UseParallelGC -XX:+AlwaysPreTouch -Xms1200m: the JVM maps and touches its heap when it
# starts, before any task; in this VM a fresh 4 KiB page costs about 10 us, which executors otherwise pay inside the
# tile stage for each task's new memory until their heaps have grown). --default-jvm leaves them as Spark starts
# them (G1, heap grown on demand).
#   bench/spark-throughput.sh [--rows 50000] [--dim 768] [--reps 3] [--panel-blocks N] [--default-jvm]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
here="$root/cossim-spark"
rows=50000 dim=768 reps=3 panel=() jvm="-XX:+UseParallelGC -XX:+AlwaysPreTouch -Xms1200m"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rows) rows="$2"; shift 2 ;;
    --dim) dim="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    --panel-blocks) panel=(--panel-blocks "$2"); shift 2 ;;
    --default-jvm) jvm=""; shift ;;
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
echo "executors: 2 of 1 core, 1200 MB heap${jvm:+, $jvm}"
cli=() spark=() wall=() cli_cpu=() spark_cpu=()
poll="$root/bench/cpu-poll.py"
for r in $(seq 1 "$reps"); do
  echo "round $r: $(uptime | sed 's/.*\(load average.*\)/\1/')"
  # CPU-seconds beside the wall times (on a shared machine wall time is also the share of it each side got): the
  # cossim process in its compute window (the `time:` seconds before it ended), the executors' JVMs in the tile stage
  # (its submission and completion in Spark's event log).
  python3 "$poll" record "$work/cpu-cli-$r" "dev.cossim.cli.Main all-pairs $m" & pp=$!
  t_cli="$("$root/cossim" all-pairs "$m" --threads 2 | sed -n 's/^time: *\([0-9.]*\) s.*/\1/p')"
  kill "$pp"; wait "$pp" 2>/dev/null || true
  end="$(python3 "$poll" last "$work/cpu-cli-$r")"
  c_cli="$(python3 "$poll" window "$work/cpu-cli-$r" "$(awk -v e="$end" -v t="$t_cli" 'BEGIN {printf "%.3f", e - t}')" "$end")"
  mkdir -p "$work/events-$r"
  python3 "$poll" record "$work/cpu-spark-$r" CoarseGrainedExecutorBackend & pp=$!
  EXECUTOR_JAVA_OPTS="$jvm" EXECUTOR_MEMORY=1200m cluster_submit "spark-$r" 1800 --conf spark.eventLog.enabled=true \
    --conf spark.eventLog.compress=false --conf spark.eventLog.rolling.enabled=false \
    --conf "spark.eventLog.dir=file://$work/events-$r" all-pairs "$m" -o "$work/spark-$r" "${panel[@]}"
  kill "$pp"; wait "$pp" 2>/dev/null || true
  stage="$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["Event"] == "SparkListenerStageCompleted" and e["Stage Info"]["Stage Name"].startswith("count at SparkAllPairs"):
        print(e["Stage Info"]["Submission Time"] / 1000, e["Stage Info"]["Completion Time"] / 1000)
' "$(ls "$work/events-$r"/* | head -1)")"
  c_spark="$(python3 "$poll" window "$work/cpu-spark-$r" $stage)"
  t_spark="$(sed -n 's/^tiles: *\([0-9.]*\) s.*/\1/p' "$work/spark-$r.log" | tail -1)"
  t_wall="$(sed -n 's/^time: *\([0-9.]*\) s.*/\1/p' "$work/spark-$r.log" | tail -1)"
  tasks="$(sed -n 's/^cossim: all-pairs \(.*\): \([0-9,]*\) tasks$/\1, \2 tasks/p' "$work/spark-$r.log" | head -1)"
  cli+=("$t_cli") spark+=("$t_spark") wall+=("$t_wall") cli_cpu+=("$c_cli") spark_cpu+=("$c_spark")
  echo "round $r: cossim compute $t_cli s ($c_cli CPU-s) | spark tile stage $t_spark s ($c_spark CPU-s of the executors; job $t_wall s; $tasks)"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mc="$(median "${cli[@]}")" ms="$(median "${spark[@]}")" mw="$(median "${wall[@]}")"
mcc="$(median "${cli_cpu[@]}")" msc="$(median "${spark_cpu[@]}")"
awk -v p="$pairs" -v c="$mc" -v s="$ms" -v w="$mw" -v cc="$mcc" -v sc="$msc" 'BEGIN {
  printf "median: cossim %.2f s = %.1f M pairs/s per core; spark tile stage %.2f s = %.1f M pairs/s per core (job %.2f s)\n", c, p/c/2/1e6, s, p/s/2/1e6, w
  printf "spark / cossim per-core throughput: %.2f\n", c / s
  printf "median CPU-seconds: cossim %.2f, spark executors %.2f; pairs per CPU-second, spark / cossim: %.2f\n", cc, sc, cc / sc }'
grep -h "cossim executor kernel" "$work"/worker*/app-*/*/stderr | sort | uniq -c
echo "executors' rehearsals of a tile task (at executor start, before the tile stage):" \
  $(grep -h "tile tasks rehearsed in" "$work"/worker*/app-*/*/stderr | sed 's/.*rehearsed in //' | tr '\n' ' ')
