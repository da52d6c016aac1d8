package io.crashpipe.parsers.oops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The small parts: prefixes, frame lines, names, taint, splitting, signatures. */
class OopsPartsTest {
    private final OopsParser parser = new OopsParser();

    @Test
    void linePrefixesOfSyslogJournalPrintkAndCallerIdsAreRemoved() {
        assertEquals("INFO: task x:1 blocked", LinePrefix.strip("Oct 11 06:07:26 glustern1 kernel: INFO: task x:1 blocked"));
        assertEquals(" dump_stack+0x1/0x2", LinePrefix.strip("[ 1021.330426][    C1]  dump_stack+0x1/0x2"));
        assertEquals("BUG: x", LinePrefix.strip("<4>[46223316.649832] BUG: x"));
        assertEquals("Call Trace:", LinePrefix.strip("2016-03-26T20:52:22.527025+00:00 mira108 kernel: Call Trace:"));
    }

    @Test
    void mailQuotingAndDmesgWallClockStampsAreRemovedKeepingTheIndentation() {
        assertEquals(" rtsx_set_l1off_sub+0x1c/0x30 [rtsx_pci]", LinePrefix.strip(">   [   63.912217]  rtsx_set_l1off_sub+0x1c/0x30 [rtsx_pci]"));
        assertEquals("BUG: kernel NULL pointer dereference, address:",
                LinePrefix.strip("[Thu Nov  6 22:36:44 2025] BUG: kernel NULL pointer dereference, address:"));
        assertEquals("    Unable to handle kernel NULL pointer dereference", LinePrefix.strip("> > >     Unable to handle kernel NULL pointer dereference"));
    }

    @Test
    void aReturnAddressAtAFunctionStartNamesNoCaller() {
        // arm64 prints the raw lr: after a call to a noreturn function at the very end of a function, the lr
        // is the next symbol's +0x0, which is not the caller; the frame above it names the report.
        String oops = String.join("\n",
                "Unable to handle kernel NULL pointer dereference at virtual address 0000000000000008",
                "Internal error: Oops: 96000004 [#1] SMP",
                "Call trace:",
                " dump_backtrace+0x0/0x1b0",
                " next_symbol_after_noreturn+0x0/0x40",
                " real_caller+0x50/0x80",
                " el0_svc+0x2c/0x84");
        CrashReport r = parser.parse(oops).get(0);
        assertEquals("real_caller", r.guiltyFrame());
        assertFalse(FrameLine.parse(" next_symbol_after_noreturn+0x0/0x40").frame().orElseThrow().reliable());
        assertTrue(FrameLine.parse(" real_caller+0x50/0x80").frame().orElseThrow().reliable());
    }

    @Test
    void frameLinesOfEveryShapeAreParsed() {
        FrameLine.Raw a = FrameLine.parse(" [<ffffffffa00667f1>] ? jbd2_journal_commit_transaction+0x1181/0x1500 [jbd2]").frame().orElseThrow();
        assertEquals("jbd2_journal_commit_transaction", a.function());
        assertEquals(0x1181, a.offset());
        assertEquals(0x1500, a.size());
        assertEquals("jbd2", a.module());
        assertFalse(a.reliable());
        FrameLine.Parsed nmi = FrameLine.parse(" <NMI>  [<ffffffffa7313562>] dump_stack+0x19/0x1b");
        assertEquals(FrameSection.NMI, nmi.enters().orElseThrow());
        assertEquals("dump_stack", nmi.frame().orElseThrow().function());
        FrameLine.Raw inline = FrameLine.parse(" __dump_stack lib/dump_stack.c:77 [inline]").frame().orElseThrow();
        assertEquals("__dump_stack", inline.function());
        assertFalse(inline.strong());
        assertEquals("dst_destroy", FrameLine.parse("? dst_destroy (net/core/dst.c:118) ").frame().orElseThrow().function());
        assertEquals("show_stack", FrameLine.parse(" show_stack from dump_stack_lvl+0x90/0xac").frame().orElseThrow().function());
        assertTrue(FrameLine.parse("RIP: 0010:zap_leaf_lookup+0x4d/0x170 [zfs]").frame().isEmpty());
        assertTrue(FrameLine.parse(" </IRQ>").leavesSection());
    }

    @Test
    void compilerSuffixesAndSyscallWrappersAreFolded() {
        assertEquals("__handle_sysrq", FunctionNames.normalise("__handle_sysrq.cold"));
        assertEquals("inet_diag_lock_handler", FunctionNames.normalise("inet_diag_lock_handler.part.0"));
        assertEquals("sched_show_task", FunctionNames.normalise("sched_show_task.cold.14"));
        assertEquals("sys_rmdir", FunctionNames.normalise("SyS_rmdir"));
        assertEquals("sys_sendto", FunctionNames.normalise("__x64_sys_sendto"));
    }

