package dev.vpcepilot.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.PathNotFoundException;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import java.util.Optional;

/**
 * Reading JSONPaths as Step Functions does. A Reference Path ({@link ReferencePath}) is read exactly (missing
 * field or index = not found); any other Path (wildcards, filters, deep scan, functions) goes through Jayway
 * JsonPath on Jackson trees, the library Step Functions' own JSONPath behaviour follows. A path starting with
 * {@code $$} reads the context object instead of the input.
 */
public final class JsonPaths {

    private static final Configuration JAYWAY = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider(JsonText.MAPPER))
            .mappingProvider(new JacksonMappingProvider(JsonText.MAPPER))
            .build();

    private JsonPaths() {
    }

    /** Whether {@code text} is a context-object path ({@code $$...}). */
    public static boolean isContextPath(String text) {
        return text.startsWith("$$");
    }

    /** Why {@code text} is not a valid Path (or {@code $$} context path), or empty if it is one. */
    public static Optional<String> pathProblem(String text) {
        if (text == null || !text.startsWith("$")) {
            return Optional.of("a path must start with $");
        }
        String path = isContextPath(text) ? text.substring(1) : text;
        if (ReferencePath.parse(path).isPresent()) {
            return Optional.empty();
        }
        try {
            JsonPath.compile(path);
            return Optional.empty();
        } catch (InvalidPathException | IllegalArgumentException e) {
            return Optional.of("'" + text + "' is not a valid JSONPath: " + e.getMessage());
        }
    }

    /** Why {@code text} is not a Reference Path, or empty if it is one. */
    public static Optional<String> referencePathProblem(String text) {
        if (text != null && ReferencePath.parse(text).isPresent()) {
            return Optional.empty();
        }
        return Optional.of("'" + text + "' is not a Reference Path ($ followed by .field, ['field'] or [index] "
                + "steps only: no wildcards, filters, slices or functions)");
    }

    /** The value at {@code path} (input, or context for {@code $$} paths), or empty when nothing matches. */
    public static Optional<JsonNode> find(String path, JsonNode input, JsonNode context) {
        if (isContextPath(path)) {
            return find(context, path.substring(1));
        }
        return find(input, path);
    }

    /** The value at {@code path}; a path that matches nothing is {@code States.Runtime}. */
    public static JsonNode read(String path, JsonNode input, JsonNode context, String field) {
        return find(path, input, context).orElseThrow(() -> StatesError.runtime("The JSONPath '" + path
                + "' specified for the field '" + field + "' could not be found in the "
                + (isContextPath(path) ? "context object " + JsonText.abbreviate(context)
                : "input " + JsonText.abbreviate(input))));
    }

    private static Optional<JsonNode> find(JsonNode document, String path) {
        Optional<ReferencePath> reference = ReferencePath.parse(path);
        if (reference.isPresent()) {
            return reference.get().find(document).map(JsonNode::deepCopy);
        }
        Object result;
        try {
            result = JsonPath.compile(path).read(document, JAYWAY);
        } catch (PathNotFoundException e) {
            return Optional.empty();
        } catch (InvalidPathException | IllegalArgumentException e) {
            throw StatesError.runtime("'" + path + "' is not a valid JSONPath: " + e.getMessage());
        }
        if (result instanceof JsonNode node) {
            return Optional.of(node.deepCopy());
        }
        return Optional.of(JsonText.MAPPER.valueToTree(result));
    }
}
