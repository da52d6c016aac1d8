package io.crashpipe.parsers.memory;

import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One field of an analysis: its value, or why the dump cannot give it. This is how a section
 * degrades field by field instead of failing as a whole: a page missing for good, or a layout
 * the dump does not reveal, becomes an {@link Unknown} with that reason, and the other fields
 * are still read.
 *
 * <p>The one rule for missing pages lives in {@link #read}: a page that has
 * {@link Unavailable.Reason#NOT_YET_ARRIVED not yet arrived} is never recorded as a reason, it
 * propagates so the streaming pass waits for it and runs again.
 */
public sealed interface Fact<T> {

    /** The field's value as the dump gives it. */
    record Known<T>(T value) implements Fact<T> {
        public Known {
            Objects.requireNonNull(value, "a known fact has a value");
        }
    }

    /** The dump cannot give this field; {@code reason} says why (a missing page, an unknown layout). */
    record Unknown<T>(String reason) implements Fact<T> {
        public Unknown {
            Objects.requireNonNull(reason, "an unknown fact has a reason");
        }
    }

    static <T> Fact<T> known(T value) {
        return new Known<>(value);
    }

    static <T> Fact<T> unknown(String reason) {
        return new Unknown<>(reason);
    }

    /**
     * Reads a field, or records why it cannot be read: a page absent for good
     * ({@link MemoryFault} other than not-yet-arrived) or a layout the dump does not reveal
     * (an {@link IllegalStateException}: a missing VMCOREINFO key, a member BTF does not have, a
     * corrupt list) or malformed data ({@link UncheckedIOException}). A page that has not arrived
     * yet propagates.
     */
    static <T> Fact<T> read(Supplier<T> reader) {
        try {
            return new Known<>(reader.get());
        } catch (MemoryFault f) {
            MemoryFault.propagateIfWaiting(f);
            return new Unknown<>(f.unavailable().describe());
        } catch (IllegalStateException e) {
            return new Unknown<>(e.getMessage());
        } catch (UncheckedIOException e) {
            // Malformed input met on the way (a bad .BTF blob, say): its message names file, offset and expectation.
            return new Unknown<>(e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
        }
    }

    /** {@link #read} for a reader that itself decides a field is unknown. */
    static <T> Fact<T> readFact(Supplier<Fact<T>> reader) {
        return read(reader).flatMap(f -> f);
    }

    default boolean isKnown() {
        return this instanceof Known<T>;
    }

    default Optional<T> optional() {
        return this instanceof Known<T> k ? Optional.of(k.value()) : Optional.empty();
    }

    default T orElse(T other) {
        return this instanceof Known<T> k ? k.value() : other;
    }

    /**
     * The value, or an {@link IllegalStateException} carrying the reason: inside {@link #read}
     * that makes the enclosing field unknown for the same reason.
     */
    default T orElseThrow() {
        return switch (this) {
            case Known<T> k -> k.value();
            case Unknown<T> u -> throw new IllegalStateException(u.reason());
        };
    }

    /** Why the field is unknown; empty when it is known. */
    default Optional<String> why() {
        return this instanceof Unknown<T> u ? Optional.of(u.reason()) : Optional.empty();
    }

    default <U> Fact<U> map(Function<? super T, ? extends U> f) {
        return switch (this) {
            case Known<T> k -> new Known<>(f.apply(k.value()));
            case Unknown<T> u -> new Unknown<>(u.reason());
        };
    }

    default <U> Fact<U> flatMap(Function<? super T, Fact<U>> f) {
        return switch (this) {
            case Known<T> k -> f.apply(k.value());
            case Unknown<T> u -> new Unknown<>(u.reason());
        };
    }

    /** This fact if known, else {@code other} (read only then). */
    default Fact<T> or(Supplier<Fact<T>> other) {
        return isKnown() ? this : other.get();
    }
}