    @Test
    void taintLettersDecodeToWords() {
        Taint t = Header.parse("CPU: 5 PID: 2962 Comm: z_wr_iss Tainted: P           OE     5.17.0-1013-oem #14-Ubuntu")
                .orElseThrow().taint();
        assertEquals("POE", t.letters());
        assertEquals(List.of("proprietary-module", "out-of-tree-module", "unsigned-module"), t.words());
        Header h = Header.parse("CPU: 21 PID: 1065141 Comm: CPU 7/KVM Tainted: G      D W  O      5.15.0-43-generic #46-Ubuntu").orElseThrow();
        assertEquals("CPU 7/KVM", h.comm());
        assertEquals("5.15.0-43-generic", h.kernelRelease());
        assertEquals(List.of("died-recently", "warning", "out-of-tree-module"), h.taint().words());
    }

    @Test
    void oopsFollowedByItsFatalExceptionPanicIsOneReportAndTheNextOopsAnother() {
        String log = """
                [    1.0] BUG: kernel NULL pointer dereference, address: 0000000000000000
                [    1.0] Oops: 0002 [#1] SMP NOPTI
                [    1.0] CPU: 0 PID: 7 Comm: sh Not tainted 6.1.0 #1
                [    1.0] RIP: 0010:foo_write+0x10/0x20 [foo]
                [    1.0] Call Trace:
                [    1.0]  <TASK>
                [    1.0]  vfs_write+0xc7/0x3f0
                [    1.0]  </TASK>
                [    1.0] ---[ end trace 0000000000000000 ]---
                [    1.1] Kernel panic - not syncing: Fatal exception
                [    2.0] WARNING: CPU: 1 PID: 9 at fs/bar.c:10 bar_check+0x5/0x9
                [    2.0] RIP: 0010:bar_check+0x5/0x9
                [    2.0] Call Trace:
                [    2.0]  bar_run+0x1/0x2
                """;
        List<CrashReport> reports = parser.parse(log);
        assertEquals(2, reports.size());
        assertEquals("BUG: unable to handle kernel NULL pointer dereference in foo_write", reports.get(0).title());
        assertEquals("Fatal exception", reports.get(0).panic());
        assertEquals("WARNING in bar_check", reports.get(1).title());
    }

    @Test
    void signatureIgnoresAddressesOffsetsAndTimestampsButNotTheFunctions() {
        String a = """
                [    5.1] WARNING: CPU: 1 PID: 9 at fs/bar.c:10 bar_check+0x5/0x9
                [    5.1] Call Trace:
                [    5.1]  [<ffffffff81000010>] bar_run+0x1/0x2
                [    5.1]  [<ffffffff81000020>] bar_ioctl+0x1/0x2
                """;
        String b = a.replace("0x1/0x2", "0x7/0x9").replace("ffffffff8100", "ffffffffa300").replace("5.1", "77.9");
        String c = a.replace("bar_ioctl", "baz_ioctl");
        assertEquals(parser.parse(a).get(0).signature(), parser.parse(b).get(0).signature());
        assertNotEquals(parser.parse(a).get(0).signature(), parser.parse(c).get(0).signature());
    }

    @Test
    void aLogWithoutReportsGivesNone() {
        assertTrue(parser.parse("[    0.000000] Linux version 6.1.0\n[    1.0] sysrq: Trigger a crash?\n").isEmpty());
    }

