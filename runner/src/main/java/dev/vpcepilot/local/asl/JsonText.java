package dev.vpcepilot.local.asl;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The one ObjectMapper of the runner and the JSON text helpers around it. */
public final class JsonText {

    /** Strict: a document followed by more text is not JSON. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private static final int ABBREVIATE_AT = 400;

    private JsonText() {
    }

    /** Compact JSON, as Step Functions writes it. */
    public static String compact(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Indented JSON, for people. */
    public static String pretty(JsonNode node) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int utf8Length(JsonNode node) {
        return compact(node).getBytes(StandardCharsets.UTF_8).length;
    }

    /** Compact JSON cut to a length that fits in an error message. */
    public static String abbreviate(JsonNode node) {
        String text = compact(node);
        return text.length() <= ABBREVIATE_AT ? text : text.substring(0, ABBREVIATE_AT) + "...";
    }

    /** Parses a whole JSON document; a blank text, or text after the document, is an error. */
    public static JsonNode parse(String text) throws JsonProcessingException {
        JsonNode node = MAPPER.readTree(text);
        if (node == null || node.isMissingNode()) {
            throw new JsonParseException(null, "no JSON document (the text is empty)");
        }
        return node;
    }
}
