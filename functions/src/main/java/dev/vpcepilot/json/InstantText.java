package dev.vpcepilot.json;

import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.deser.std.StdDelegatingDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.databind.util.StdConverter;
import java.time.Instant;

/**
 * {@link Instant} in JSON as a string, the one way the claims document stores its times: written as
 * {@code Instant.toString()} writes it (ISO-8601 in UTC, e.g. {@code 2026-01-10T10:15:00.123Z}, the fraction in
 * groups of three digits and left out when zero) and read back with {@code Instant.parse}. The same text, both ways,
 * as Jackson's java.time module wrote and read it with dates not written as timestamps; built from Jackson's own
 * extension points instead of that module (0.13 MiB of the deployment package for this one type).
 */
final class InstantText {

    private InstantText() {
    }

    static Module module() {
        return new SimpleModule("InstantText")
                .addSerializer(Instant.class, ToStringSerializer.instance)
                .addDeserializer(Instant.class, new StdDelegatingDeserializer<>(new FromText()));
    }

    /** The text of an instant back to the instant. */
    static final class FromText extends StdConverter<String, Instant> {
        @Override
        public Instant convert(String text) {
            return Instant.parse(text);
        }
    }
}
