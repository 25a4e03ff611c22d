package dev.vpcepilot.local.template;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What CloudFormation does with a state machine's {@code DefinitionSubstitutions}: every {@code ${Key}} in the
 * definition's text is replaced by the key's value, as text (so a value lands inside whatever JSON string holds
 * the placeholder). A placeholder without a substitution is an error here, so nothing reaches the interpreter
 * half-substituted.
 */
public final class DefinitionSubstitutions {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    private DefinitionSubstitutions() {
    }

    public static String apply(String definitionText, Map<String, String> substitutions) {
        Set<String> missing = new TreeSet<>();
        Matcher matcher = PLACEHOLDER.matcher(definitionText);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String key = matcher.group(1);
            String value = substitutions.get(key);
            if (value == null) {
                missing.add(key);
                value = matcher.group();
            }
            matcher.appendReplacement(result, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(result);
        if (!missing.isEmpty()) {
            throw new TemplateException("The definition uses " + missing.stream().map(k -> "${" + k + "}").toList()
                    + " but DefinitionSubstitutions has no such key; it has " + new TreeSet<>(substitutions.keySet()));
        }
        return result.toString();
    }

    /** The keys of {@code substitutions} that the definition never uses. */
    public static Set<String> unused(String definitionText, Map<String, String> substitutions) {
        Set<String> used = new LinkedHashSet<>();
        Matcher matcher = PLACEHOLDER.matcher(definitionText);
        while (matcher.find()) {
            used.add(matcher.group(1));
        }
        Set<String> unused = new TreeSet<>(substitutions.keySet());
        unused.removeAll(used);
        return unused;
    }
}
