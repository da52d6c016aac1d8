package io.crashpipe.cli.serve;

import io.crashpipe.sink.notify.WebhookNotifier;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code crashpipe serve notifier}: crash alerts to a webhook, at least once, with an idempotency key. */
@Command(name = "notifier", mixinStandardHelpOptions = true,
        header = "The notifier: crash-alerts POSTed to a webhook (retries with backoff, Idempotency-Key per alert).")
public final class ServeNotifier implements Callable<Integer> {
    @Mixin
    KafkaOption kafka = new KafkaOption();

    @Mixin
    RegistryOption registry = new RegistryOption();

    @Option(names = "--webhook", required = true, defaultValue = "${env:CRASHPIPE_WEBHOOK_URL}",
            description = "URL each alert is POSTed to as JSON ($CRASHPIPE_WEBHOOK_URL)")
    URI webhook;

    @Option(names = "--group-id", defaultValue = "${env:CRASHPIPE_NOTIFIER_GROUP:-" + WebhookNotifier.DEFAULT_GROUP_ID + "}",
            description = "consumer group; its offsets are what the webhook acknowledged ($CRASHPIPE_NOTIFIER_GROUP; default ${DEFAULT-VALUE})")
    String groupId;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        WebhookNotifier n = WebhookNotifier.start(WebhookNotifier.Config.of(kafka.bootstrap, registry.url, webhook)
                .withGroupId(groupId));
        Foreground.hold(n, "crashpipe ready notifier=" + groupId + " webhook=" + webhook + " kafka=" + kafka.bootstrap,
                spec.commandLine().getOut(), spec.commandLine().getErr());
        return 0;
    }
}
