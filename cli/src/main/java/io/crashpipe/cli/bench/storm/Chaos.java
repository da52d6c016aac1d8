package io.crashpipe.cli.bench.storm;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The kills of a storm: one broker, one topology instance, one gateway and one sink, each chosen
 * at random, in a random order, each at a random moment (a random gap after the previous one is
 * back), killed with SIGKILL and started again after a random pause on the same configuration.
 * Runs on a thread of its own while the hosts upload.
 */
final class Chaos implements Runnable {
    /** One kill: what, when (seconds after the storm began) and for how long it was down. */
    record Kill(String victim, double atSeconds, double downSeconds) {}

    /** Something that can be killed and started again. */
    interface Victim {
        String name();

        void kill() throws InterruptedException;

        void restart() throws IOException, InterruptedException;
    }

    /** A closed range of seconds to draw from. */
    record Range(double min, double max) {
        Duration draw(Random r) {
            return Duration.ofMillis((long) (1000 * (min + r.nextDouble() * (max - min))));
        }
    }

    private final List<Victim> victims;
    private final Range gap;
    private final Range pause;
    private final Random random;
    private final long stormStart;
    private final PrintWriter log;
    private final List<Kill> kills = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger killed = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean stopped;

    /**
     * @param candidates per kind (broker, topology, gateway, sink): the instances one is drawn from
     */
    Chaos(List<List<Victim>> candidates, Range gap, Range pause, long seed, long stormStart, PrintWriter log) {
        this.random = new Random(seed);
        List<Victim> chosen = new ArrayList<>();
        for (List<Victim> kind : candidates) {
            chosen.add(kind.get(random.nextInt(kind.size())));
        }
        Collections.shuffle(chosen, random);
        this.victims = List.copyOf(chosen);
        this.gap = gap;
        this.pause = pause;
        this.stormStart = stormStart;
        this.log = log;
    }

    /** The kills whose victim is back. */
    List<Kill> kills() {
        return List.copyOf(kills);
    }

    /** SIGKILLs sent so far (a victim may still be down). */
    int killCount() {
        return killed.get();
    }

    /** No further kill starts (a victim already down is still restarted). */
    void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        try {
            for (Victim v : victims) {
                sleepUnlessStopped(gap.draw(random));
                if (stopped) {
                    return;
                }
                double at = seconds();
                v.kill();
                killed.incrementAndGet();
                log.printf("crash-storm: SIGKILL %s at %.1f s%n", v.name(), at);
                log.flush();
                Thread.sleep(pause.draw(random));
                v.restart();
                double down = seconds() - at;
                kills.add(new Kill(v.name(), at, down));
                log.printf("crash-storm: %s back after %.1f s%n", v.name(), down);
                log.flush();
            }
        } catch (IOException e) {
            log.println("crash-storm: a restart failed: " + e.getMessage());
            log.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sleepUnlessStopped(Duration d) throws InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        while (!stopped && System.nanoTime() < end) {
            Thread.sleep(Math.min(200, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        }
    }

    private double seconds() {
        return (System.nanoTime() - stormStart) / 1e9;
    }
}
