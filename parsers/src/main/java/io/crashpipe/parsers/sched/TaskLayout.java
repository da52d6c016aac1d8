package io.crashpipe.parsers.sched;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.btf.BtfField;
import io.crashpipe.parsers.btf.BtfLookupException;
import io.crashpipe.parsers.view.DumpMemo;
import java.util.OptionalLong;

/**
 * Where the task table's members lie in this kernel, all from BTF. Members that were renamed or
 * moved between releases are resolved by asking BTF which one exists:
 * {@code __state} (5.14+) or {@code state}; the task's CPU in {@code task_struct.cpu} (5.16+) or
 * {@code thread_info.cpu}; threads on {@code signal->thread_head} or the older
 * {@code thread_group} list; rss counters as an {@code atomic_long_t} array (up to 6.1) or
 * {@code percpu_counter}s (6.2+).
 */
public record TaskLayout(
        long tasks,
        long pid,
        long tgid,
        long realParent,
        long comm,
        int commSize,
        long state,
        int stateSize,
        long exitState,
        long flags,
        long mm,
        long cpu,
        long onCpu,
        long stack,
        long threadSp,
        long signal,
        /** signal_struct.thread_head and task_struct.thread_node; -1 when the kernel links threads by thread_group. */
        long signalThreadHead,
        long threadNode,
        long threadGroup,
        long mmTotalVm,
        long mmRssStat,
        RssCounters rss) {

    private static final DumpMemo.Key<TaskLayout> KEY = DumpMemo.Key.of("task_struct layout");

    /** The layout from BTF, computed once per BTF. */
    public static TaskLayout of(Btf btf) {
        return btf.layout(KEY, () -> read(btf));
    }

    private static TaskLayout read(Btf btf) {
        String state = btf.hasMember("task_struct", "__state") ? "__state" : "state";
        BtfField stateField = btf.field("task_struct." + state);
        BtfField comm = btf.field("task_struct.comm");
        String cpu = btf.hasMember("task_struct", "cpu") ? "task_struct.cpu" : "task_struct.thread_info.cpu";
        boolean threadHead = btf.hasMember("signal_struct", "thread_head") && btf.hasMember("task_struct", "thread_node");
        return new TaskLayout(
                off(btf, "task_struct.tasks"),
                off(btf, "task_struct.pid"),
                off(btf, "task_struct.tgid"),
                off(btf, "task_struct.real_parent"),
                comm.offset(),
                (int) comm.size(),
                stateField.offset(),
                (int) stateField.size(),
                off(btf, "task_struct.exit_state"),
                off(btf, "task_struct.flags"),
                off(btf, "task_struct.mm"),
                off(btf, cpu),
                off(btf, "task_struct.on_cpu"),
                off(btf, "task_struct.stack"),
                // x86_64 saves it as thread.sp, arm64 as thread.cpu_context.sp: whichever BTF has.
                off(btf, btf.findField("task_struct.thread.sp").isPresent()
                        ? "task_struct.thread.sp" : "task_struct.thread.cpu_context.sp"),
                off(btf, "task_struct.signal"),
                threadHead ? off(btf, "signal_struct.thread_head") : -1,
                threadHead ? off(btf, "task_struct.thread_node") : -1,
                threadHead ? -1 : off(btf, "task_struct.thread_group"),
                off(btf, "mm_struct.total_vm"),
                off(btf, "mm_struct.rss_stat"),
                RssCounters.of(btf));
    }

    private static long off(Btf btf, String path) {
        return btf.field(path).offset();
    }

    /** How {@code mm_struct.rss_stat} counts resident pages in this kernel. */
    public record RssCounters(boolean percpu, long elementSize, long percpuCount, long percpuCounters,
            OptionalLong taskRssStat, long taskRssCountSize, int file, int anon) {

        static RssCounters of(Btf btf) {
            int file = (int) enumerator(btf, "MM_FILEPAGES");
            int anon = (int) enumerator(btf, "MM_ANONPAGES");
            // 6.1 and before: task_struct.rss_stat caches per-thread deltas (SPLIT_RSS_COUNTING).
            OptionalLong taskRss = btf.findField("task_struct.rss_stat.count").map(f -> OptionalLong.of(f.offset()))
                    .orElse(OptionalLong.empty());
            long taskCountSize = taskRss.isPresent() ? btf.field("task_struct.rss_stat.count[0]").size() : 0;
            if (btf.findField("mm_struct.rss_stat.count").isPresent()) {
                long element = btf.field("mm_struct.rss_stat.count[0]").size();
                return new RssCounters(false, element, 0, 0, taskRss, taskCountSize, file, anon);
            }
            long element = btf.field("mm_struct.rss_stat[0]").size();
            return new RssCounters(true, element, btf.field("percpu_counter.count").offset(),
                    btf.field("percpu_counter.counters").offset(), taskRss, taskCountSize, file, anon);
        }

        private static long enumerator(Btf btf, String name) {
            return btf.enumValue(name).orElseThrow(() -> new BtfLookupException("no enumerator " + name + " in BTF"));
        }
    }
}
