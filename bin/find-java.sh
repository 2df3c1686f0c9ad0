# Sourced by ./cossim and .ci/run: sets JAVA_HOME and JAVA to a JDK 25 or newer, or exits with a clear message.
# Order: $JAVA_HOME, the java on PATH, then JDKs under /usr/lib/jvm (this image keeps Temurin 25 beside JDK 17).
# The version comes from the JDK's `release` file (JAVA_VERSION="25.0.3"), read without starting a JVM: asking each
# candidate java for its version cost about 0.25 s per JVM, a second on every command here. A JDK without that file
# is asked the slow way.
java_major() {
  local home rel v
  home="$(dirname "$(dirname "$(readlink -f "$1")")")"
  rel="$home/release"
  if [[ -f "$rel" ]]; then
    v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel" | head -1)"
    [[ -n "$v" ]] && { echo "$v"; return; }
  fi
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1
}
pick_java() {
  local c
  for c in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java 2>/dev/null || true)" /usr/lib/jvm/*/bin/java; do
    [[ -n "$c" && -x "$c" ]] || continue
    local v; v="$(java_major "$c")"
    if [[ -n "$v" && "$v" -ge 25 ]]; then echo "$c"; return 0; fi
  done
  return 1
}
if ! JAVA="$(pick_java)"; then
  echo "cossim: needs a JDK 25 or newer (set JAVA_HOME); found none on PATH or under /usr/lib/jvm" >&2
  exit 2
fi
JAVA_HOME="$(cd "$(dirname "$JAVA")/.." && pwd)"
export JAVA_HOME JAVA
