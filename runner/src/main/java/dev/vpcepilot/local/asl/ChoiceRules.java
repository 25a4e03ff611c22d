package dev.vpcepilot.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Choice Rules of JSONPath Choice states: the boolean operators {@code And}, {@code Or}, {@code Not}, and a
 * {@code Variable} compared with one operator. A comparison of values of the wrong type is false (not an
 * error); a {@code Variable} or {@code ...Path} that matches nothing is {@code States.Runtime}, except for
 * {@code IsPresent}, which exists to test exactly that.
 */
public final class ChoiceRules {

    private enum Family { STRING, NUMERIC, BOOLEAN, TIMESTAMP }

    private static final List<String> COMPARISONS = List.of("Equals", "LessThan", "GreaterThan", "LessThanEquals",
            "GreaterThanEquals");
    private static final Set<String> TYPE_TESTS = Set.of("IsNull", "IsPresent", "IsNumeric", "IsString",
            "IsBoolean", "IsTimestamp");
    private static final Set<String> BOOLEAN_OPERATORS = Set.of("And", "Or", "Not");

    private ChoiceRules() {
    }

    private static final Set<String> COMPARISON_OPERATORS = buildComparisonOperators();

    /** Every comparison operator this implementation knows. */
    public static Set<String> comparisonOperators() {
        return COMPARISON_OPERATORS;
    }

    private static Set<String> buildComparisonOperators() {
        Set<String> operators = new TreeSet<>(TYPE_TESTS);
        for (String comparison : COMPARISONS) {
            for (String family : List.of("String", "Numeric", "Timestamp")) {
                operators.add(family + comparison);
                operators.add(family + comparison + "Path");
            }
        }
        operators.add("StringMatches");
        operators.add("BooleanEquals");
        operators.add("BooleanEqualsPath");
        return Collections.unmodifiableSet(operators);
    }

    public static boolean matches(JsonNode rule, JsonNode input, JsonNode context) {
        if (rule.has("And")) {
            for (JsonNode nested : rule.get("And")) {
                if (!matches(nested, input, context)) {
                    return false;
                }
            }
            return true;
        }
        if (rule.has("Or")) {
            for (JsonNode nested : rule.get("Or")) {
                if (matches(nested, input, context)) {
                    return true;
                }
            }
            return false;
        }
        if (rule.has("Not")) {
            return !matches(rule.get("Not"), input, context);
        }
        String variable = rule.get("Variable").asText();
        String operator = operatorOf(rule).orElseThrow(() -> StatesError.runtime("A Choice Rule has no operator: "
                + JsonText.abbreviate(rule)));
        JsonNode expected = rule.get(operator);
        Optional<JsonNode> found = JsonPaths.find(variable, input, context);
        if (operator.equals("IsPresent")) {
            return found.isPresent() == expected.asBoolean();
        }
        JsonNode actual = found.orElseThrow(() -> StatesError.runtime("Invalid path '" + variable
                + "': the Choice state's condition path references a value that is not in the input "
                + JsonText.abbreviate(input)));
        if (TYPE_TESTS.contains(operator)) {
            return typeTest(operator, actual) == expected.asBoolean();
        }
        String comparedBy = operator;
        if (operator.endsWith("Path")) {
            String path = expected.asText();
            expected = JsonPaths.find(path, input, context).orElseThrow(() -> StatesError.runtime("Invalid path '"
                    + path + "' in " + rule.get("Variable").asText() + "'s comparison: it references a value that "
                    + "is not in the input " + JsonText.abbreviate(input)));
            comparedBy = operator.substring(0, operator.length() - "Path".length());
        }
        if (comparedBy.equals("StringMatches")) {
            return actual.isTextual() && expected.isTextual()
                    && wildcard(expected.asText()).matcher(actual.asText()).matches();
        }
        if (comparedBy.equals("BooleanEquals")) {
            return actual.isBoolean() && expected.isBoolean() && actual.asBoolean() == expected.asBoolean();
        }
        return compare(family(comparedBy), comparison(comparedBy), actual, expected);
    }

    private static boolean typeTest(String operator, JsonNode actual) {
        return switch (operator) {
            case "IsNull" -> actual.isNull();
            case "IsNumeric" -> actual.isNumber();
            case "IsString" -> actual.isTextual();
            case "IsBoolean" -> actual.isBoolean();
            case "IsTimestamp" -> actual.isTextual() && Timestamps.parse(actual.asText()).isPresent();
            default -> throw new IllegalArgumentException(operator);
        };
    }

    private static boolean compare(Family family, String comparison, JsonNode actual, JsonNode expected) {
        int order;
        switch (family) {
            case STRING -> {
                if (!actual.isTextual() || !expected.isTextual()) {
                    return false;
                }
                order = compareCodePoints(actual.asText(), expected.asText());
            }
            case NUMERIC -> {
                if (!actual.isNumber() || !expected.isNumber()) {
                    return false;
                }
                BigDecimal a = actual.decimalValue();
                order = a.compareTo(expected.decimalValue());
            }
            case TIMESTAMP -> {
                Optional<Instant> a = actual.isTextual() ? Timestamps.parse(actual.asText()) : Optional.empty();
                Optional<Instant> b = expected.isTextual() ? Timestamps.parse(expected.asText()) : Optional.empty();
                if (a.isEmpty() || b.isEmpty()) {
                    return false;
                }
                order = a.get().compareTo(b.get());
            }
            default -> throw new IllegalArgumentException(family.name());
        }
        return switch (comparison) {
            case "Equals" -> order == 0;
            case "LessThan" -> order < 0;
            case "GreaterThan" -> order > 0;
            case "LessThanEquals" -> order <= 0;
            case "GreaterThanEquals" -> order >= 0;
            default -> throw new IllegalArgumentException(comparison);
        };
    }

