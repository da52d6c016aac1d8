package io.crashpipe.sink;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.Time;
import co.elastic.clients.transport.TransportException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long kernel log lines are kept. A cluster with index lifecycle management gets an ILM policy
 * (delete phase {@code keep} after a dated index is created) named in the kernel-log template; a
 * cluster without it (the embedded node: no {@code _ilm} handler) gets the same effect from
 * {@link #sweep}: dated indices whose day is older than {@code keep} are deleted.
 *
 * @param keep how long a day of log lines is kept; {@link Duration#ZERO} keeps them forever
 */
public record LogRetention(Duration keep) {
    private static final Logger LOG = LoggerFactory.getLogger(LogRetention.class);
    public static final LogRetention DEFAULT = new LogRetention(Duration.ofDays(30));
    public static final LogRetention FOREVER = new LogRetention(Duration.ZERO);

    public LogRetention {
        if (keep.isNegative()) {
            throw new IllegalArgumentException("log retention must not be negative, was " + keep);
        }
    }

    /** How retention is enforced on one cluster. */
    public enum Mode {
        /** Elasticsearch deletes old indices itself (ILM policy installed). */
        ILM,
        /** The sink deletes old dated indices ({@link #sweep}). */
        SWEEP,
        /** Nothing is deleted. */
        NONE
    }

    public static String policyName(SinkIndices indices) {
        return "crashpipe-" + indices.kernelLog();
    }

    /** Installs the ILM policy when the cluster has ILM; says which mode applies. */
    public Mode install(ElasticsearchClient es, SinkIndices indices) throws IOException {
        if (keep.isZero()) {
            return Mode.NONE;
        }
        if (!hasIlm(es)) {
            return Mode.SWEEP;
        }
        String minAge = keep.toHours() + "h";
        es.ilm().putLifecycle(p -> p.name(policyName(indices)).policy(pol -> pol.phases(ph -> ph
                .hot(h -> h.minAge(Time.of(t -> t.time("0ms"))).actions(a -> a))
                .delete(d -> d.minAge(Time.of(t -> t.time(minAge))).actions(a -> a.delete(x -> x))))));
        return Mode.ILM;
    }

    /** Deletes the dated kernel-log indices older than {@code keep}; returns their names. */
    public List<String> sweep(ElasticsearchClient es, SinkIndices indices, Clock clock) throws IOException {
        List<String> deleted = new ArrayList<>();
        if (keep.isZero()) {
            return deleted;
        }
        LocalDate oldestKept = LocalDate.ofInstant(clock.instant().minus(keep), ZoneOffset.UTC);
        var existing = es.indices().get(g -> g.index(indices.kernelLogPattern()).allowNoIndices(true)
                .ignoreUnavailable(true)).result().keySet();
        for (String index : existing) {
            Optional<LocalDate> day = indices.kernelLogDay(index);
            if (day.isPresent() && day.get().isBefore(oldestKept)) {
                es.indices().delete(d -> d.index(index).ignoreUnavailable(true));
                deleted.add(index);
            }
        }
        if (!deleted.isEmpty()) {
            LOG.info("log retention ({}): deleted {}", keep, deleted);
        }
        return deleted;
    }

    /** The cluster answers the ILM status API (the embedded node has no handler for it). */
    public static boolean hasIlm(ElasticsearchClient es) throws IOException {
        try {
            es.ilm().getStatus();
            return true;
        } catch (ElasticsearchException | TransportException e) {
            return false;
        }
    }
}
