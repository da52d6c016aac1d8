/**
 * Pure Java crash-dump analysis, layered like drgn's libdrgn:
 * {@code io} (byte sources), {@code dump} (containers: ELF, kdump-compressed, flattened),
 * {@code memory} (physical memory with typed "unavailable" outcomes), then the kernel
 * layers built on top (address translation, kallsyms, BTF, ORC) and the extractors.
 * Nothing here knows about Kafka, HTTP or Elasticsearch.
 */
package io.crashpipe.parsers;
