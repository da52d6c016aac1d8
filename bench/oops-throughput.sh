#!/usr/bin/env bash
# Issue 5 benchmark: crash reports parsed per second from a large concatenated kernel log (the
# fixture logs and the real-world report corpus, repeated to -Dmb=64 MB by default).
# Usage: bench/oops-throughput.sh [MB]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/crashpipe" --version >/dev/null   # builds if needed
. "$root/bin/jdk.sh"; crashpipe_select_jdk
files=("$root"/parsers/src/test/resources/oops/corpus/*.log)
for f in "$root"/../shared/fixtures/*/ground-truth/dmesg.makedumpfile.txt; do [ -e "$f" ] && files+=("$f"); done
"$JAVA_HOME/bin/java" -Dmb="${1:-64}" -cp "$root/cli/target/crashpipe-cli.jar" io.crashpipe.cli.bench.OopsThroughputBenchmark "${files[@]}"
