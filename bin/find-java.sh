# Sourced by ./cossim and .ci/run: sets JAVA_HOME and JAVA to a JDK 25 or newer, or exits with a clear message.
# Order: $JAVA_HOME, the java on PATH, then JDKs under /usr/lib/jvm (this image keeps Temurin 25 beside JDK 17).
# The version comes from the JDK's `release` file (JAVA_VERSION="25.0.3"), read with bash builtins: asking each
# candidate java for its version cost about 0.25 s per JVM, a second on every command here, and even forking sed and
# dirname for each candidate cost 0.1 s. A JDK without that file is asked the slow way.
java_major() {
  local java="$1" home line v=""
  [[ -L "$java" ]] && java="$(readlink -f "$java")"   # /usr/bin/java -> the JDK's own bin/java
  home="${java%/bin/java}"
  if [[ "$home" != "$java" && -f "$home/release" ]]; then
    while IFS= read -r line; do
      if [[ "$line" == JAVA_VERSION=* ]]; then
        v="${line#JAVA_VERSION=\"}"
        v="${v%%[!0-9]*}"
        break
      fi
    done < "$home/release"
    [[ -n "$v" ]] && { echo "$v"; return; }
  fi
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1
}
pick_java() {
  local c v
  for c in "${JAVA_HOME:+${JAVA_HOME%/}/bin/java}" "$(command -v java 2>/dev/null || true)" /usr/lib/jvm/*/bin/java; do
    [[ -n "$c" && -x "$c" ]] || continue
    v="$(java_major "$c")"
    if [[ -n "$v" && "$v" -ge 25 ]]; then echo "$c"; return 0; fi
  done
  return 1
}
# FIND_JAVA_CACHE (set by ./cossim): a file remembering the choice for this JAVA_HOME and PATH, read with builtins
# (the search above forks a few times: 0.05-0.16 s on this machine, on every command).
JAVA=""
if [[ -n "${FIND_JAVA_CACHE:-}" && -f "$FIND_JAVA_CACHE" ]]; then
  IFS=$'\t' read -r cached_key cached_java < "$FIND_JAVA_CACHE" || true
  if [[ "${cached_key:-}" == "${JAVA_HOME:-}|$PATH" && -x "${cached_java:-}" ]]; then
    JAVA="$cached_java"
  fi
fi
if [[ -z "$JAVA" ]] && JAVA="$(pick_java)" && [[ -n "${FIND_JAVA_CACHE:-}" && -d "$(dirname "$FIND_JAVA_CACHE")" ]]; then
  printf '%s\t%s\n' "${JAVA_HOME:-}|$PATH" "$JAVA" > "$FIND_JAVA_CACHE.$$" && mv -f "$FIND_JAVA_CACHE.$$" "$FIND_JAVA_CACHE" || true
fi
if [[ -z "$JAVA" ]]; then
  echo "cossim: needs a JDK 25 or newer (set JAVA_HOME); found none on PATH or under /usr/lib/jvm" >&2
  exit 2
fi
JAVA_HOME="${JAVA%/bin/java}"
export JAVA_HOME JAVA
