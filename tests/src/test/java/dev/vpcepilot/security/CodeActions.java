package dev.vpcepilot.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The IAM actions a handler's code can call, read from the sources of functions/: the SDK calls
 * ({@code ec2.describeVpcs(...)}, {@code dynamoDb.listTables(...)}, {@code sfn.startExecution(...)}) of the handler
 * class and of every class it constructs ({@code new EndpointManager(...)}), transitively. Tagging a resource while
 * creating it needs {@code ec2:CreateTags} too (AWS's rule for {@code TagSpecifications}).
 *
 * <p>Constructed classes count (the SDK clients are passed to the services they construct), and so do static
 * helpers handed a client ({@code EndpointLookup.find(ec2, id)}); other static helpers
 * ({@code VpcResolver.prefixListRoutes}) and SnapStart's priming ({@code ClientPrimer}, whose calls are stopped
 * before they leave the JVM, and which gets no client) call nothing on AWS for the handler.
 */
final class CodeActions {

    private static final Pattern SDK_CALL =
            Pattern.compile("\\b(ec2|dynamoDb|sfn)\\s*\\.\\s*([a-z][A-Za-z0-9]*)\\s*\\(");
    private static final Pattern CONSTRUCTION = Pattern.compile("\\bnew\\s+([A-Z][A-Za-z0-9]*)\\s*[(<]");
    private static final Pattern STATIC_CALL_WITH_CLIENT =
            Pattern.compile("\\b([A-Z][A-Za-z0-9]*)\\s*\\.\\s*[a-z][A-Za-z0-9]*\\s*\\(\\s*(ec2|dynamoDb|sfn)\\b");
    private static final Map<String, String> SERVICE_PREFIX = Map.of("ec2", "ec2", "dynamoDb", "dynamodb",
            "sfn", "states");
    private static final Set<String> NOT_CALLS = Set.of("close", "serviceName", "serviceClientConfiguration");

    private final Map<String, String> sources = new HashMap<>();

    CodeActions(Path functionsSourceRoot) {
        try (Stream<Path> files = Files.walk(functionsSourceRoot)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                String name = f.getFileName().toString().replace(".java", "");
                sources.put(name, stripCommentsAndStrings(read(f)));
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (sources.isEmpty()) {
            throw new IllegalStateException("no Java sources under " + functionsSourceRoot);
        }
    }

    /** The classes a handler reaches by construction, itself included. */
    Set<String> reachable(String handlerSimpleName) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        todo.add(handlerSimpleName);
        while (!todo.isEmpty()) {
            String current = todo.poll();
            if (!sources.containsKey(current) || !seen.add(current)) {
                continue;
            }
            Matcher m = CONSTRUCTION.matcher(sources.get(current));
            while (m.find()) {
                todo.add(m.group(1));
            }
            Matcher helper = STATIC_CALL_WITH_CLIENT.matcher(sources.get(current));
            while (helper.find()) {
                todo.add(helper.group(1));
            }
            // a superclass' code runs too
            Matcher ext = Pattern.compile("class\\s+" + current + "\\b[^{]*?\\bextends\\s+([A-Z][A-Za-z0-9]*)")
                    .matcher(sources.get(current));
            if (ext.find()) {
                todo.add(ext.group(1));
            }
        }
        return seen;
    }

    /** The IAM actions the handler's code calls. */
    Set<String> actions(String handlerClass) {
        String simple = handlerClass.substring(handlerClass.lastIndexOf('.') + 1);
        if (!sources.containsKey(simple)) {
            throw new IllegalArgumentException("no source for " + handlerClass);
        }
        Set<String> actions = new TreeSet<>();
        for (String type : reachable(simple)) {
            String source = sources.get(type);
            Matcher m = SDK_CALL.matcher(source);
            while (m.find()) {
                String method = m.group(2);
                if (NOT_CALLS.contains(method)) {
                    continue;
                }
                String operation = Character.toUpperCase(method.charAt(0))
                        + method.substring(1).replaceFirst("Paginator$", "");
                actions.add(SERVICE_PREFIX.get(m.group(1)) + ":" + operation);
            }
            if (source.contains("createVpcEndpoint") && source.contains("tagSpecifications(")) {
                actions.add("ec2:CreateTags");
            }
        }
        return actions;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Javadoc and comments name classes they do not use, string literals name operations they do not call: both
     * are blanked (one pass, so that a {@code //} inside a string or a quote inside a comment is no trouble).
     */
    static String stripCommentsAndStrings(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == '/' && source.startsWith("//", i)) {
                int end = source.indexOf('\n', i);
                i = end < 0 ? source.length() : end;
            } else if (c == '/' && source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                i = end < 0 ? source.length() : end + 2;
                out.append(' ');
            } else if (c == '"' && source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                i = end < 0 ? source.length() : end + 3;
                out.append("\"\"");
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < source.length() && source.charAt(j) != c) {
                    j += source.charAt(j) == '\\' ? 2 : 1;
                }
                i = j + 1;
                out.append(c).append(c);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
