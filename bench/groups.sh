#!/usr/bin/env bash
# Issue 17 benchmark: crash reports per second through the groups aggregation (Kafka Streams,
# exactly-once, real in-process KRaft broker), first from an empty state, then a replay by a newer
# parser that regroups every dump; the baseline in the same run is a plain read_committed consumer
# decoding the same reports.
# Usage: bench/groups.sh [REPORTS] [SIGNATURES] [HOSTS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/crashpipe" --version >/dev/null   # builds if needed
. "$root/bin/jdk.sh"; crashpipe_select_jdk
"$JAVA_HOME/bin/java" -Xmx1g -Dreports="${1:-20000}" -Dsignatures="${2:-200}" -Dhosts="${3:-2000}" \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$root/cli/target/crashpipe-cli.jar" io.crashpipe.cli.bench.GroupsThroughputBenchmark
