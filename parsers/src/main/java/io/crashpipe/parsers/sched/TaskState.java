package io.crashpipe.parsers.sched;

/**
 * A task's scheduler state ({@code __state}) and exit state, named as crash's {@code ps} names
 * them. The bit values are the kernel's {@code TASK_*} / {@code EXIT_*} defines: preprocessor
 * constants that BTF cannot carry, unchanged since Linux 4.14 (TASK_IDLE's NOLOAD bit) except
 * for additions above the bits tested here.
 */
public record TaskState(long state, long exitState) {
    /** The state of a task whose state field could not be read. */
    public static final TaskState UNKNOWN = new TaskState(-1, -1);

    static final long INTERRUPTIBLE = 0x1;
    static final long UNINTERRUPTIBLE = 0x2;
    static final long STOPPED = 0x4;
    static final long TRACED = 0x8;
    static final long EXIT_DEAD = 0x10;
    static final long EXIT_ZOMBIE = 0x20;
    static final long PARKED = 0x40;
    static final long DEAD = 0x80;
    static final long WAKING = 0x200;
    static final long NOLOAD = 0x400;
    static final long NEW = 0x800;

    /**
     * crash's two-letter code: RU IN UN ID ZO ST TR DE PA WA NE, else "??". When several bits
     * are set the later test in crash's order wins (a stopped task that is also interruptible
     * shows ST); DE only when nothing else matched; PA, WA and NE only as the sole state.
     */
    public String crashCode() {
        if (this.equals(UNKNOWN)) {
            return "??";
        }
        long s = state | exitState;
        String code = s == 0 ? "RU" : "??";
        boolean set = false;
        if ((s & INTERRUPTIBLE) != 0) {
            code = "IN";
            set = true;
        }
        if ((s & UNINTERRUPTIBLE) != 0) {
            code = (s & NOLOAD) != 0 ? "ID" : "UN";
            set = true;
        }
        if ((s & EXIT_ZOMBIE) != 0) {
            code = "ZO";
            set = true;
        }
        if ((s & STOPPED) != 0) {
            code = "ST";
            set = true;
        }
        if ((s & TRACED) != 0) {
            code = "TR";
            set = true;
        }
        if ((s & (EXIT_DEAD | DEAD)) != 0 && !set) {
            code = "DE";
        }
        if (s == PARKED) {
            code = "PA";
        } else if (s == WAKING) {
            code = "WA";
        } else if (s == NEW) {
            code = "NE";
        }
        return code;
    }

    /** The letter /proc and drgn show (R S D I T t Z X P). */
    public char procLetter() {
        return switch (crashCode()) {
            case "RU" -> 'R';
            case "IN" -> 'S';
            case "UN" -> 'D';
            case "ID" -> 'I';
            case "ST" -> 'T';
            case "TR" -> 't';
            case "ZO" -> 'Z';
            case "DE" -> 'X';
            case "PA" -> 'P';
            default -> '?';
        };
    }
}
