package io.crashpipe.topology;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.memory.ReadResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Cuts a real dump into decoded chunks of at most {@code maxPages} pages, as the agent would. */
final class FixtureChunks {
    private FixtureChunks() {}

    static List<DecodedChunk> of(Dump dump, int maxPages) throws IOException {
        List<DecodedChunk> out = new ArrayList<>();
        int ps = dump.pageSize();
        byte[] page = new byte[ps];
        var builder = new Object() {
            final List<PfnSpan> pages = new ArrayList<>();
            final List<PfnSpan> zeros = new ArrayList<>();
            final ByteArrayOutputStream data = new ByteArrayOutputStream();
            int n;

            void add(List<PfnSpan> spans, long pfn) {
                PfnSpan last = spans.isEmpty() ? null : spans.get(spans.size() - 1);
                if (last != null && last.end() == pfn) {
                    spans.set(spans.size() - 1, new PfnSpan(last.start(), last.count() + 1));
                } else {
                    spans.add(new PfnSpan(pfn, 1));
                }
                if (++n == maxPages) {
                    flush();
                }
            }

            void flush() {
                if (n > 0) {
                    out.add(new DecodedChunk(pages, zeros, data.toByteArray(), ps));
                    pages.clear();
                    zeros.clear();
                    data.reset();
                    n = 0;
                }
            }
        };
        dump.forEachPresentPfn(pfn -> {
            if (dump.readPage(pfn, page) != ReadResult.OK) {
                return;
            }
            if (isZero(page)) {
                builder.add(builder.zeros, pfn);
            } else {
                builder.data.writeBytes(page);
                builder.add(builder.pages, pfn);
            }
        });
        builder.flush();
        return out;
    }

    private static boolean isZero(byte[] page) {
        for (byte b : page) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
