# Sourced by ./crashpipe for the commands that run on a production host (upload, agent): JVM
# options for a small footprint, so the agent stays within 128 MiB of RSS whatever the dump size
# (bench/ingest.sh measures it on a 64 GiB dump). The dump is streamed a chunk at a time, so the
# heap holds only the analysis structures used to pick the hot pages (kallsyms, BTF).
#   SerialGC           no GC worker threads or remembered sets
#   -Xmx32m            the heap the hot-page analysis needs (the fixtures and a 2 GiB guest run in 28m;
#                      one that runs out falls back to pfn order); the upload itself holds
#                      concurrency + 1 payload arrays and one compressor per worker, 1 MiB each
#   compiler directives (bin/agent-compiler-directives.json)  C1 for everything, C2 only for the
#                      zero-page check (the vectorised compare behind Arrays.mismatch) and the
#                      SHA-256 block function (the CPU's SHA instructions; C1 has no intrinsic for
#                      it and hashed at 1/8 the speed); C2 compiling everything else pushed RSS
#                      past 200 MB with its arenas. DisplayVMOutputToStderr: the JVM announces the
#                      directives on stdout, which must stay the command's own (--json)
#   code cache, metaspace, thread stacks, direct memory: capped well below the JVM's defaults
#   TrimNativeHeapInterval (JDK 22+)  hands freed malloc memory back to the system
#   UseCompactObjectHeaders (JDK 25)  8-byte object headers
#   MALLOC_ARENA_MAX=2  glibc would otherwise keep an arena per thread
# The launcher adds a start-up cache of the agent's own on JDK 24+ (bin/startup-cache.sh): its
# classes come parsed and linked, and its method profiles let the JIT start sooner. On a 1.3 GB
# upload it saved 0.4-0.8 s of the agent's 8.5 s of CPU (class loading, lambda forms, C1); RSS
# stayed the same.
# CRASHPIPE_JAVA_OPTS comes after these on the command line, so it can override any of them.
crashpipe_agent_jvm_opts() {  # $1: the JDK's major version; sets the array agent_opts
  agent_opts=(-XX:+UseSerialGC -Xms8m -Xmx32m -XX:ReservedCodeCacheSize=24m
    -XX:MaxMetaspaceSize=64m -Xss512k -XX:MaxDirectMemorySize=16m
    -XX:+UnlockDiagnosticVMOptions -XX:+DisplayVMOutputToStderr
    "-XX:CompilerDirectivesFile=${BASH_SOURCE[0]%/*}/agent-compiler-directives.json")
  [ "$1" -ge 22 ] && agent_opts+=(-XX:TrimNativeHeapInterval=2000)
  [ "$1" -ge 25 ] && agent_opts+=(-XX:+UseCompactObjectHeaders)
  export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
}
