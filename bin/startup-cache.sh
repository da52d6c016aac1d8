# Sourced by ./crashpipe: the JVM's start-up cache for the CLI jar, kept next to the jar.
#
# JDK 24+: the ahead-of-time class loading and linking cache (JEP 483; JDK 25 trains it in one
# step, JEP 514, and stores method profiles in it, JEP 515). It is trained once per build by a
# run of io.crashpipe.cli.AotTraining (the short triage commands on samples/sample.kdump), then
# every command maps the classes it needs already parsed, verified and linked.
# JDK 19-23: a dynamic class-data-sharing archive that the JVM keeps up to date by itself.
#
# A cache that does not fit (jar rebuilt, another JDK build, other JVM options) is only a slower
# start: the JVM then runs without it, and its aot/cds messages are switched off so the user
# never sees them. The cache is rebuilt when the jar or its lib/ folder is newer, or for another
# JDK build (its version is in the file name); where the folder is read-only (an installed copy,
# systemd's ProtectSystem) nothing is written.

# crashpipe_short_run_opts: sets the array short_opts, the JVM options of a command that runs for
# well under a second (triage of one dump, --version, --help). Measured on the largest fixture
# (bench/log-vs-makedumpfile.sh), each saves CPU time at every start:
#   TieredStopAtLevel=1  C1 only. The JIT threads took a third of a short command's CPU time,
#                        mostly C2 compiling code that had finished running; ~20% less in total
#                        for log, sys and ps.
#   UseSerialGC          no G1 regions, remembered sets or GC worker threads to set up; a triage
#                        command's heap is small and short-lived.
#   -UsePerfData         no hsperfdata file created and deleted per run (jps/jcmd do not list it).
# The cache below is trained with these options; a command that runs without them (serve, bench)
# still maps the same cache.
crashpipe_short_run_opts() {
  short_opts=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData)
}

# The triage commands that run on a dump alone have a cache of their own, trained on that command
# only (on its first run after a build): a JDK 24+ cache loads every class it holds when the JVM
# starts, so the shared cache, which holds every triage command's classes, cost `log` ~25% more CPU
# than a cache of log's own. Other commands (and --version, --help) share the general cache.
# The agent's commands (upload, agent) share one more, trained by an upload to a stand-in gateway
# with the agent's own JVM options (bin/agent-jvm.sh): a cache only fits the options it was made with.
crashpipe_own_cache_commands=" analyze sys log bt ps mod upload "

# crashpipe_startup_cache_opts ROOT JAR JDK_MAJOR COMMAND [JVM_OPTION...]: sets the array
# startup_opts. COMMAND is the command line's first word. The JVM options given are those every
# run uses; the training run uses them too.
crashpipe_startup_cache_opts() {
  local root=$1 jar=$2 major=$3 command=$4
  shift 4
  local target=${jar%/*}
  startup_opts=()
  [[ "$crashpipe_own_cache_commands" == *" $command "* ]] || command=
  if [ "$major" -ge 24 ]; then
    crashpipe_release_field "$JAVA_HOME" JAVA_RUNTIME_VERSION  # e.g. 25.0.3+9-LTS
    local build=${REPLY//[!A-Za-z0-9.+_-]/_}
    local cache="$target/crashpipe-jdk${build:-$major}${command:+-$command}.aot"
    if crashpipe_cache_stale "$cache" "$jar"; then
      crashpipe_train_aot_cache "$root" "$jar" "$major" "$cache" "$command" "$@"
    fi
    [ -f "$cache" ] && startup_opts=(-XX:AOTCache="$cache" -Xlog:aot*=off,cds*=off)
  elif [ "$major" -ge 19 ]; then
    local jsa="$target/crashpipe.jsa"
    [ -f "$jsa" ] && [ "$jar" -nt "$jsa" ] && [ -w "$target" ] && rm -f "$jsa"
    startup_opts=(-XX:+AutoCreateSharedArchive -XX:SharedArchiveFile="$jsa" -Xlog:cds*=off)
  fi
  return 0
}

# Stale: missing or older than the jar or its lib/ folder, unless a failed training of this same
# jar left its marker (a JVM that cannot train must not cost every command a training run).
crashpipe_cache_stale() {
  local cache=$1 jar=$2
  local lib=${jar%/*}/lib
  [ -f "$cache.failed" ] && [ "$cache.failed" -nt "$jar" ] && return 1
  [ ! -f "$cache" ] || [ "$jar" -nt "$cache" ] || { [ -d "$lib" ] && [ "$lib" -nt "$cache" ]; }
}

crashpipe_train_aot_cache() {
  local root=$1 jar=$2 major=$3 cache=$4 command=$5
  shift 5
  local target=${cache%/*}
  [ -w "$target" ] || return 0
  echo "crashpipe: training the JVM start-up cache for this build${command:+ and '$command'} (once, a few seconds)..." >&2
  local tmp="$cache.$$.tmp" ok=0
  local train=("$JAVA_HOME/bin/java" "$@" -Xlog:aot*=off,cds*=off -cp "$jar" io.crashpipe.cli.AotTraining
               "$root/samples/sample.kdump" ${command:+"$command"})
  # JAVA_TOOL_OPTIONS reach the JVM the one-step training forks for the cache's assembly; keep
  # the user's out of it.
  if [ "$major" -ge 25 ]; then
    env -u JAVA_TOOL_OPTIONS "${train[0]}" -XX:AOTCacheOutput="$tmp" "${train[@]:1}" >/dev/null 2>&1 && ok=1
  else
    env -u JAVA_TOOL_OPTIONS "${train[0]}" -XX:AOTMode=record -XX:AOTConfiguration="$tmp.conf" "${train[@]:1}" \
        >/dev/null 2>&1 \
      && env -u JAVA_TOOL_OPTIONS "${train[0]}" -XX:AOTMode=create -XX:AOTConfiguration="$tmp.conf" \
        -XX:AOTCache="$tmp" "${train[@]:1}" >/dev/null 2>&1 && ok=1
    rm -f "$tmp.conf"
  fi
  if [ "$ok" = 1 ] && [ -s "$tmp" ]; then
    # Renamed into place whole, so a concurrent command never maps half a file; caches of other
    # JDK builds go.
    local mine=${cache##*/crashpipe-jdk}
    mine=${mine%%-[a-z]*.aot}; mine=${mine%.aot}
    find "$target" -maxdepth 1 -name 'crashpipe-jdk*.aot*' ! -name "crashpipe-jdk$mine.aot*" \
      ! -name "crashpipe-jdk$mine-*" ! -name '*.tmp' -delete 2>/dev/null || true
    mv -f "$tmp" "$cache" 2>/dev/null || rm -f "$tmp"
  else
    rm -f "$tmp"
    touch "$cache.failed"
    echo "crashpipe: could not train the start-up cache; commands run without it" >&2
  fi
}
