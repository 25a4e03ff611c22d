package dev.vpcepilot.local.asl;

import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses an intrinsic function call: {@code States.Name(arguments)} where an argument is a string literal in
 * single quotes (escapes {@code \'} {@code \{} {@code \}} {@code \\}), a number, {@code true}, {@code false},
 * {@code null}, a path ({@code $...} or {@code $$...}) or another call, at most 10 calls deep.
 */
public final class IntrinsicParser {

    public static final int MAX_NESTING = 10;
    private static final Pattern NAME = Pattern.compile("States\\.[A-Za-z0-9]+");
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final String ESCAPABLE = "'{}\\";

    private final String text;
    private int position;

    private IntrinsicParser(String text) {
        this.text = text;
    }

    /** Whether a {@code .$} value is meant as an intrinsic function (rather than a path). */
    public static boolean looksLikeCall(String value) {
        return value.startsWith("States.");
    }

    public static IntrinsicExpression.Call parse(String text) {
        IntrinsicParser parser = new IntrinsicParser(text);
        IntrinsicExpression.Call call = parser.call(1);
        parser.skipSpaces();
        if (parser.position != text.length()) {
            throw parser.error("unexpected text after the call");
        }
        return call;
    }

    private IntrinsicExpression.Call call(int depth) {
        if (depth > MAX_NESTING) {
            throw error("more than " + MAX_NESTING + " nested intrinsic functions");
        }
        Matcher name = NAME.matcher(text).region(position, text.length());
        if (!name.lookingAt()) {
            throw error("expected an intrinsic function name (States.<Name>)");
        }
        position = name.end();
        skipSpaces();
        expect('(');
        List<IntrinsicExpression> arguments = new ArrayList<>();
        skipSpaces();
        if (peek() == ')') {
            position++;
            return new IntrinsicExpression.Call(name.group(), List.copyOf(arguments));
        }
        while (true) {
            arguments.add(argument(depth));
            skipSpaces();
            char next = peek();
            position++;
            if (next == ')') {
                return new IntrinsicExpression.Call(name.group(), List.copyOf(arguments));
            }
            if (next != ',') {
                position--;
                throw error("expected ',' or ')'");
            }
        }
    }

    private IntrinsicExpression argument(int depth) {
        skipSpaces();
        char c = peek();
        if (c == '\'') {
            return string();
        }
        if (c == '$') {
            return path();
        }
        if (text.startsWith("States.", position)) {
            return call(depth + 1);
        }
        for (String keyword : new String[] {"true", "false", "null"}) {
            if (text.startsWith(keyword, position) && endsToken(position + keyword.length())) {
                position += keyword.length();
                return new IntrinsicExpression.JsonLiteral(switch (keyword) {
                    case "true" -> BooleanNode.TRUE;
                    case "false" -> BooleanNode.FALSE;
                    default -> NullNode.getInstance();
                });
            }
        }
        Matcher number = NUMBER.matcher(text).region(position, text.length());
        if (number.lookingAt() && endsToken(number.end())) {
            position = number.end();
            try {
                return new IntrinsicExpression.JsonLiteral(JsonText.parse(number.group()));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw error("not a number");
            }
        }
        throw error("expected an argument (a 'string', a number, true, false, null, a path or States.<Name>(...))");
    }

    private IntrinsicExpression.StringLiteral string() {
        int start = ++position;
        StringBuilder raw = new StringBuilder();
        while (position < text.length()) {
            char c = text.charAt(position);
            if (c == '\\') {
                if (position + 1 >= text.length() || ESCAPABLE.indexOf(text.charAt(position + 1)) < 0) {
                    throw error("invalid escape in a string literal (only \\' \\{ \\} \\\\ are allowed)");
                }
                raw.append(c).append(text.charAt(position + 1));
                position += 2;
            } else if (c == '\'') {
                position++;
                return new IntrinsicExpression.StringLiteral(raw.toString());
            } else {
                raw.append(c);
                position++;
            }
        }
        position = start - 1;
        throw error("unterminated string literal");
    }

    private IntrinsicExpression.PathReference path() {
        int start = position;
        int depth = 0;
        char quote = 0;
        while (position < text.length()) {
            char c = text.charAt(position);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if ((c == '\'' || c == '"') && depth > 0) {
                quote = c;
            } else if (c == '[' || c == '(') {
                depth++;
            } else if (c == ']' || c == ')') {
                if (depth == 0) {
                    break;
                }
                depth--;
            } else if ((c == ',' || Character.isWhitespace(c)) && depth == 0) {
                break;
            }
            position++;
        }
        String path = text.substring(start, position);
        Optional<String> problem = JsonPaths.pathProblem(path);
        if (problem.isPresent()) {
            position = start;
            throw error(problem.get());
        }
        return new IntrinsicExpression.PathReference(path);
    }

    private boolean endsToken(int index) {
        if (index >= text.length()) {
            return true;
        }
        char c = text.charAt(index);
        return c == ',' || c == ')' || Character.isWhitespace(c);
    }

    private void skipSpaces() {
        while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
            position++;
        }
    }

    private char peek() {
        if (position >= text.length()) {
            throw error("unexpected end");
        }
        return text.charAt(position);
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        position++;
    }

    private IntrinsicSyntaxException error(String problem) {
        return new IntrinsicSyntaxException(text, position, problem);
    }
}
