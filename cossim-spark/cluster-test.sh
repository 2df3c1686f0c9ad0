#!/usr/bin/env bash
# cossim-spark on a real Spark standalone cluster, on this machine: a master and two workers as separate processes
# (from Spark 4.2's own jars, fetched from Maven Central by spark-submit-local; a SPARK_HOME laid out under the work
# directory), each worker with its own executor JVM. It runs, through spark-submit --master spark://127.0.0.1:PORT:
#   1. all-pairs (histogram, top-k, near-duplicate groups) of a generated .npy matrix, with default options;
#   2. the same from a Parquet copy of the matrix (id + vector columns, shuffled, 4 files);
#   3. query of generated query vectors against the matrix;
#   4. all-pairs again in many small tasks, SIGKILLing one worker and its executor while tasks run;
# and compares every result with `cossim all-pairs`, `cossim near-duplicates` and `cossim query` on the same files
# (histogram counts, extremes, every top-k entry with ties, groups; mean and std to 1e-12; query: the same rows in the
# same order, scores to 1e-6, since `cossim query` rescores its winners in double and Spark reports float32 values). It stops everything it
# started, by process id, and exits non-zero on any difference or failure. Loopback only; every step is time-bound.
#
#   cossim-spark/cluster-test.sh [--rows N] [--dim D] [--kill-rows N] [--keep]
# Defaults: 12,000 x 128 for runs 1-3, 24,000 x 128 for the run with the kill. --keep leaves the work directory.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

rows=12000 dim=128 kill_rows=24000 keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rows) rows="$2"; shift 2 ;;
    --dim) dim="$2"; shift 2 ;;
    --kill-rows) kill_rows="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "cluster-test: unknown option $1" >&2; exit 2 ;;
  esac
done

work="$(mktemp -d /tmp/cossim-cluster-test.XXXXXX)"
source "$here/cluster-lib.sh"
cluster_start "$work"

step "generating a $rows x $dim matrix, 40 query vectors and a Parquet copy"
"$root/cossim" generate-batches -o "$work/gen" --rows "$rows" --dim "$dim" --files 1 --dtype f32 --seed 3 >/dev/null
"$root/cossim" generate-batches -o "$work/qgen" --rows 40 --dim "$dim" --files 1 --dtype f32 --seed 9 >/dev/null
m="$work/gen/batch_00000.npy"
cluster_check write-parquet "$m" "$work/m.parquet"
threshold=0.33

step "cossim on one machine: all-pairs, near-duplicates -t $threshold, query"
"$root/cossim" all-pairs "$m" --out "$work/cli-ap" >/dev/null
"$root/cossim" near-duplicates "$m" -t "$threshold" -o "$work/cli-nd" >/dev/null
"$root/cossim" query "$work/gen" --queries "$work/qgen/batch_00000.npy" -k 10 --format tsv -o "$work/cli-q.tsv" 2>/dev/null

step "1. spark all-pairs (default options, -t $threshold) on the cluster"
cluster_submit spark-ap 600 all-pairs "$m" -o "$work/spark-ap" -t "$threshold"
cluster_check all-pairs "$work/spark-ap" "$work/cli-ap" "$work/cli-nd"
grep -h "cossim executor kernel" "$work"/worker*/app-*/*/stderr | sort | uniq -c | sed 's/^/cluster-test:   executor log: /'

step "2. spark all-pairs from Parquet"
cluster_submit spark-ap-parquet 600 all-pairs "$work/m.parquet" -o "$work/spark-ap-parquet" -t "$threshold"
cluster_check all-pairs "$work/spark-ap-parquet" "$work/cli-ap" "$work/cli-nd" --no-tokens   # Parquet has no tokens

step "3. spark query"
cluster_submit spark-q 600 query --corpus "$m" --queries "$work/qgen/batch_00000.npy" -o "$work/spark-q" -k 10
cluster_check query "$work/spark-q" "$work/cli-q.tsv"

step "4. spark all-pairs of $kill_rows x $dim in small tasks, one worker SIGKILLed mid-job"
"$root/cossim" generate-batches -o "$work/big" --rows "$kill_rows" --dim "$dim" --files 1 --dtype f32 --seed 5 >/dev/null
big="$work/big/batch_00000.npy"
"$root/cossim" all-pairs "$big" --out "$work/cli-big" >/dev/null
"$root/cossim" near-duplicates "$big" -t "$threshold" -o "$work/cli-big-nd" >/dev/null
cluster_submit spark-kill 900 all-pairs "$big" -o "$work/spark-kill" -t "$threshold" --panel-blocks 1 &
submit_pid=$!
killed=""
for i in $(seq 1 3000); do
  # Kill at the first progress line past 10% (tasks are running on both executors then).
  if grep -qE "tasks \(([1-7])[0-9]%\)" "$work/spark-kill.log" 2>/dev/null; then
    executor="$(pgrep -P "${worker_pid[2]}" | head -1 || true)"
    [[ -n "$executor" ]] || fail "worker 2 has no executor process to kill"
    kill -KILL "$executor" "${worker_pid[2]}"
    killed="$(grep -oE "[0-9,]+ / [0-9,]+ tasks" "$work/spark-kill.log" | tail -1)"
    step "   killed worker 2 (pid ${worker_pid[2]}) and its executor (pid $executor) at $killed"
    break
  fi
  kill -0 "$submit_pid" 2>/dev/null || break
  sleep 0.1
done
wait "$submit_pid" || fail "spark-kill: the job did not finish after the kill"
[[ -n "$killed" ]] || fail "the job ended before the kill (use a larger --kill-rows)"
grep -qiE "lost executor|executor lost|Lost task|ExecutorLostFailure|Remov.* executor" "$work/spark-kill.log" \
  && step "   the driver saw it: $(grep -m1 -oiE "lost executor.*" "$work/spark-kill.log")"
cluster_check all-pairs "$work/spark-kill" "$work/cli-big" "$work/cli-big-nd"

step "PASSED: cluster results equal cossim's in all 4 runs"
