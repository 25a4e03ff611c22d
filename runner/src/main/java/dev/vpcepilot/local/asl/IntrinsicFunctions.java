package dev.vpcepilot.local.asl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.StringTokenizer;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The intrinsic functions of JSONPath states, as AWS Step Functions defines them. A failure (a wrong argument
 * type, an index out of range, ...) is {@code States.Runtime}.
 */
public final class IntrinsicFunctions {

    private record Arity(int min, int max) {
    }

    private static final int UNBOUNDED = Integer.MAX_VALUE;
    private static final int MAX_STRING_CHARS = 10_000;
    private static final int MAX_RANGE_ITEMS = 1_000;
    private static final Map<String, String> HASH_ALGORITHMS = Map.of(
            "MD5", "MD5", "SHA-1", "SHA-1", "SHA-256", "SHA-256", "SHA-384", "SHA-384", "SHA-512", "SHA-512");

    private static final Map<String, Arity> FUNCTIONS = Map.ofEntries(
            Map.entry("States.Format", new Arity(1, UNBOUNDED)),
            Map.entry("States.StringToJson", new Arity(1, 1)),
            Map.entry("States.JsonToString", new Arity(1, 1)),
            Map.entry("States.Array", new Arity(0, UNBOUNDED)),
            Map.entry("States.ArrayPartition", new Arity(2, 2)),
            Map.entry("States.ArrayContains", new Arity(2, 2)),
            Map.entry("States.ArrayRange", new Arity(3, 3)),
            Map.entry("States.ArrayGetItem", new Arity(2, 2)),
            Map.entry("States.ArrayLength", new Arity(1, 1)),
            Map.entry("States.ArrayUnique", new Arity(1, 1)),
            Map.entry("States.Base64Encode", new Arity(1, 1)),
            Map.entry("States.Base64Decode", new Arity(1, 1)),
            Map.entry("States.Hash", new Arity(2, 2)),
            Map.entry("States.JsonMerge", new Arity(3, 3)),
            Map.entry("States.MathRandom", new Arity(2, 3)),
            Map.entry("States.MathAdd", new Arity(2, 2)),
            Map.entry("States.StringSplit", new Arity(2, 2)),
            Map.entry("States.UUID", new Arity(0, 0)));

    private IntrinsicFunctions() {
    }

    public static Set<String> names() {
        return FUNCTIONS.keySet();
    }

    /** Unknown functions and wrong argument counts, in this call and the calls nested in it. */
    public static List<String> problems(IntrinsicExpression.Call call) {
        List<String> problems = new ArrayList<>();
        collectProblems(call, problems);
        return problems;
    }

    private static void collectProblems(IntrinsicExpression.Call call, List<String> problems) {
        Arity arity = FUNCTIONS.get(call.name());
        if (arity == null) {
            problems.add("intrinsic function " + call.name() + " is not supported (supported: "
                    + FUNCTIONS.keySet().stream().sorted().toList() + ")");
        } else if (call.arguments().size() < arity.min() || call.arguments().size() > arity.max()) {
            problems.add(call.name() + " takes " + (arity.min() == arity.max() ? String.valueOf(arity.min())
                    : arity.max() == UNBOUNDED ? "at least " + arity.min() : arity.min() + " to " + arity.max())
                    + " argument(s), not " + call.arguments().size());
        }
        for (IntrinsicExpression argument : call.arguments()) {
            if (argument instanceof IntrinsicExpression.Call nested) {
                collectProblems(nested, problems);
            }
        }
    }

    public static JsonNode evaluate(IntrinsicExpression.Call call, JsonNode input, JsonNode context) {
        List<String> problems = problems(call);
        if (!problems.isEmpty()) {
            throw StatesError.runtime(String.join("; ", problems));
        }
        List<JsonNode> args = new ArrayList<>();
        for (IntrinsicExpression argument : call.arguments()) {
            args.add(value(argument, input, context));
        }
        return switch (call.name()) {
            case "States.Format" -> format(call, args);
            case "States.StringToJson" -> stringToJson(text(call, args, 0));
            case "States.JsonToString" -> TextNode.valueOf(JsonText.compact(args.get(0)));
            case "States.Array" -> JsonNodeFactory.instance.arrayNode().addAll(args);
            case "States.ArrayPartition" -> arrayPartition(call, args);
            case "States.ArrayContains" -> BooleanNode.valueOf(contains(array(call, args, 0), args.get(1)));
            case "States.ArrayRange" -> arrayRange(call, args);
            case "States.ArrayGetItem" -> arrayGetItem(call, args);
            case "States.ArrayLength" -> IntNode.valueOf(array(call, args, 0).size());
            case "States.ArrayUnique" -> arrayUnique(call, args);
            case "States.Base64Encode" -> TextNode.valueOf(Base64.getEncoder().encodeToString(
                    limited(call, text(call, args, 0)).getBytes(StandardCharsets.UTF_8)));
            case "States.Base64Decode" -> base64Decode(call, limited(call, text(call, args, 0)));
            case "States.Hash" -> hash(call, args);
            case "States.JsonMerge" -> jsonMerge(call, args);
            case "States.MathRandom" -> mathRandom(call, args);
            case "States.MathAdd" -> mathAdd(call, args);
            case "States.StringSplit" -> stringSplit(call, args);
            case "States.UUID" -> TextNode.valueOf(UUID.randomUUID().toString());
            default -> throw StatesError.runtime("intrinsic function " + call.name() + " is not supported");
        };
    }

