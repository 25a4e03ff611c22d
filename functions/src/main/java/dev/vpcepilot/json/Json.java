package dev.vpcepilot.json;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one ObjectMapper of the functions: strict on input (an unknown field is a contract drift; a key given twice
 * is refused rather than silently resolved to the last value), nulls kept. An {@link java.time.Instant} is written
 * as {@code Instant.toString()} writes it (ISO-8601, e.g. {@code 2026-01-10T10:15:00.123Z}) and read back from it
 * ({@link InstantText}).
 */
public final class Json {

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .addModule(InstantText.module())
            .build();

    private Json() {
    }
}
