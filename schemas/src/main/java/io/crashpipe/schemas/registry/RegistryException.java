package io.crashpipe.schemas.registry;

import java.io.IOException;

/** A refusal from a schema registry, with Confluent's error code (40401 subject not found, ...). */
public final class RegistryException extends IOException {
    private final int httpStatus;
    private final int errorCode;

    public RegistryException(int httpStatus, int errorCode, String message) {
        super("schema registry refused (HTTP " + httpStatus + ", error " + errorCode + "): " + message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int errorCode() {
        return errorCode;
    }
}
