#!/usr/bin/env bash
# All-pairs similarity on BERT-shaped (30522 x 768) and GPT-2-shaped (50257 x 768) float32 .npy matrices from a fixed
# seed: cossim all-pairs (2000-bin histogram, statistics, top-10 neighbours) against its peers on the same file in the
# same run, when python3 has them: numpy (row blocks of E @ E.T, histogram, argpartition top-10) and FAISS
# (IndexFlatIP search, k = 11, top-k only). Also measures the machine's sgemm through the same OpenBLAS as cossim's
# blas kernel (and numpy's). Prints a table and writes it to bench/out/all-pairs.md.
#
# Usage: bench/all-pairs.sh [--reps N] [--gpt2-reps N] [--shapes bert,gpt2]
# Runs alternate tools within each repetition; the table gives medians. Wall time is the whole process (start-up,
# loading and normalising the file included) measured by /usr/bin/time, as is peak RSS.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bin/find-java.sh"
cmdline="bench/all-pairs.sh${*:+ $*}"
reps=3
gpt2_reps=1
shapes="bert,gpt2"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --reps) reps="$2"; shift 2 ;;
    --gpt2-reps) gpt2_reps="$2"; shift 2 ;;
    --shapes) shapes="$2"; shift 2 ;;
    *) echo "bench/all-pairs.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
out="$root/bench/out"
data="$out/data"
logs="$out/logs"
mkdir -p "$data" "$logs"
results="$out/results.tsv"
: > "$results"

echo "building cossim-cli and cossim-bench..." >&2
(cd "$root" && ./mvnw -q -B -DskipTests -Dmaven.javadoc.skip=true package -pl cossim-cli,cossim-bench -am >&2)
touch "$root/cossim-cli/target/.cossim-built"
"$root/cossim" --version > /dev/null   # makes the launcher's start-up cache now, not inside the first timed run
bench_cp="$root/cossim-bench/target/classes:$root/cossim-bench/target/lib/*"
jflags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)

# Peers: Debian's python3-numpy / python3-faiss install into /usr/bin/python3; a pyenv python3 may lack them.
py=""
for c in /usr/bin/python3 "$(command -v python3 2>/dev/null || true)"; do
  if [[ -n "$c" && -x "$c" ]] && "$c" -c 'import numpy' 2>/dev/null; then py="$c"; break; fi
done
have_faiss=0
if [[ -n "$py" ]] && "$py" -c 'import faiss' 2>/dev/null; then have_faiss=1; fi
[[ -n "$py" ]] || echo "python3 with numpy not found: skipping the numpy and FAISS peers (apt-get install -y python3-numpy python3-faiss libopenblas0-pthread)" >&2
[[ -n "$py" && $have_faiss -eq 0 ]] && echo "faiss not found: skipping the FAISS peer (apt-get install -y python3-faiss)" >&2
have_time=0
[[ -x /usr/bin/time ]] && have_time=1
source "$root/bench/peer-env.sh"   # peer_env: the BLAS settings the Python peers run with

# measure SHAPE TOOL REP CMD...: wall seconds and peak RSS (KiB) of the whole process, its log kept.
measure() {
  local shape="$1" tool="$2" rep="$3"; shift 3
  local log="$logs/$shape-$tool-$rep.log" tf
  tf="$(mktemp)"
  if [[ $have_time -eq 1 ]]; then
    /usr/bin/time -f "%e %M" -o "$tf" "$@" > "$log" 2>&1 || { echo "$tool failed, see $log" >&2; tail -5 "$log" >&2; rm -f "$tf"; return 1; }
  else
    local t0 t1; t0=$(date +%s.%N); "$@" > "$log" 2>&1 || { echo "$tool failed, see $log" >&2; return 1; }; t1=$(date +%s.%N)
    echo "$(echo "$t1 - $t0" | bc) 0" > "$tf"
  fi
  local wall rss compute
  read -r wall rss < "$tf"; rm -f "$tf"
  compute="$(sed -n 's/^time: *\([0-9.]*\) s.*/\1/p; s/.*compute \([0-9.]*\) s.*/\1/p' "$log" | head -1)"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$shape" "$tool" "$rep" "$wall" "${compute:-}" "$rss" >> "$results"
  printf '  %-6s %-7s rep %s: wall %6.2f s, compute %6s s, peak RSS %5d MiB\n' "$shape" "$tool" "$rep" "$wall" "${compute:-?}" $((rss / 1024)) >&2
}

declare -A rows=([bert]=30522 [gpt2]=50257) seeds=([bert]=30522 [gpt2]=50257)
dim=768
IFS=, read -ra shape_list <<< "$shapes"
for shape in "${shape_list[@]}"; do
  f="$data/$shape-${rows[$shape]}x$dim.npy"
  [[ -f "$f" ]] || "$JAVA" -cp "$bench_cp" dev.cossim.bench.GenerateNpy "$f" "${rows[$shape]}" "$dim" "${seeds[$shape]}" >&2
