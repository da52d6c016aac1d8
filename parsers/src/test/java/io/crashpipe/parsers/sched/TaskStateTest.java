package io.crashpipe.parsers.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** States the fixtures do not contain, from the kernel's TASK_* and EXIT_* bit values. */
class TaskStateTest {

    private static String code(long state, long exit) {
        return new TaskState(state, exit).crashCode();
    }

    @Test
    void sleepingStatesNameAsCrashDoes() {
        assertEquals("RU", code(0, 0));
        assertEquals("IN", code(0x1, 0));
        assertEquals("UN", code(0x2, 0));
        // TASK_IDLE is UNINTERRUPTIBLE | NOLOAD (0x402), 1026 in the fixtures' rcu_gp.
        assertEquals("ID", code(0x402, 0));
        // TASK_KILLABLE (WAKEKILL | UNINTERRUPTIBLE) still sleeps uninterruptibly.
        assertEquals("UN", code(0x102, 0));
    }

    @Test
    void stoppedTracedAndExitingTasks() {
        assertEquals("ST", code(0x4 | 0x100, 0));
        assertEquals("TR", code(0x8 | 0x100, 0));
        assertEquals("ZO", code(0, 0x20));
        assertEquals("DE", code(0, 0x10));
        assertEquals("DE", code(0x80, 0));
        assertEquals("PA", code(0x40, 0));
        assertEquals("NE", code(0x800, 0));
    }

    @Test
    void withSeveralBitsTheLaterTestInCrashsOrderWins() {
        assertEquals("ST", code(0x1 | 0x4, 0));
        assertEquals("TR", code(0x4 | 0x8, 0));
        assertEquals("ZO", code(0x2, 0x20));
        // DE only when no other state matched; PARKED only as the whole state.
        assertEquals("UN", code(0x2 | 0x80, 0));
        assertEquals("UN", code(0x2 | 0x40, 0));
    }

    @Test
    void procLettersMatchDrgnsTaskStateToChar() {
        assertEquals('R', new TaskState(0, 0).procLetter());
        assertEquals('S', new TaskState(1, 0).procLetter());
        assertEquals('D', new TaskState(2, 0).procLetter());
        assertEquals('I', new TaskState(0x402, 0).procLetter());
        assertEquals('Z', new TaskState(0, 0x20).procLetter());
    }
}
