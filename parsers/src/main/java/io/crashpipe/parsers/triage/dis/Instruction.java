package io.crashpipe.parsers.triage.dis;

/**
 * One decoded instruction.
 *
 * @param text AT&T syntax as GNU libopcodes prints it (mnemonic, operands, {@code # 0x...}
 *     comment for RIP-relative operands), without any symbol names
 */
public record Instruction(long address, int length, String text) {

    public long next() {
        return address + length;
    }
}