done

# sgemm, measured again before each repetition (the machine is shared: its speed drifts during a run).
sgemm_log="$out/sgemm.tsv"
: > "$sgemm_log"
measure_sgemm() {  # measure_sgemm SHAPE REP
  local line
  line="$("$JAVA" "${jflags[@]}" -cp "$bench_cp" dev.cossim.bench.SgemmPeak 8192 768 3 2>/dev/null | tail -1)"
  echo "  $line" >&2
  printf 'openblas\t%s\t%s\t%s\n' "$(sed -n 's/.*median \([0-9.]*\) GFLOP.*/\1/p' <<< "$line")" "$1" "$2" >> "$sgemm_log"
  if [[ -n "$py" ]]; then
    line="$("${peer_env[@]}" "$py" "$root/bench/peers/sgemm.py" 8192 768 3)"
    echo "  $line" >&2
    printf 'numpy\t%s\t%s\t%s\n' "$(sed -n 's/.*median \([0-9.]*\) GFLOP.*/\1/p' <<< "$line")" "$1" "$2" >> "$sgemm_log"
  fi
}

for shape in "${shape_list[@]}"; do
  n="${rows[$shape]}"
  f="$data/$shape-${n}x$dim.npy"
  size_mib=$(( $(stat -c %s "$f") / 1048576 ))
  # Heap: the packed float32 rows (about the file's size) plus room for tiles and reducers.
  xmx="$(( size_mib + 256 ))m"
  r=$reps; [[ "$shape" == gpt2 ]] && r=$gpt2_reps
  for ((rep = 1; rep <= r; rep++)); do
    echo "sgemm before $shape rep $rep (the same OpenBLAS as the blas kernel, 2 threads; numpy's):" >&2
    measure_sgemm "$shape" "$rep"
    # cossim right after the sgemm and the OpenBLAS sgemm again right after cossim: the host's speed drifts within a
    # minute (cossim's compute on one file went 4.1 s, 6.1 s, 4.1 s in consecutive runs here), so each repetition's
    # ratio is taken against the sgemm bracketing that cossim run; then the peers, in alternating order.
    JAVA_OPTS="-Xmx$xmx -Xms64m" measure "$shape" cossim "$rep" "$root/cossim" all-pairs "$f" --top-k 10 --verbose
    line="$("$JAVA" "${jflags[@]}" -cp "$bench_cp" dev.cossim.bench.SgemmPeak 8192 768 3 2>/dev/null | tail -1)"
    echo "  after cossim: $line" >&2
    printf 'after\t%s\t%s\t%s\n' "$(sed -n 's/.*median \([0-9.]*\) GFLOP.*/\1/p' <<< "$line")" "$shape" "$rep" >> "$sgemm_log"
    tools=(numpy faiss)
    (( rep % 2 == 0 )) && tools=(faiss numpy)
    for tool in "${tools[@]}"; do
      case "$tool" in
        numpy) [[ -n "$py" ]] && measure "$shape" numpy "$rep" "${peer_env[@]}" "$py" "$root/bench/peers/numpy_allpairs.py" "$f" ;;
        faiss) [[ $have_faiss -eq 1 ]] && measure "$shape" faiss "$rep" "${peer_env[@]}" "$py" "$root/bench/peers/faiss_top10.py" "$f" ;;
      esac
    done
  done
