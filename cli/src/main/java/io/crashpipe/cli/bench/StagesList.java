package io.crashpipe.cli.bench;

import io.crashpipe.schemas.PipelineStage;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code crashpipe bench stages}: the pipeline's stages in order, one per line as
 * {@code FIELD<TAB>LABEL} (the field under {@code crash.timings} in the crash-reports index), so
 * {@code bench/pipeline-latency.sh} prints exactly the stages the report carries.
 */
@Command(name = "stages", header = "The pipeline stages a report's timings carry, in order (field and label).",
        mixinStandardHelpOptions = true)
public final class StagesList implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        for (PipelineStage s : PipelineStage.values()) {
            out.println(s.esField() + "\t" + s.label());
        }
        out.flush();
    }
}
