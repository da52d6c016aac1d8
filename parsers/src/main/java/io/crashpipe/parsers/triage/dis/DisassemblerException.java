package io.crashpipe.parsers.triage.dis;

/** The disassembler could not be run or gave output that could not be read. */
public final class DisassemblerException extends IllegalStateException {
    public DisassemblerException(String message) {
        super(message);
    }

    public DisassemblerException(String message, Throwable cause) {
        super(message, cause);
    }
}
