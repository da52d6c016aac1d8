package io.crashpipe.sink.local;

import java.nio.file.Path;

/** A JVM that starts a node in {@code args[0]} on port {@code args[1]}, says so, and waits to be killed. */
public final class ElasticsearchChild {
    private ElasticsearchChild() {}

    public static void main(String[] args) throws Exception {
        LocalElasticsearch node = LocalElasticsearch.start(LocalElasticsearch.Settings.defaults(EsDistribution.configured(),
                Path.of(args[0])).withHttpPort(Integer.parseInt(args[1])));
        System.out.println("ready " + node.pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