    private static JsonNode value(IntrinsicExpression argument, JsonNode input, JsonNode context) {
        return switch (argument) {
            case IntrinsicExpression.StringLiteral literal -> TextNode.valueOf(literal.value());
            case IntrinsicExpression.JsonLiteral literal -> literal.value();
            case IntrinsicExpression.PathReference reference -> JsonPaths.find(reference.path(), input, context)
                    .orElseThrow(() -> StatesError.runtime("The JSONPath " + reference.path()
                            + " in an intrinsic function argument could not be found in the "
                            + (JsonPaths.isContextPath(reference.path()) ? "context object" : "input "
                            + JsonText.abbreviate(input))));
            case IntrinsicExpression.Call nested -> evaluate(nested, input, context);
        };
    }

    private static JsonNode format(IntrinsicExpression.Call call, List<JsonNode> args) {
        String template = call.arguments().get(0) instanceof IntrinsicExpression.StringLiteral literal
                ? literal.raw() : text(call, args, 0);
        StringBuilder out = new StringBuilder();
        int next = 1;
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == '\\' && i + 1 < template.length()) {
                out.append(template.charAt(++i));
            } else if (c == '{' && i + 1 < template.length() && template.charAt(i + 1) == '}') {
                if (next >= args.size()) {
                    throw fail(call, "the template has more {} placeholders than the " + (args.size() - 1)
                            + " argument(s) given");
                }
                out.append(formatted(call, args.get(next++)));
                i++;
            } else {
                out.append(c);
            }
        }
        if (next != args.size()) {
            throw fail(call, "the template has " + (next - 1) + " {} placeholder(s) but " + (args.size() - 1)
                    + " argument(s) were given");
        }
        return TextNode.valueOf(out.toString());
    }

    private static String formatted(IntrinsicExpression.Call call, JsonNode value) {
        if (value.isTextual()) {
            return value.asText();
        }
        if (value.isNumber() || value.isBoolean() || value.isNull()) {
            return JsonText.compact(value);
        }
        throw fail(call, "an argument must be a string, number, boolean or null, not " + JsonText.abbreviate(value));
    }

    private static JsonNode stringToJson(String text) {
        try {
            return JsonText.parse(text);
        } catch (JsonProcessingException e) {
            throw StatesError.runtime("States.StringToJson: the argument is not a JSON document: "
                    + e.getOriginalMessage());
        }
    }

    private static JsonNode arrayPartition(IntrinsicExpression.Call call, List<JsonNode> args) {
        ArrayNode array = array(call, args, 0);
        long size = integer(call, args, 1);
        if (size <= 0) {
            throw fail(call, "the chunk size must be a positive integer, not " + size);
        }
        ArrayNode result = JsonNodeFactory.instance.arrayNode();
        ArrayNode chunk = null;
        for (int i = 0; i < array.size(); i++) {
            if (i % size == 0) {
                chunk = result.addArray();
            }
            chunk.add(array.get(i));
        }
        return result;
    }

    private static JsonNode arrayRange(IntrinsicExpression.Call call, List<JsonNode> args) {
        long start = integer(call, args, 0);
        long end = integer(call, args, 1);
        long step = integer(call, args, 2);
        if (step == 0) {
            throw fail(call, "the step must not be 0");
        }
        ArrayNode result = JsonNodeFactory.instance.arrayNode();
        for (long value = start; step > 0 ? value <= end : value >= end; value += step) {
            if (result.size() == MAX_RANGE_ITEMS) {
                throw fail(call, "the range has more than " + MAX_RANGE_ITEMS + " items");
            }
            result.add(JsonValues.integer(value));
        }
        return result;
    }

    private static JsonNode arrayGetItem(IntrinsicExpression.Call call, List<JsonNode> args) {
        ArrayNode array = array(call, args, 0);
        long index = integer(call, args, 1);
        if (index < 0 || index >= array.size()) {
            throw fail(call, "index " + index + " is out of range for an array of " + array.size() + " item(s)");
        }
        return array.get((int) index);
    }

    private static JsonNode arrayUnique(IntrinsicExpression.Call call, List<JsonNode> args) {
        ArrayNode result = JsonNodeFactory.instance.arrayNode();
        for (JsonNode item : array(call, args, 0)) {
            if (!contains(result, item)) {
                result.add(item);
            }
        }
        return result;
    }

    private static boolean contains(ArrayNode array, JsonNode value) {
        for (JsonNode item : array) {
            if (JsonValues.equal(item, value)) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode base64Decode(IntrinsicExpression.Call call, String encoded) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw fail(call, "the argument is not Base64: " + e.getMessage());
        }
        try {
            return TextNode.valueOf(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            throw fail(call, "the decoded bytes are not UTF-8 text");
        }
    }

    private static JsonNode hash(IntrinsicExpression.Call call, List<JsonNode> args) {
        String data = limited(call, text(call, args, 0));
        String algorithm = HASH_ALGORITHMS.get(text(call, args, 1));
        if (algorithm == null) {
            throw fail(call, "the algorithm must be one of " + HASH_ALGORITHMS.keySet().stream().sorted().toList()
                    + ", not " + args.get(1).asText());
        }
        try {
            byte[] digest = MessageDigest.getInstance(algorithm).digest(data.getBytes(StandardCharsets.UTF_8));
            return TextNode.valueOf(HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw fail(call, "the JVM has no " + algorithm + " digest");
        }
    }

    private static JsonNode jsonMerge(IntrinsicExpression.Call call, List<JsonNode> args) {
        if (!args.get(0).isObject() || !args.get(1).isObject()) {
            throw fail(call, "the first two arguments must be JSON objects");
        }
        if (!args.get(2).isBoolean() || args.get(2).asBoolean()) {
            throw fail(call, "the third argument must be false (only the shallow merge is supported)");
        }
        ObjectNode merged = args.get(0).deepCopy();
        merged.setAll((ObjectNode) args.get(1).deepCopy());
        return merged;
    }

    private static JsonNode mathRandom(IntrinsicExpression.Call call, List<JsonNode> args) {
        long start = integer(call, args, 0);
        long end = integer(call, args, 1);
        if (start >= end) {
            throw fail(call, "the start " + start + " must be less than the end " + end);
        }
        long value = args.size() == 3
                ? start + (long) (new Random(integer(call, args, 2)).nextDouble() * (end - start))
                : ThreadLocalRandom.current().nextLong(start, end);
        return JsonValues.integer(value);
    }

    private static JsonNode mathAdd(IntrinsicExpression.Call call, List<JsonNode> args) {
        long sum = 0;
        for (int i = 0; i < 2; i++) {
            if (!args.get(i).isNumber()) {
                throw fail(call, "argument " + (i + 1) + " must be a number, not " + JsonText.abbreviate(args.get(i)));
            }
            BigDecimal rounded = args.get(i).decimalValue().setScale(0, RoundingMode.HALF_UP);
            if (rounded.compareTo(BigDecimal.valueOf(Integer.MIN_VALUE)) < 0
                    || rounded.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
                throw fail(call, "argument " + (i + 1) + " is outside the range -2147483648 to 2147483647");
            }
            sum += rounded.longValueExact();
        }
        return JsonValues.integer(sum);
    }

    private static JsonNode stringSplit(IntrinsicExpression.Call call, List<JsonNode> args) {
        String text = text(call, args, 0);
        String delimiters = text(call, args, 1);
        ArrayNode result = JsonNodeFactory.instance.arrayNode();
        StringTokenizer tokens = new StringTokenizer(text, delimiters);
        while (tokens.hasMoreTokens()) {
            result.add(tokens.nextToken());
        }
        return result;
    }

    private static String text(IntrinsicExpression.Call call, List<JsonNode> args, int index) {
        JsonNode value = args.get(index);
        if (!value.isTextual()) {
            throw fail(call, "argument " + (index + 1) + " must be a string, not " + JsonText.abbreviate(value));
        }
        return value.asText();
    }

    private static String limited(IntrinsicExpression.Call call, String text) {
        if (text.length() > MAX_STRING_CHARS) {
            throw fail(call, "the string is longer than " + MAX_STRING_CHARS + " characters");
        }
        return text;
    }

    private static ArrayNode array(IntrinsicExpression.Call call, List<JsonNode> args, int index) {
        JsonNode value = args.get(index);
        if (!value.isArray()) {
            throw fail(call, "argument " + (index + 1) + " must be an array, not " + JsonText.abbreviate(value));
        }
        return (ArrayNode) value;
    }

    private static long integer(IntrinsicExpression.Call call, List<JsonNode> args, int index) {
        JsonNode value = args.get(index);
        if (!value.isNumber() || !value.canConvertToExactIntegral() || !value.canConvertToLong()) {
            throw fail(call, "argument " + (index + 1) + " must be an integer, not " + JsonText.abbreviate(value));
        }
        return value.asLong();
    }

    private static StatesError fail(IntrinsicExpression.Call call, String problem) {
        return StatesError.runtime(call.name() + ": " + problem);
    }
}
