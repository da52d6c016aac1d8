package io.crashpipe.sink.doc;

/**
 * What the oops parser made of the panic text.
 *
 * @param title one line a human recognises the crash by (e.g. "BUG: kernel NULL pointer dereference in foo")
 * @param signature a stable key grouping the same crash across dumps
 * @param type the kind of crash (panic, oops, bug, warning, ...), as the oops parser names it
 */
public record OopsSummary(String title, String signature, String type) {}
