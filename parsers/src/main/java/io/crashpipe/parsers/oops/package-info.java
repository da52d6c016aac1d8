/**
 * Crash reports from kernel log text: a log (dmesg, vmcore-dmesg.txt, a serial capture) is split
 * into reports ({@link io.crashpipe.parsers.oops.ReportSplitter}), each recognised by a small rule
 * ({@link io.crashpipe.parsers.oops.Recognisers}) and decoded into a
 * {@link io.crashpipe.parsers.oops.CrashReport}: title, type, guilty frame, call trace, registers,
 * header, taint, modules and a grouping signature. Entry point: {@link io.crashpipe.parsers.oops.OopsParser}.
 */
package io.crashpipe.parsers.oops;
