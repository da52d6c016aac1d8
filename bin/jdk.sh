# Sourced by ./crashpipe and bin/test: select a JDK 21 or newer without asking the user.
# Order: $JAVA_HOME if it is 21+, then the newest 21+ JDK under /usr/lib/jvm, then `java` on PATH.
crashpipe_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

crashpipe_select_jdk() {
  local candidate major best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(crashpipe_java_major "$JAVA_HOME")
    if [ "${major:-0}" -ge 21 ]; then crashpipe_quiet_maven "$major"; return 0; fi
  fi
  for candidate in /usr/lib/jvm/*/ "$(dirname "$(dirname "$(readlink -f "$(command -v javac 2>/dev/null || echo /nonexistent)")")")/"; do
    candidate=${candidate%/}
    [ -x "$candidate/bin/javac" ] || continue
    major=$(crashpipe_java_major "$candidate")
    if [ "${major:-0}" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best=$candidate; best_major=$major
    fi
  done
  if [ -z "$best" ]; then
    echo "crashpipe: no JDK 21 or newer found (looked at \$JAVA_HOME, /usr/lib/jvm/*, and javac on PATH)." >&2
    echo "crashpipe: install one (e.g. 'apt-get install openjdk-21-jdk-headless' where available) or set JAVA_HOME." >&2
    return 1
  fi
  export JAVA_HOME=$best
  crashpipe_quiet_maven "$best_major"
}

# Maven 3.8's bundled Guava uses sun.misc.Unsafe, which JDK 24+ warns about on every run.
crashpipe_quiet_maven() {
  if [ "$1" -ge 24 ] && [[ "${MAVEN_OPTS:-}" != *sun-misc-unsafe* ]]; then
    export MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow ${MAVEN_OPTS:-}"
  fi
}
