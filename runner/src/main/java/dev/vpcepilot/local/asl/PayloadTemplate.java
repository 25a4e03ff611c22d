package dev.vpcepilot.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Payload templates ({@code Parameters}, {@code ResultSelector}): a JSON value copied as is, except that every
 * field whose name ends in {@code .$} (however deeply nested, in objects or arrays) is replaced by a field without
 * the suffix whose value is the result of its expression: a path on the input, a {@code $$} path on the context
 * object, or an intrinsic function.
 */
public final class PayloadTemplate {

    private static final String SUFFIX = ".$";

    private PayloadTemplate() {
    }

    public static JsonNode evaluate(JsonNode template, JsonNode input, JsonNode context) {
        if (template.isObject()) {
            ObjectNode result = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = template.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String key = field.getKey();
                if (key.endsWith(SUFFIX)) {
                    if (!field.getValue().isTextual()) {
                        throw StatesError.runtime("The value of the field '" + key + "' must be a string");
                    }
                    result.set(key.substring(0, key.length() - SUFFIX.length()),
                            expression(field.getValue().asText(), input, context, key));
                } else {
                    result.set(key, evaluate(field.getValue(), input, context));
                }
            }
            return result;
        }
        if (template.isArray()) {
            ArrayNode result = JsonNodeFactory.instance.arrayNode();
            template.forEach(item -> result.add(evaluate(item, input, context)));
            return result;
        }
        return template.deepCopy();
    }

    /** The value of one {@code .$} expression. */
    public static JsonNode expression(String expression, JsonNode input, JsonNode context, String field) {
        if (IntrinsicParser.looksLikeCall(expression)) {
            IntrinsicExpression.Call call;
            try {
                call = IntrinsicParser.parse(expression);
            } catch (IntrinsicSyntaxException e) {
                throw StatesError.runtime("The value of the field '" + field + "' is not a valid intrinsic function: "
                        + e.getMessage());
            }
            try {
                return IntrinsicFunctions.evaluate(call, input, context);
            } catch (StatesError e) {
                throw new StatesError(e.error(), "The function " + call.name() + " in the field '" + field
                        + "' failed: " + e.cause());
            }
        }
        if (expression.startsWith("$")) {
            return JsonPaths.read(expression, input, context, field);
        }
        throw StatesError.runtime("The value of the field '" + field + "' must be a JSONPath or an intrinsic "
                + "function, not '" + expression + "'");
    }

    /** Everything wrong with a payload template, each message naming the field. */
    public static List<String> problems(JsonNode template) {
        List<String> problems = new ArrayList<>();
        collect(template, problems);
        return problems;
    }

    /** Why a {@code .$} value is not a valid path or intrinsic function call, or empty if it is one. */
    public static Optional<String> expressionProblem(String expression) {
        if (IntrinsicParser.looksLikeCall(expression)) {
            try {
                List<String> problems = IntrinsicFunctions.problems(IntrinsicParser.parse(expression));
                return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
            } catch (IntrinsicSyntaxException e) {
                return Optional.of("not a valid intrinsic function call: " + e.getMessage());
            }
        }
        if (expression.startsWith("$")) {
            return JsonPaths.pathProblem(expression);
        }
        return Optional.of("'" + expression + "' is neither a JSONPath ($..., $$...) nor an intrinsic function "
                + "(States.<Name>(...))");
    }

    private static void collect(JsonNode template, List<String> problems) {
        if (template.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = template.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String key = field.getKey();
                if (key.endsWith(SUFFIX)) {
                    String plain = key.substring(0, key.length() - SUFFIX.length());
                    if (template.has(plain)) {
                        problems.add("fields '" + plain + "' and '" + key + "' both set the same output field");
                    }
                    if (!field.getValue().isTextual()) {
                        problems.add("the value of '" + key + "' must be a string");
                    } else {
                        expressionProblem(field.getValue().asText())
                                .ifPresent(problem -> problems.add("field '" + key + "': " + problem));
                    }
                } else {
                    collect(field.getValue(), problems);
                }
            }
        } else if (template.isArray()) {
            template.forEach(item -> collect(item, problems));
        }
    }
}
