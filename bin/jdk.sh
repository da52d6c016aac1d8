# Sourced by ./crashpipe and bin/test: select a JDK 21 or newer without asking the user.
# Order: $JAVA_HOME if it is 21+, then the newest 21+ JDK under /usr/lib/jvm, then `java` on PATH.
# After crashpipe_select_jdk, $JAVA_HOME is the JDK and $CRASHPIPE_JAVA_MAJOR its major version.
#
# Every command pays for this script, so it starts no process where bash can do the work itself
# (each fork and exec costs milliseconds, many more on a loaded machine).

# crashpipe_release_field HOME FIELD: sets $REPLY to FIELD's value in HOME/release, or empty.
crashpipe_release_field() {
  local line
  REPLY=
  [ -r "$1/release" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    case $line in
      "$2="*) line=${line#"$2="}; line=${line#\"}; REPLY=${line%\"}; return 0 ;;
    esac
  done < "$1/release"
}

# crashpipe_major_of HOME: sets $REPLY to the JDK's major version (empty when unknown).
crashpipe_major_of() {
  crashpipe_release_field "$1" JAVA_VERSION
  REPLY=${REPLY%%[!0-9]*}
  if [ -z "$REPLY" ] && [ -x "$1/bin/java" ]; then
    # No release file: ask the JVM (~50-100 ms).
    REPLY=$("$1/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1)
  fi
}

crashpipe_java_major() {
  crashpipe_major_of "$1"
  echo "$REPLY"
}

crashpipe_select_jdk() {
  local candidate best="" best_major=0 javac
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    crashpipe_major_of "$JAVA_HOME"
    if [ "${REPLY:-0}" -ge 21 ]; then
      CRASHPIPE_JAVA_MAJOR=$REPLY
      crashpipe_quiet_maven "$REPLY"
      return 0
    fi
  fi
  for candidate in /usr/lib/jvm/*/; do
    crashpipe_consider_jdk "${candidate%/}"
  done
  # javac on PATH: usually a symlink into /usr/lib/jvm (Debian's alternatives), already seen;
  # only another one costs the readlink process that finds its JDK.
  crashpipe_path_javac
  if [ -n "$REPLY" ]; then
    javac=$REPLY
    for candidate in /usr/lib/jvm/*/; do
      [ "$javac" -ef "${candidate}bin/javac" ] && javac= && break
    done
    [ -n "$javac" ] && javac=$(readlink -f "$javac") && crashpipe_consider_jdk "${javac%/bin/javac}"
  fi
  if [ -z "$best" ]; then
    echo "crashpipe: no JDK 21 or newer found (looked at \$JAVA_HOME, /usr/lib/jvm/*, and javac on PATH)." >&2
    echo "crashpipe: install one (e.g. 'apt-get install openjdk-21-jdk-headless' where available) or set JAVA_HOME." >&2
    return 1
  fi
  export JAVA_HOME=$best
  CRASHPIPE_JAVA_MAJOR=$best_major
  crashpipe_quiet_maven "$best_major"
}

# crashpipe_consider_jdk HOME: makes HOME the best JDK so far (best, best_major of the caller)
# when it is a JDK 21+ newer than the best one.
crashpipe_consider_jdk() {
  [ -x "$1/bin/javac" ] || return 0
  crashpipe_major_of "$1"
  if [ "${REPLY:-0}" -ge 21 ] && [ "$REPLY" -gt "$best_major" ]; then
    best=$1; best_major=$REPLY
  fi
}

# crashpipe_path_javac: sets $REPLY to the first javac on $PATH, or empty (`command -v` would need
# a subshell to capture).
crashpipe_path_javac() {
  local dir IFS=:
  REPLY=
  for dir in $PATH; do
    [ -x "${dir:-.}/javac" ] && [ ! -d "${dir:-.}/javac" ] && REPLY=${dir:-.}/javac && return 0
  done
  return 0
}

# Maven 3.8's bundled Guava uses sun.misc.Unsafe, which JDK 24+ warns about on every run.
crashpipe_quiet_maven() {
  if [ "$1" -ge 24 ] && [[ "${MAVEN_OPTS:-}" != *sun-misc-unsafe* ]]; then
    export MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow ${MAVEN_OPTS:-}"
  fi
}
