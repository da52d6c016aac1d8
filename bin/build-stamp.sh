# Sourced by ./crashpipe: whether the sources changed since the last build, without starting a
# process (a `find` over the tree was the launcher's largest cost after the JVM: a fork, an exec and
# a walk of ~1300 entries on every command).
#
# The build stamp STAMP is touched just before each build, and STAMP.sources lists what the build
# reads, relative to the root: the poms, and every file and directory under the modules' src
# folders. The sources changed when one of those is newer than the stamp: a file edited in place is
# newer itself; a file added, removed or renamed makes its directory newer; a new module brings a
# pom the glob below finds. Each test is a bash builtin (`[ -nt ]`: two stats), no process.

# crashpipe_list_sources ROOT LIST: writes the list (when building, or once for a tree built before
# lists were kept: the one time a process runs for this).
crashpipe_list_sources() {
  local root=$1 list=$2
  (cd "$root" && find pom.xml ./*/pom.xml ./*/src \( -type d -o -name '*.java' -o -name 'pom.xml' \
      -o -path '*/src/main/resources/*' \) -print) > "$list.tmp" 2>/dev/null || true
  mv -f "$list.tmp" "$list"
}

# crashpipe_sources_changed ROOT STAMP: true when a source is newer than STAMP, or STAMP is missing.
crashpipe_sources_changed() {
  local root=$1 stamp=$2 path
  [ -f "$stamp" ] || return 0
  [ -f "$stamp.sources" ] || crashpipe_list_sources "$root" "$stamp.sources"
  for path in "$root"/*/pom.xml; do  # a new module (known poms are in the list too)
    [ "$path" -nt "$stamp" ] && return 0
  done
  local sources
  mapfile -t sources < "$stamp.sources"
  for path in "${sources[@]}"; do
    [ "$root/$path" -nt "$stamp" ] && return 0
  done
  return 1
}
