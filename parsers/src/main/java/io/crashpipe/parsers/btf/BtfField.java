package io.crashpipe.parsers.btf;

/**
 * Where a member path such as {@code task_struct.se.sum_exec_runtime} lands inside its root
 * type: the bit offset from the start of the root, the member's declared type, and its size.
 *
 * @param bitfieldSize width in bits for a bitfield member, 0 otherwise
 * @param typeId the member's declared type (maybe a typedef or qualifier; see {@link Btf#strip})
 * @param size byte size of the declared type (for a bitfield, of its storage unit)
 */
public record BtfField(String path, long bitOffset, int bitfieldSize, int typeId, long size) {

    public boolean isBitfield() {
        return bitfieldSize != 0;
    }

    /** Byte offset from the start of the root type; only for members that start on a byte. */
    public long offset() {
        if (bitOffset % 8 != 0) {
            throw new BtfLookupException(path + " starts at bit " + bitOffset + ", not on a byte boundary");
        }
        return bitOffset / 8;
    }
}
