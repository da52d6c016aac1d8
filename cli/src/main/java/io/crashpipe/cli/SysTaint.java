package io.crashpipe.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.parsers.btf.KernelBtf;
import io.crashpipe.parsers.triage.taint.KernelTaint;
import io.crashpipe.parsers.triage.taint.TaintFlag;
import io.crashpipe.parsers.triage.taint.TaintReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/** {@code sys -t}: the kernel's taint, kept out of SysCommand so that command stays the summary. */
final class SysTaint {
    private SysTaint() {}

    static int print(Path dump, boolean json, PrintWriter out) throws IOException {
        KernelAccess.with(dump, view -> {
            KernelTaint t = TaintReader.read(view, KernelBtf.require(view));
            if (json) {
                Json.print(out, toJson(t));
            } else {
                out.print(t.crashText());
                out.flush();
            }
        });
        return 0;
    }

    static ObjectNode toJson(KernelTaint t) {
        ObjectNode o = Json.object();
        o.put("tainted_mask", t.mask());
        o.put("letters", t.letters());
        ArrayNode flags = o.putArray("flags");
        for (TaintFlag f : t.setFlags()) {
            ObjectNode j = flags.addObject();
            j.put("bit", f.bit());
            j.put("letter", String.valueOf(f.onLetter()));
            j.put("name", f.name());
        }
        return o;
    }
}
