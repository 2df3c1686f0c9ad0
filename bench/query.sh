#!/usr/bin/env bash
# Query throughput of `cossim query` against FAISS IndexFlatIP (exact inner product) on the same batch files.
#
#   bench/query.sh [WORKDIR]        (default WORKDIR: /tmp/cossim-bench-query)
#
# Data: ROWS x DIM float16 rows in FILES .npy batch files (seeded Gaussian, written once by
# `cossim generate-batches`), QUERIES float32 queries, top K by inner product (--metric dot, what IndexFlatIP ranks by).
# Runs cossim and FAISS alternately REPS times and prints each run and the medians.
#   cossim: the whole command (JVM start, mapping the files, float16 -> float32, scoring, merging, output), and
#           the search alone as cossim reports it (its clock starts once the JIT warm-up begun at launch is done; the
#           wait is reported apart, and counted in a ratio of its own); the batch files are read once just before (cat > /dev/null), so
#           that they start in the page cache as FAISS's index starts in RAM (this VM reclaims page cache by itself;
#           WARM=0 skips that);
#   FAISS:  index.search alone, with the index already in RAM as float32 (loading and adding it is timed apart),
#           as installed (OpenMP threads spin while waiting) and with OMP_WAIT_POLICY=PASSIVE, its better setting
#           on a machine shared with other work; the ratios take the faster of the two.
# FAISS runs when /usr/bin/python3 has faiss and numpy (Debian: apt-get install -y python3-numpy python3-faiss libopenblas0-pthread);
# otherwise only cossim runs. The results of both are compared row for row.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
work="${1:-/tmp/cossim-bench-query}"
ROWS="${ROWS:-1000000}" DIM="${DIM:-384}" FILES="${FILES:-10}" QUERIES="${QUERIES:-100}" K="${K:-10}" REPS="${REPS:-3}"
THREADS="${THREADS:-$(nproc)}"
source "$here/peer-env.sh"   # peer_env: the BLAS settings FAISS runs with
PY=/usr/bin/python3
COSSIM="${COSSIM:-$root/cossim}"   # another tree's launcher, to measure it on the same data
mkdir -p "$work"
corpus="$work/corpus-${ROWS}x${DIM}-f16"
queries="$work/queries-${QUERIES}x${DIM}"

cd "$root"
"$COSSIM" --version >/dev/null 2>&1 || true
# The kernel line: --verbose where the build has it (an older tree printed it always).
verbose=()
if "$COSSIM" query --help 2>/dev/null | grep -q -- '--verbose'; then verbose=(--verbose); fi
if [[ ! -d "$corpus" ]]; then
  "$COSSIM" generate-batches -o "$corpus" --rows "$ROWS" --dim "$DIM" --files "$FILES" --dtype f16 --seed 1 >/dev/null 2>&1
fi
if [[ ! -d "$queries" ]]; then
  "$COSSIM" generate-batches -o "$queries" --rows "$QUERIES" --dim "$DIM" --files 1 --dtype f32 --seed 2 --label-prefix "query " >/dev/null 2>&1
fi
qfile="$queries/batch_00000.npy"
echo "data: $(du -shL "$corpus"/ | cut -f1) in $FILES files ($ROWS x $DIM float16), $QUERIES queries, k=$K, $THREADS threads, $(nproc) cores"
echo "machine load before: $(cut -d' ' -f1-3 /proc/loadavg)"

have_faiss=0
if [[ -x "$PY" ]] && "$PY" -c 'import faiss, numpy' 2>/dev/null; then have_faiss=1; else echo "FAISS: not installed for $PY; skipping the peer"; fi

