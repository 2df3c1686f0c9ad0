#!/usr/bin/env bash
# JMH benchmarks of the tile kernels (blas vs vector, d = 384, 768, 1021) and the reducers (separate vs fused).
# Usage: bench/jmh.sh [JMH arguments], e.g. bench/jmh.sh TileKernelBenchmark   or   bench/jmh.sh ReducerBenchmark
# Every benchmark checks its own answers (kernels against the scalar reference, fused against separate reducers).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bin/find-java.sh"
(cd "$root" && ./mvnw -q -B -DskipTests package -pl cossim-bench -am >&2)
mkdir -p "$root/bench/out"
exec "$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -cp "$root/cossim-bench/target/classes:$root/cossim-bench/target/lib/*" org.openjdk.jmh.Main "$@"