done
kernel_line="$(grep -h '^kernel:' "$logs"/*-cossim-1.log | head -1)"
# The median (of an even count, the mean of the middle two).
median_of() { awk -F'\t' -v t="$1" '$1 == t { print $2 }' "$sgemm_log" | sort -g | awk '{ a[NR] = $1 } END { if (!NR) print 0; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
gf_java="$(awk -F'\t' '$1 == "openblas" || $1 == "after" { print $2 }' "$sgemm_log" | sort -g | awk '{ a[NR] = $1 } END { if (!NR) print 0; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }')"
gf_numpy="$(median_of numpy)"
runs_sgemm="$(awk -F'\t' '$1 == "openblas" || $1 == "after"' "$sgemm_log" | wc -l)"
# The reference is the faster of the two medians: the harder bar.
sgemm="$(awk -v a="$gf_java" -v b="$gf_numpy" 'BEGIN { print (a > b ? a : b) }')"

# Table: medians per shape and tool.
table="$out/all-pairs.md"
{
  echo "## all-pairs: cossim vs numpy vs FAISS ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1))"
  echo
  echo "Command: \`$cmdline\`. Medians over repetitions. wall = whole process"
  echo "(JVM or Python start-up, loading and normalising the file included); compute = the tool's own timer around the"
  echo "all-pairs work after loading (cossim's \"time:\" line). effective GFLOP/s = 2·N²·d / time, though cossim computes"
  echo "each unordered pair once (half those flops); \"compute x sgemm\" = effective (compute) / the sgemm reference."
  echo "cossim: $kernel_line; JAVA_OPTS=-Xmx(input + 256 MiB). numpy and FAISS ran with: ${peer_env[1]:-their default BLAS settings} (bench/peer-env.sh)."
  echo
  echo "| shape | tool | runs | wall s | compute s | effective GFLOP/s (wall) | (compute) | compute x sgemm | peak RSS MiB | input MiB | wall vs cossim | compute vs cossim |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  for shape in "${shape_list[@]}"; do
    n="${rows[$shape]}"
    size_mib=$(( $(stat -c %s "$data/$shape-${n}x$dim.npy") / 1048576 ))
    cw="$(awk -F'\t' -v s="$shape" '$1 == s && $2 == "cossim" { print $4 }' "$results" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')"
    cc="$(awk -F'\t' -v s="$shape" '$1 == s && $2 == "cossim" { print $5 }' "$results" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')"
    for tool in cossim numpy faiss; do
      awk -F'\t' -v s="$shape" -v t="$tool" '$1 == s && $2 == t' "$results" | sort -t$'\t' -k4,4g | awk -F'\t' \
        -v n="$n" -v d="$dim" -v sg="$sgemm" -v cw="$cw" -v cc="$cc" -v in_mib="$size_mib" -v shape="$shape" -v tool="$tool" '
        { w[NR] = $4; c[NR] = $5; m[NR] = $6 }
        END {
          if (NR == 0) exit
          k = int((NR + 1) / 2); wall = w[k]
          # median compute time, separately sorted
          for (i = 1; i <= NR; i++) cs[i] = c[i] + 0
          for (i = 1; i <= NR; i++) for (j = i + 1; j <= NR; j++) if (cs[j] < cs[i]) { t = cs[i]; cs[i] = cs[j]; cs[j] = t }
          comp = cs[k]
          mx = 0; for (i = 1; i <= NR; i++) if (m[i] > mx) mx = m[i]
          g = 2.0 * n * n * d / wall / 1e9; gc = 2.0 * n * n * d / comp / 1e9
          printf "| %s %dx%d | %s | %d | %.2f | %.2f | %.1f | %.1f | %.2f | %d | %d | %.2fx | %.2fx |\n", shape, n, d, tool, NR, wall, comp, g, gc, gc / sg, mx / 1024, in_mib, wall / cw, comp / cc
        }'
    done
  done
  echo
  echo "sgemm reference: $sgemm GFLOP/s, the faster of the medians over $runs_sgemm OpenBLAS measurements (before and after each cossim run)"
  echo "of C = A·Aᵀ, A 8192 x 768 float32: OpenBLAS 0.3.30 (the blas kernel's library, 2 threads) $gf_java GFLOP/s; numpy $gf_numpy GFLOP/s."
  # Per repetition: cossim's effective (compute) GFLOP/s over the sgemm bracketing its run: the mean of the faster
  # sgemm just before it (OpenBLAS or numpy) and the OpenBLAS one just after it.
  for shape in "${shape_list[@]}"; do
    awk -F'\t' -v s="$shape" -v n="${rows[$shape]}" -v d="$dim" '
      FNR == NR { if ($3 != s) next; if ($1 == "after") after[$4] = $2 + 0; else if ($2 + 0 > best[$4]) best[$4] = $2 + 0; next }
      $1 == s && $2 == "cossim" && $5 + 0 > 0 && best[$3] > 0 {
        ref = after[$3] > 0 ? (best[$3] + after[$3]) / 2 : best[$3]
        line = line sprintf("%srep %s %.2fx (%.2f s, sgemm %.1f before, %.1f after)", sep, $3, 2.0 * n * n * d / $5 / 1e9 / ref, $5, best[$3], after[$3]); sep = "; " }
      END { if (line != "") print "cossim " s ", compute x the sgemm around each repetition (mean of just before and just after): " line "." }' "$sgemm_log" "$results"
  done
  [[ -z "$py" ]] && echo "numpy/FAISS peers skipped: python3 with numpy not found."
  [[ -n "$py" && $have_faiss -eq 0 ]] && echo "FAISS peer skipped: faiss not importable."
  echo
  echo "Per-run figures: bench/out/results.tsv (shape, tool, rep, wall s, compute s, peak RSS KiB); logs in bench/out/logs/."
} > "$table"
cat "$table"