cossim_total=() cossim_search=() cossim_cpu=() cossim_wait=()
faiss_search_default=() faiss_load_default=() faiss_cpu_default=() faiss_search_passive=() faiss_load_passive=() faiss_cpu_passive=()
for rep in $(seq 1 "$REPS"); do
  if [[ "${WARM:-1}" == 1 ]]; then cat "$corpus"/*.npy > /dev/null; fi
  /usr/bin/time -f 'TIME %e %U %S' -o "$work/cossim.time" \
    "$COSSIM" query "$corpus" --queries "$qfile" -k "$K" --metric dot --threads "$THREADS" --format tsv -o "$work/cossim.tsv" ${verbose[@]+"${verbose[@]}"} 2>"$work/cossim.err"
  read -r _ total user sys < "$work/cossim.time"
  cpu=$(echo "$user + $sys" | bc -l)
  search=$(sed -n 's/^searched .* in \([0-9.]*\) s .*/\1/p' "$work/cossim.err")
  # The seconds the search waited for the JIT warm-up before its clock started (a build that waits says so).
  wait=$(sed -n 's/^searched .*after \([0-9.]*\) s waiting for the JIT warm-up.*/\1/p' "$work/cossim.err")
  cossim_total+=("$total") cossim_search+=("$search") cossim_cpu+=("$cpu") cossim_wait+=("${wait:-0}")
  printf 'run %d cossim: total %.3f s (CPU %.3f s, JVM start included), search %.3f s after %.2f s waiting for the JIT warm-up (%s)\n' "$rep" "$total" "$cpu" "$search" "${wait:-0}" "$(grep '^kernel:' "$work/cossim.err")"
  if (( have_faiss )); then
    for cfg in default passive; do
      if [[ $cfg == passive ]]; then export OMP_WAIT_POLICY=PASSIVE; else unset OMP_WAIT_POLICY; fi
      line=$("${peer_env[@]}" "$PY" "$here/faiss_flat.py" "$corpus" "$qfile" "$K" --threads "$THREADS" --out "$work/faiss.tsv")
      unset OMP_WAIT_POLICY
      fs=$(sed -n 's/.*search_s=\([0-9.]*\).*/\1/p' <<<"$line")
      fl=$(sed -n 's/.*load_add_s=\([0-9.]*\).*/\1/p' <<<"$line")
      fc=$(sed -n 's/.*search_cpu_s=\([0-9.]*\).*/\1/p' <<<"$line")
      eval "faiss_search_$cfg+=(\"$fs\") faiss_load_$cfg+=(\"$fl\") faiss_cpu_$cfg+=(\"$fc\")"
      printf 'run %d FAISS (%s): search %.3f s (CPU %.3f s), loading + adding the index %.3f s [%s]\n' "$rep" "$cfg" "$fs" "$fc" "$fl" "${line%%:*}"
    done
  fi
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mt=$(median "${cossim_total[@]}") ms=$(median "${cossim_search[@]}") mc=$(median "${cossim_cpu[@]}") mw=$(median "${cossim_wait[@]}")
flops=$(echo "2 * $ROWS * $DIM * $QUERIES" | bc)
printf 'median cossim: total %.3f s (CPU %.3f s), search %.3f s after %.2f s waiting for the JIT warm-up (%.0f queries/s end to end, %.1f GFLOP/s in search)\n' "$mt" "$mc" "$ms" "$mw" \
  "$(echo "$QUERIES / $mt" | bc -l)" "$(echo "$flops / $ms / 1000000000" | bc -l)"
if (( have_faiss )); then
  best=""
  for cfg in default passive; do
    eval 'f_s=("${faiss_search_'$cfg'[@]}") f_l=("${faiss_load_'$cfg'[@]}") f_c=("${faiss_cpu_'$cfg'[@]}")'
    s_=$(median "${f_s[@]}") l_=$(median "${f_l[@]}") c_=$(median "${f_c[@]}")
    printf 'median FAISS (%s): search %.3f s (CPU %.3f s, %.0f queries/s), load + add %.3f s\n' "$cfg" "$s_" "$c_" "$(echo "$QUERIES / $s_" | bc -l)" "$l_"
    if [[ -z $best ]] || (( $(echo "$s_ < $mf" | bc -l) )); then best=$cfg mf=$s_ ml=$l_ mfc=$c_; fi
  done
  printf 'ratios against FAISS (%s), above 1 means cossim is faster: FAISS search / cossim total %.2f; FAISS search / cossim search %.2f; FAISS search / (cossim search + warm-up wait) %.2f; FAISS search CPU / cossim CPU (JVM start included) %.2f; FAISS (load + search) / cossim total %.2f\n' \
    "$best" "$(echo "$mf / $mt" | bc -l)" "$(echo "$mf / $ms" | bc -l)" "$(echo "$mf / ($ms + $mw)" | bc -l)" "$(echo "$mfc / $mc" | bc -l)" "$(echo "($ml + $mf) / $mt" | bc -l)"
  # Same neighbours? cossim's rows are global row indices, as FAISS's ids are (batches added in the same order).
  "$PY" - "$work/cossim.tsv" "$work/faiss.tsv" "$K" <<'PYEOF'
import sys
k = int(sys.argv[3])
c = {}
for line in open(sys.argv[1]).read().splitlines()[1:]:
    f = line.split("\t")
    c.setdefault(f[0], []).append(int(f[2]))
cq = list(c.values())
fq = {}
for line in open(sys.argv[2]):
    q, r, i, d = line.split("\t")
    fq.setdefault(int(q), []).append(int(i))
same = sum(len(set(cq[q]) & set(fq[q])) for q in range(len(cq)))
print(f"agreement: {same} of {len(cq) * k} top-{k} rows identical in cossim and FAISS")
PYEOF
fi
echo "machine load after: $(cut -d' ' -f1-3 /proc/loadavg)"
