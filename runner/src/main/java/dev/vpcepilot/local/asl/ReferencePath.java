package dev.vpcepilot.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Reference Path of the States Language: {@code $} followed by {@code .name}, {@code ['name']} or
 * {@code [index]} steps only, so it names exactly one node (no wildcards, filters, slices, unions or functions).
 * ResultPath must be one; InputPath, OutputPath and Parameters' paths that are one are read with these exact
 * semantics (a missing field or an index past the end is "not found").
 */
public record ReferencePath(String text, List<Step> steps) {

    /** One step of the path. */
    public sealed interface Step permits Field, Index {
    }

    public record Field(String name) implements Step {
    }

    public record Index(int index) implements Step {
    }

    private static final String NOT_IN_NAMES = ".[]*@?,:()'\"";

    /** The path, or empty when {@code text} is not a Reference Path. */
    public static Optional<ReferencePath> parse(String text) {
        if (text == null || !text.startsWith("$") || text.startsWith("$$")) {
            return Optional.empty();
        }
        List<Step> steps = new ArrayList<>();
        int i = 1;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '.') {
                int start = ++i;
                while (i < n && NOT_IN_NAMES.indexOf(text.charAt(i)) < 0 && !Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
                if (i == start) {
                    return Optional.empty();
                }
                steps.add(new Field(text.substring(start, i)));
            } else if (c == '[') {
                i++;
                if (i < n && (text.charAt(i) == '\'' || text.charAt(i) == '"')) {
                    char quote = text.charAt(i);
                    int close = text.indexOf(quote, i + 1);
                    if (close < 0 || close + 1 >= n || text.charAt(close + 1) != ']') {
                        return Optional.empty();
                    }
                    steps.add(new Field(text.substring(i + 1, close)));
                    i = close + 2;
                } else {
                    int start = i;
                    while (i < n && Character.isDigit(text.charAt(i))) {
                        i++;
                    }
                    if (i == start || i >= n || text.charAt(i) != ']' || i - start > 9) {
                        return Optional.empty();
                    }
                    steps.add(new Index(Integer.parseInt(text.substring(start, i))));
                    i++;
                }
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(new ReferencePath(text, List.copyOf(steps)));
    }

    /** The node the path names, or empty if it names nothing in {@code root}. */
    public Optional<JsonNode> find(JsonNode root) {
        JsonNode node = root;
        for (Step step : steps) {
            if (step instanceof Field field) {
                if (node == null || !node.isObject() || !node.has(field.name())) {
                    return Optional.empty();
                }
                node = node.get(field.name());
            } else {
                int index = ((Index) step).index();
                if (node == null || !node.isArray() || index >= node.size()) {
                    return Optional.empty();
                }
                node = node.get(index);
            }
        }
        return Optional.ofNullable(node);
    }

    /**
     * A copy of {@code root} with {@code value} placed where the path points, creating missing objects on the
     * way, as ResultPath does. Fails with {@code States.ResultPathMatchFailure} when the path runs through
     * something that is not an object (or an array, for an index step), or names an array element that does not
     * exist.
     */
    public JsonNode placeInto(JsonNode root, JsonNode value) {
        if (steps.isEmpty()) {
            return value;
        }
        JsonNode copy = root == null ? null : root.deepCopy();
        JsonNode container = copy;
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            boolean last = i == steps.size() - 1;
            if (step instanceof Field field) {
                if (container == null || !container.isObject()) {
                    throw mismatch(root);
                }
                ObjectNode object = (ObjectNode) container;
                if (last) {
                    object.set(field.name(), value);
                } else {
                    JsonNode child = object.get(field.name());
                    if (child == null) {
                        if (steps.get(i + 1) instanceof Index) {
                            throw mismatch(root);
                        }
                        child = object.putObject(field.name());
                    }
                    container = child;
                }
            } else {
                int index = ((Index) step).index();
                if (container == null || !container.isArray() || index >= container.size()) {
                    throw mismatch(root);
                }
                ArrayNode array = (ArrayNode) container;
                if (last) {
                    array.set(index, value);
                } else {
                    container = array.get(index);
                }
            }
        }
        return copy;
    }

    private StatesError mismatch(JsonNode root) {
        return new StatesError(ErrorNames.RESULT_PATH_MATCH_FAILURE, "Unable to apply ReferencePath " + text
                + " to input " + JsonText.abbreviate(root == null ? JsonNodeFactory.instance.nullNode() : root));
    }
}
