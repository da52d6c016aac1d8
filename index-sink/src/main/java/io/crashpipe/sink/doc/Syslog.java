package io.crashpipe.sink.doc;

/** Syslog's names for severities and facilities (RFC 5424, as printk and syslog(3) use them). */
final class Syslog {
    private static final String[] SEVERITIES = {"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"};
    private static final String[] FACILITIES = {"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
        "uucp", "cron", "authpriv", "ftp", "ntp", "security", "console", "solaris-cron"};

    private Syslog() {}

    static String severityName(int level) {
        return level >= 0 && level < SEVERITIES.length ? SEVERITIES[level] : Integer.toString(level);
    }

    static String facilityName(int facility) {
        if (facility >= 0 && facility < FACILITIES.length) {
            return FACILITIES[facility];
        }
        return facility >= 16 && facility <= 23 ? "local" + (facility - 16) : Integer.toString(facility);
    }
}
