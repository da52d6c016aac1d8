package io.crashpipe.parsers.dump;

import io.crashpipe.parsers.memory.CString;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** struct new_utsname: six NUL-padded fields of 65 bytes. */
public record Utsname(String sysname, String nodename, String release, String version, String machine,
        String domainname) {
    public static final int FIELD = 65;
    public static final int SIZE = 6 * FIELD;

    /** Reads from the buffer's current position and advances past the structure. */
    public static Utsname read(ByteBuffer b) {
        String[] f = new String[6];
        for (int i = 0; i < 6; i++) {
            byte[] raw = new byte[FIELD];
            b.get(raw);
            f[i] = CString.decode(raw);
        }
        return new Utsname(f[0], f[1], f[2], f[3], f[4], f[5]);
    }

    /** Writes the six fields NUL-padded at the buffer's position and advances past them. */
    public void write(ByteBuffer b) {
        for (String s : new String[] {sysname, nodename, release, version, machine, domainname}) {
            byte[] raw = s.getBytes(StandardCharsets.UTF_8);
            int n = Math.min(raw.length, FIELD - 1);
            b.put(raw, 0, n);
            b.put(new byte[FIELD - n]);
        }
    }
}
