package io.crashpipe.sink.doc;

import java.util.Optional;

/**
 * What the oops parser made of the panic text: the first crash report in the dump's kernel log.
 *
 * @param title one line a human recognises the crash by (e.g. "BUG: kernel NULL pointer dereference in foo")
 * @param signature a stable key grouping the same crash across dumps
 * @param type the kind of crash (panic, oops, bug, warning, ...), as the oops parser names it
 * @param frame the guilty function the title names; empty when the report names none
 * @param corrupted the report looked cut or interleaved with other output, so its title may be off
 * @param reportCount how many crash reports the whole log holds (later ones are often fallout)
 */
public record OopsSummary(String title, String signature, String type, Optional<String> frame, boolean corrupted,
        int reportCount) {}
