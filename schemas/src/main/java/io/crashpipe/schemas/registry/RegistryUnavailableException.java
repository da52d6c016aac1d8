package io.crashpipe.schemas.registry;

import java.io.IOException;

/** The registry could not be asked (no connection, a timeout, an answer that is not its API): an outage, not a refusal. */
public final class RegistryUnavailableException extends IOException {
    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