    @Test
    void guiltyFrameRulesAreDataMatchedAnywhereInTheName() {
        FrameRules r = FrameRules.defaults();
        assertTrue(r.skipped("dump_stack_lvl", Optional.empty()));
        assertTrue(r.skipped("_raw_spin_lock_irqsave", Optional.empty()));
        assertTrue(r.skipped("check_preemption_disabled", FrameRules.words("preempt")));
        assertTrue(r.skipped("__kmalloc_node_track_caller", Optional.empty()), "allocation wrappers are machinery");
        assertFalse(r.skipped("sysrq_handle_crash", Optional.empty()));
        assertTrue(r.matches(FrameRules.Section.HANG, "io_schedule"));
        assertEquals("ioctl", r.stripped("__se_sys_ioctl"));
        assertEquals("sys_ioctl", r.stripped("__x64_sys_ioctl"));
        assertEquals("rtnl_lock", r.hangGroup("rtnl_lock").orElseThrow());
        assertEquals("synchronize_rcu", r.hangGroup("synchronize_net").orElseThrow());
    }
    @Test
    void anRcuStallIsNamedAfterTheFrameJustAboveTheFirstDispatchAnchor() {
        String log = """
                [  300.0][    C0] rcu: INFO: rcu_preempt self-detected stall on CPU
                [  300.0][    C0] Call Trace:
                [  300.0][    C0]  <IRQ>
                [  300.0][    C0]  rcu_sched_clock_irq+0x10/0x20
                [  300.0][    C0]  sysvec_apic_timer_interrupt+0x10/0x20
                [  300.0][    C0]  </IRQ>
                [  300.0][    C0]  asm_sysvec_apic_timer_interrupt+0x12/0x20
                [  300.0][    C0] RIP: 0010:tun_get_user+0x10/0x20
                [  300.0][    C0]  tun_chr_write_iter+0x10/0x20
                [  300.0][    C0]  vfs_write+0x10/0x20
                [  300.0][    C0]  ksys_write+0x10/0x20
                """;
        assertEquals("INFO: rcu detected stall in tun_chr_write_iter", parser.parse(log).get(0).title());
    }

    @Test
    void anotherTasksLinesInsideTheTraceAreLeftOutUnlessCpuBacktracesWereRequested() {
        String log = """
                [    5.0][  T100] BUG: sleeping function called from invalid context at mm/slab.h:1
                [    5.0][  T100] Call Trace:
                [    5.0][  T200]  other_task_frame+0x1/0x2
                [    5.0][  T100]  dump_stack+0x1/0x2
                [    5.0][  T100]  __might_sleep+0x1/0x2
                [    5.0][  T100]  my_driver_ioctl+0x1/0x2
                """;
        CrashReport r = parser.parse(log).get(0);
        assertEquals("BUG: sleeping function called from invalid context in my_driver_ioctl", r.title());
        assertTrue(r.corrupted(), "output of another task was mixed in");
    }

    @Test
    void titlesKeepNoAddressesNumbersOrOffsets() {
        assertEquals("kernel panic: VFS: Unable to mount root fs on unknown-block(NUM,NUM)",
                parser.parse("Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(8,2)\n").get(0).title());
        assertEquals("BUG: key ADDR has not been registered!",
                parser.parse("BUG: key ffff88801f2a3b40 has not been registered!\n").get(0).title());
    }

    @Test
    void aPanicHeadlineWhoseMessageWentToTheNextLineIsJoinedWithIt() {
        // a lab dump of Debian's 5.10.0-32-rt-amd64 panicking on an unknown NMI, as makedumpfile --dump-dmesg prints it
        String log = String.join("\n",
                "[   22.329848] Uhhuh. NMI received for unknown reason 31 on CPU 0.",
                "[   22.329848] Do you have a strange power saving mode enabled?",
                "[   22.329848] Kernel panic - not syncing:",
                "[   22.329848] NMI: Not continuing",
                "[   22.329848] CPU: 0 PID: 119 Comm: init Not tainted 5.10.0-32-rt-amd64 #1 Debian 5.10.223-1",
                "[   22.329848] Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014",
                "[   22.329848] Call Trace:",
                "[   22.329848]  dump_stack+0x6b/0x83",
                "[   22.329848]  panic+0xcb/0x316",
                "[   22.329848]  ? printk+0x62/0x7d",
                "[   22.329848]  nmi_panic.cold+0xc/0xc",
                "[   22.329848]  unknown_nmi_error.cold+0x46/0x54",
                "[   22.329848]  exc_nmi+0x14f/0x170",
                "[   22.329848]  asm_exc_nmi+0xb1/0xfa",
                "[   22.780359] ---[ end Kernel panic - not syncing: NMI: Not continuing ]---");
        List<CrashReport> reports = new OopsParser().parse(log);
        assertEquals(1, reports.size());
        assertEquals("kernel panic: NMI: Not continuing", reports.get(0).title());
        assertEquals("NMI: Not continuing", reports.get(0).panic());
        assertEquals("unknown_nmi_error", reports.get(0).guiltyFrame());
    }

    @Test
    void aBarePanicHeadlineFollowedByTheTaskHeaderKeepsItsOwnLine() {
        List<CrashReport> reports = new OopsParser().parse(String.join("\n",
                "Kernel panic - not syncing:",
                "CPU: 0 PID: 119 Comm: init Not tainted 5.10.0-32-rt-amd64 #1 Debian 5.10.223-1",
                "Call Trace:",
                " panic+0xcb/0x316"));
        assertEquals(1, reports.size());
        assertEquals("kernel panic:", reports.get(0).title().strip());
    }
}
