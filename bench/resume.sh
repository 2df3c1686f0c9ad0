#!/usr/bin/env bash
# Resume of a long all-pairs run, as issue 16's "Must hold" asks: on a matrix that takes about a minute here, an
# uninterrupted checkpointed run (all outputs: histogram, statistics, top-k neighbours; and near-duplicate groups with
# -t through near-duplicates) against the same run killed with SIGKILL --kill-after seconds after its first checkpoint and resumed with --resume; every output
# file is compared byte for byte (summary.json holds no timing field). Writes a dated report to bench/results/.
#
# Usage: bench/resume.sh [--rows N] [--dim D] [--kill-after SECONDS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cmdline="bench/resume.sh${*:+ $*}"
rows=60000
dim=384
kill_after=15
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rows) rows="$2"; shift 2 ;;
    --dim) dim="$2"; shift 2 ;;
    --kill-after) kill_after="$2"; shift 2 ;;
    *) echo "bench/resume.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
work="$root/bench/out/resume"
rm -rf "$work"
mkdir -p "$work"
cd "$work"
cossim="$root/cossim"
"$cossim" generate-batches -o data --rows "$rows" --dim "$dim" --files 1 > /dev/null
m=data/batch_00000.npy
cpu="$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
report=()
line() { report+=("$1"); echo "$1"; }

# cmd NAME ARGS...: the command with its checkpoint directory and output directory for run NAME.
run_pair() {
  local what="$1"; shift
  local t0 t1
  t0=$(date +%s.%N)
  "$cossim" "$what" "$m" "$@" --checkpoint "ck-whole-$what" -o "whole-$what" > "whole-$what.txt" 2>/dev/null
  t1=$(date +%s.%N)
  local whole_s; whole_s=$(echo "$t1 - $t0" | bc)
  "$cossim" "$what" "$m" "$@" --checkpoint "ck-$what" --checkpoint-every 5 -o "resumed-$what" > /dev/null 2>&1 &
  local pid=$!
  # Killed kill_after seconds after its first checkpoint is on disk (or at its end, if it ends first).
  while kill -0 "$pid" 2>/dev/null && [[ ! -f "ck-$what/checkpoint.bin" ]]; do sleep 0.2; done
  sleep "$kill_after"
  kill -KILL "$pid" 2>/dev/null || echo "bench/resume.sh: $what finished before the kill; raise --rows" >&2
  wait "$pid" 2>/dev/null || true
  local saved; saved=$(stat -c %s "ck-$what/checkpoint.bin" 2>/dev/null || echo none)
  t0=$(date +%s.%N)
  "$cossim" "$what" "$m" "$@" --checkpoint "ck-$what" --checkpoint-every 5 --resume --verbose -o "resumed-$what" > "resumed-$what.txt" 2> "resumed-$what.err"
  t1=$(date +%s.%N)
  local resumed_s; resumed_s=$(echo "$t1 - $t0" | bc)
  local from; from=$(grep -o 'resuming from .*' "resumed-$what.err" | sed 's/.*: //' || true)
  local same="identical"
  for f in "whole-$what"/*; do
    cmp -s "$f" "resumed-$what/$(basename "$f")" || same="DIFFERENT: $(basename "$f")"
  done
  line "| $what $* | $(printf '%.1f' "$whole_s") s | SIGKILL ${kill_after} s after the first checkpoint (checkpoint ${saved} bytes; resumed with $from) | $(printf '%.1f' "$resumed_s") s | $(ls "whole-$what" | tr '\n' ' ')| $same |"
}

line "# Resume after SIGKILL: $rows x $dim float32 (generate-batches), $(date -u +%Y-%m-%dT%H:%MZ)"
line ""
line "CPU: $cpu ($(nproc) cores); command: \`$cmdline\`; cossim at $(git -C "$root" rev-parse --short HEAD)"
line ""
line "| run | uninterrupted (wall) | kill | resumed (wall) | files | byte for byte |"
line "|---|---|---|---|---|---|"
run_pair all-pairs -k 10
run_pair near-duplicates -t 0.2
stamp="$(date -u +%Y-%m-%dT%H-%MZ)"
cpu_tag="$(echo "$cpu" | tr 'A-Z' 'a-z' | grep -oE '(intel|amd) [a-z]+' | head -1 | tr ' ' '-')"
printf '%s\n' "${report[@]}" > "$root/bench/results/$stamp-resume-${cpu_tag:-cpu}.md"
echo "wrote bench/results/$stamp-resume-${cpu_tag:-cpu}.md"
