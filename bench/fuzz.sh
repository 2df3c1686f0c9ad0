#!/usr/bin/env bash
# The long fuzz run: every reader's fuzz target (cossim-core's and cossim-text's, see docs/fuzzing.md) for N minutes
# each, at most JOBS at once, one JVM per target. Prints executions, accepted, refused and findings per target;
# a target's JVM that dies (a native abort, a JVM crash) is reported with its exit code, its hs_err/replay files and
# the input it was reading (the fuzzer always reads from one file in its work directory).
#
#   bench/fuzz.sh [--minutes N] [--jobs J] [--targets a,b,...] [--seed S] [--out DIR]
#
# Defaults: 5 minutes per target, 2 at once (this machine has 2 cores), every target, a seed from the clock, output
# in /tmp/cossim-fuzz-DATE (logs, findings/TARGET/*@FILE inputs for src/test/resources/fuzz/TARGET/, summary.txt).
# Exit status: 0 with no findings and no crash, 1 otherwise.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
MINUTES=5 JOBS=2 TARGETS="" SEED="$(date +%s)" OUT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --minutes) MINUTES="$2"; shift 2 ;;
    --jobs) JOBS="$2"; shift 2 ;;
    --targets) TARGETS="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "usage: bench/fuzz.sh [--minutes N] [--jobs J] [--targets a,b] [--seed S] [--out DIR]" >&2; exit 2 ;;
  esac
done
OUT="${OUT:-/tmp/cossim-fuzz-$(date -u +%Y-%m-%dT%H-%MZ)}"
mkdir -p "$OUT/findings" "$OUT/work"
source "$root/bin/find-java.sh"
cd "$root"

# Build the test classes of both modules and snapshot them, so that editing the tree during a run changes nothing.
./mvnw -q -B -o test-compile dependency:build-classpath -pl cossim-text -am \
  -Dmdep.includeScope=test -Dmdep.outputFile="$OUT/classpath.txt" >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log"; exit 1; }
snap="$OUT/classes"
rm -rf "$snap"; mkdir -p "$snap"
cp_own=""
for m in cossim-core cossim-text; do
  for d in classes test-classes; do
    cp -r "$m/target/$d" "$snap/$m-$d"
    cp_own="$cp_own:$snap/$m-$d"
  done
done
# The dependency classpath, without cossim's own modules (the snapshot stands for them).
deps="$(tr ':' '\n' <"$OUT/classpath.txt" | grep -v -E '/cossim-(core|text)/target/|/dev/cossim/' | paste -sd: -)"
CP="${cp_own#:}:$deps"
FLAGS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx1g -XX:+UseSerialGC
       -Djava.awt.headless=true -DOPT_OUT_TRACKING=true -Dai.djl.offline=true)

if [[ -z "$TARGETS" ]]; then
  TARGETS="$("$JAVA" "${FLAGS[@]}" -cp "$CP" dev.cossim.fuzz.FuzzMain --list 2>/dev/null | paste -sd, -)"
fi
IFS=, read -r -a targets <<<"$TARGETS"
cpu="$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
{
  echo "cossim fuzz run $(date -u +%Y-%m-%dT%H:%MZ): ${MINUTES} min per target, ${JOBS} at once, seed $SEED"
  echo "CPU: $cpu ($(nproc) cores); $("$JAVA" -version 2>&1 | sed -n 2p)"
  echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' (with uncommitted changes)')"
} | tee "$OUT/summary.txt"

run_one() {
  local t="$1" i="$2"
  local log="$OUT/$t.log" rc=0
  env OPT_OUT_TRACKING=true "$JAVA" "${FLAGS[@]}" -XX:ErrorFile="$OUT/hs_err_${t}_%p.log" -XX:ReplayDataFile="$OUT/replay_${t}_%p.log" \
    -cp "$CP" dev.cossim.fuzz.FuzzMain "$t" --seconds "$((MINUTES * 60))" --seed "$((SEED + i))" \
    --findings "$OUT/findings" --work "$OUT/work/$t" >"$log" 2>&1 || rc=$?
  if [[ $rc -ne 0 && $rc -ne 1 ]]; then
    # The JVM died: keep the input it was reading.
    mkdir -p "$OUT/findings/$t"
    for f in "$OUT/work/$t"/fuzz-"$t"-*/*; do
      [[ -f "$f" ]] && cp "$f" "$OUT/findings/$t/crash-exit$rc@$(basename "$f")"
    done
  fi
  echo "$rc" >"$OUT/$t.rc"
}

i=0
for t in "${targets[@]}"; do
  while [[ "$(jobs -rp | wc -l)" -ge "$JOBS" ]]; do wait -n || true; done
  run_one "$t" "$i" &
  i=$((i + 1))
done
wait

status=0
for t in "${targets[@]}"; do
  rc="$(cat "$OUT/$t.rc")"
  line="$(grep -E "^$t +executions" "$OUT/$t.log" || true)"
  if [[ "$rc" == 0 ]]; then
    echo "$line"
  elif [[ "$rc" == 1 ]]; then
    echo "$line"; grep '^FINDING' "$OUT/$t.log" | sed 's/^/    /'; status=1
  else
    echo "$t: JVM died with exit $rc (input kept in $OUT/findings/$t/; see $OUT/$t.log and any hs_err/replay files)"; status=1
  fi
done | tee -a "$OUT/summary.txt"
grep -q -E "FINDING|JVM died" "$OUT/summary.txt" && status=1
echo "output: $OUT" | tee -a "$OUT/summary.txt"
exit "$status"