    private static int compareCodePoints(String a, String b) {
        int[] x = a.codePoints().toArray();
        int[] y = b.codePoints().toArray();
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            if (x[i] != y[i]) {
                return Integer.compare(x[i], y[i]);
            }
        }
        return Integer.compare(x.length, y.length);
    }

    /** {@code *} matches any run of characters; {@code \*} is a literal star and {@code \\} a backslash. */
    static Pattern wildcard(String pattern) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                literal.append(pattern.charAt(++i));
            } else if (c == '*') {
                regex.append(Pattern.quote(literal.toString())).append(".*");
                literal.setLength(0);
            } else {
                literal.append(c);
            }
        }
        regex.append(Pattern.quote(literal.toString()));
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    private static Family family(String operator) {
        if (operator.startsWith("String")) {
            return Family.STRING;
        }
        if (operator.startsWith("Numeric")) {
            return Family.NUMERIC;
        }
        if (operator.startsWith("Timestamp")) {
            return Family.TIMESTAMP;
        }
        return Family.BOOLEAN;
    }

    private static String comparison(String operator) {
        for (String prefix : List.of("String", "Numeric", "Timestamp")) {
            if (operator.startsWith(prefix)) {
                return operator.substring(prefix.length());
            }
        }
        return operator;
    }

    private static Optional<String> operatorOf(JsonNode rule) {
        Set<String> known = COMPARISON_OPERATORS;
        for (Iterator<String> it = rule.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (known.contains(name)) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    /**
     * What is wrong with a Choice Rule, or unsupported in it. Top-level rules need {@code Next}; nested ones
     * (inside And, Or, Not) must not have it.
     */
    public static List<String> problems(JsonNode rule, boolean topLevel) {
        List<String> problems = new ArrayList<>();
        collect(rule, topLevel, problems);
        return problems;
    }

    private static void collect(JsonNode rule, boolean topLevel, List<String> problems) {
        if (!rule.isObject()) {
            problems.add("a Choice Rule must be an object, not " + JsonText.abbreviate(rule));
            return;
        }
        if (topLevel && !rule.path("Next").isTextual()) {
            problems.add("a Choice Rule of Choices must have Next: " + JsonText.abbreviate(rule));
        }
        if (!topLevel && rule.has("Next")) {
            problems.add("a Choice Rule inside And, Or or Not must not have Next: " + JsonText.abbreviate(rule));
        }
        Set<String> comparisons = COMPARISON_OPERATORS;
        List<String> operators = new ArrayList<>();
        for (Iterator<String> it = rule.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (name.equals("Next") || name.equals("Comment") || name.equals("Variable")) {
                continue;
            }
            if (BOOLEAN_OPERATORS.contains(name) || comparisons.contains(name)) {
                operators.add(name);
            } else if (name.equals("Condition") || name.equals("Assign") || name.equals("Output")) {
                problems.add("Choice Rule field " + name + " (JSONata or variables) is not supported by the local "
                        + "runner");
            } else {
                problems.add("Choice operator " + name + " is not supported by the local runner (supported: "
                        + "And, Or, Not, " + String.join(", ", comparisons) + ")");
            }
        }
        if (operators.size() != 1) {
            if (operators.size() > 1) {
                problems.add("a Choice Rule must have exactly one operator, not " + operators);
            } else if (problems.isEmpty()) {
                problems.add("a Choice Rule has no operator: " + JsonText.abbreviate(rule));
            }
            return;
        }
        String operator = operators.get(0);
        JsonNode value = rule.get(operator);
        if (BOOLEAN_OPERATORS.contains(operator)) {
            if (rule.has("Variable")) {
                problems.add(operator + " must not have a Variable");
            }
            if (operator.equals("Not")) {
                collect(value, false, problems);
            } else if (!value.isArray() || value.isEmpty()) {
                problems.add(operator + " must be a non-empty array of Choice Rules");
            } else {
                value.forEach(nested -> collect(nested, false, problems));
            }
            return;
        }
        JsonNode variable = rule.path("Variable");
        if (!variable.isTextual()) {
            problems.add(operator + " needs a Variable (a path)");
        } else {
            JsonPaths.pathProblem(variable.asText()).ifPresent(p -> problems.add("Variable: " + p));
        }
        Optional<String> valueProblem;
        if (operator.endsWith("Path")) {
            valueProblem = value.isTextual() ? JsonPaths.pathProblem(value.asText())
                    : Optional.of("must be a path");
        } else if (TYPE_TESTS.contains(operator) || operator.equals("BooleanEquals")) {
            valueProblem = value.isBoolean() ? Optional.empty() : Optional.of("must be true or false");
        } else if (operator.startsWith("String")) {
            valueProblem = value.isTextual() ? Optional.empty() : Optional.of("must be a string");
        } else if (operator.startsWith("Numeric")) {
            valueProblem = value.isNumber() ? Optional.empty() : Optional.of("must be a number");
        } else {
            valueProblem = value.isTextual() && Timestamps.parse(value.asText()).isPresent() ? Optional.empty()
                    : Optional.of("must be an RFC 3339 timestamp such as 2024-01-31T12:00:00Z");
        }
        valueProblem.ifPresent(p -> problems.add(operator + " " + JsonText.abbreviate(value) + ": " + p));
    }
}
