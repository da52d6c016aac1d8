package io.crashpipe.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.parsers.btf.KernelBtf;
import io.crashpipe.parsers.extract.Extraction;
import io.crashpipe.parsers.extract.TaskTableExtractor;
import io.crashpipe.parsers.fs.OpenFile;
import io.crashpipe.parsers.fs.OpenFilesReader;
import io.crashpipe.parsers.fs.TaskFiles;
import io.crashpipe.parsers.sched.Task;
import io.crashpipe.parsers.sched.TaskTable;
import io.crashpipe.parsers.triage.TypedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code crashpipe files DUMP PID|TASK}: a task's open files, as crash's {@code files} lists them. */
@Command(name = "files", header = "A task's open files, as crash's 'files' lists them.", mixinStandardHelpOptions = true,
        description = {"Print the root and working directory and every open file descriptor of a task (by PID or",
            "task_struct address): fd, file, dentry, inode, type, and the path rebuilt from the dentry",
            "chain up through the mounts (empty for pipes and sockets, as crash shows them)."})
public final class FilesCommand implements Callable<Integer> {
    @Mixin
    DumpArgument dump;

    @Parameters(index = "1", paramLabel = "PID|TASK", description = "a PID, or a task_struct address in hex")
    String which;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        KernelAccess.with(dump.path(), view -> {
            TaskTable table = new Extraction(view).require(TaskTableExtractor.INSTANCE).orElseThrow(() ->
                    new IOException(dump.path() + ": files needs the task table, which needs BTF (this kernel has none)"));
            Task t = find(table, which).orElseThrow(() -> new IOException(dump.path() + ": no task " + which
                    + " in the dump's task table"));
            TaskFiles files = new OpenFilesReader(new TypedReader(KernelBtf.require(view), view.memory())).read(t);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Json.print(out, toJson(files));
            } else {
                out.print(files.crashText());
                out.flush();
            }
        });
        return 0;
    }

    static java.util.Optional<Task> find(TaskTable table, String which) {
        if (which.matches("\\d+") && which.length() < 10) {
            return table.byPid(Integer.parseInt(which));
        }
        long addr = RdCommand.parseHex(which);
        return table.tasks().stream().filter(t -> t.address() == addr).findFirst();
    }

    static ObjectNode toJson(TaskFiles f) {
        ObjectNode o = Json.object();
        o.put("pid", f.pid());
        o.put("task", String.format("%016x", f.task()));
        o.put("cpu", f.cpu());
        o.put("comm", f.comm());
        o.put("root", f.root());
        o.put("cwd", f.cwd());
        ArrayNode arr = o.putArray("files");
        for (OpenFile e : f.files()) {
            ObjectNode j = arr.addObject();
            j.put("fd", e.fd());
            j.put("file", String.format("%016x", e.file()));
            j.put("dentry", String.format("%016x", e.dentry()));
            j.put("inode", String.format("%016x", e.inode()));
            j.put("type", e.type());
            j.put("path", e.path());
        }
        return o;
    }
}
