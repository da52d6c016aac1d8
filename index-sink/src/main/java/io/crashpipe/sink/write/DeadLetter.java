package io.crashpipe.sink.write;

/**
 * A document Elasticsearch refused for what it is (a mapping conflict, a field the strict
 * template does not know), not for its own state: retrying cannot help.
 *
 * @param status the HTTP status of the bulk item
 * @param errorType Elasticsearch's error type, e.g. {@code document_parsing_exception}
 */
public record DeadLetter(SinkDocument document, int status, String errorType, String reason) {}
