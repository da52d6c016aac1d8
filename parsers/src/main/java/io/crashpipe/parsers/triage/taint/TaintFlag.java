package io.crashpipe.parsers.triage.taint;

/**
 * One entry of the kernel's {@code taint_flags[]} table.
 *
 * @param bit the flag's bit in {@code tainted_mask}
 * @param onLetter letter shown when the bit is set ({@code c_true})
 * @param offLetter letter shown when clear ({@code c_false}; ' ', '-' and 'G' mean "show nothing")
 * @param name the kernel's {@code TAINT_*} name for the bit
 */
public record TaintFlag(int bit, char onLetter, char offLetter, String name, boolean set) {

    /** The letter the kernel's taint string shows for this flag, or empty for nothing (crash's rule). */
    public String shown() {
        if (set) {
            return String.valueOf(onLetter);
        }
        return offLetter == ' ' || offLetter == '-' || offLetter == 'G' || offLetter == 0 ? "" : String.valueOf(offLetter);
    }
}
