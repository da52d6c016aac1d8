/** Micrometer with its Prometheus registry, shared by every crashpipe service. */
package io.crashpipe.metrics;
