package io.crashpipe.topology.groups;

import java.time.Duration;

/**
 * When the groups aggregation raises an alert besides a new signature and a first crash on a
 * kernel release (those have no threshold).
 *
 * @param quietPeriod a signature crashing again after at least this long without a crash is
 *     BACK_AFTER_QUIET
 * @param baselineDays the days before a day whose mean daily count is the signature's baseline; a
 *     signature first seen less than this long ago has no baseline and never spikes
 * @param spikeFactor a day spikes when its count is at least this times the baseline (a baseline
 *     below one dump a day counts as one)
 * @param spikeMinCount and at least this many dumps, so that 0 then 2 is not a spike
 */
public record AlertRules(Duration quietPeriod, int baselineDays, double spikeFactor, long spikeMinCount) {
    public static final AlertRules DEFAULT = new AlertRules(Duration.ofDays(14), 7, 3.0, 5);

    public AlertRules {
        if (quietPeriod.isNegative() || quietPeriod.isZero() || baselineDays < 1 || spikeFactor <= 1.0 || spikeMinCount < 1) {
            throw new IllegalArgumentException("alert rules need a positive quiet period, baseline days >= 1, spike"
                    + " factor > 1 and spike minimum >= 1; got " + this);
        }
    }
}
