package io.crashpipe.parsers.triage.dis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * x86-64 decoding by GNU binutils' {@code objdump} on the raw bytes. crash prints what gdb's
 * disassembler prints, and gdb's disassembler is libopcodes, which is also objdump's: the AT&T
 * text comes out the same, only symbol names are left for {@link CrashDisFormat} to add.
 * (iced-x86's Java build, the first choice, is not served by the Maven repository this project
 * builds from: a 404 for com.github.icedland:iced-x86, checked again on 2026-12-06. Should it
 * become available, a second {@link Disassembler} beside this one is all it takes.)
 */
public final class ObjdumpDisassembler implements Disassembler {
    private static final Pattern LINE = Pattern.compile("^\\s*([0-9a-f]+):\\t(?:([0-9a-f]{2}(?: [0-9a-f]{2})*)\\s*\\t)?(.*)$");
    private static final long TIMEOUT_SECONDS = 30;

    private final String executable;

    public ObjdumpDisassembler(String executable) {
        this.executable = executable;
    }

    /** {@code objdump} from PATH ({@code $CRASHPIPE_OBJDUMP} overrides). */
    public static ObjdumpDisassembler onPath() {
        String env = System.getenv("CRASHPIPE_OBJDUMP");
        return new ObjdumpDisassembler(env == null || env.isBlank() ? "objdump" : env);
    }

    /** Whether objdump runs here (for tests and a clear message). */
    public boolean available() {
        try {
            Process p = new ProcessBuilder(executable, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public List<Instruction> decode(long address, byte[] code) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("crashpipe-dis", ".bin");
            Files.write(tmp, code);
            Process p = new ProcessBuilder(executable, "-D", "-b", "binary", "-m", "i386:x86-64", "-w",
                    "--adjust-vma=0x" + Long.toHexString(address), tmp.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new DisassemblerException(executable + " failed on " + code.length + " bytes at 0x"
                        + Long.toHexString(address) + ": " + out.strip());
            }
            return parse(out, address + code.length);
        } catch (IOException e) {
            throw new DisassemblerException("cannot run '" + executable + "' (GNU binutils) to disassemble: "
                    + e.getMessage() + "; install binutils or set CRASHPIPE_OBJDUMP", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DisassemblerException("interrupted while disassembling", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a stray temporary file is harmless
                }
            }
        }
    }

    /** objdump's {@code ADDR:\tBYTES\tTEXT} lines; a long instruction's bytes may wrap onto a text-less line. */
    static List<Instruction> parse(String out, long end) {
        List<Instruction> list = new ArrayList<>();
        for (String line : out.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (!m.matches() || m.group(2) == null) {
                continue;
            }
            long addr = Long.parseUnsignedLong(m.group(1), 16);
            int len = (m.group(2).length() + 1) / 3;
            String text = m.group(3).strip();
            if (text.isEmpty() || text.equals("(bad)")) {
                continue;
            }
            if (Long.compareUnsigned(addr + len, end) > 0) {
                break; // decoded past the bytes given: a partial instruction
            }
            list.add(new Instruction(addr, len, text));
        }
        return list;
    }
}
