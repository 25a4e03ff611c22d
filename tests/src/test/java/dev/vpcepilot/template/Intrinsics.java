package dev.vpcepilot.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A CloudFormation value as text the IAM rules can compare, without deploying: a string as it is, {@code Fn::Sub}
 * with its own variables filled in and the rest kept as {@code ${Name}} (pseudo parameters included), a {@code Ref}
 * as {@code ${Name}}, a {@code Fn::GetAtt} as {@code ${Name.Attribute}}. Anything else (Fn::If, Fn::Join...) is
 * rendered as {@code <unreadable:...>}, which matches no rule: the checker says so instead of guessing.
 */
final class Intrinsics {

    static final String UNREADABLE = "<unreadable:";

    private Intrinsics() {
    }

    static String render(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return "";
        }
        if (value.isValueNode()) {
            return value.asText();
        }
        if (value.isObject() && value.size() == 1) {
            if (value.has("Ref")) {
                return "${" + value.get("Ref").asText() + "}";
            }
            if (value.has("Fn::GetAtt")) {
                JsonNode getAtt = value.get("Fn::GetAtt");
                return "${" + (getAtt.isArray() ? getAtt.get(0).asText() + "." + getAtt.get(1).asText()
                        : getAtt.asText()) + "}";
            }
            if (value.has("Fn::Sub")) {
                JsonNode sub = value.get("Fn::Sub");
                if (sub.isTextual()) {
                    return sub.asText();
                }
                String text = sub.get(0).asText();
                for (Iterator<Map.Entry<String, JsonNode>> it = sub.get(1).fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> variable = it.next();
                    text = text.replace("${" + variable.getKey() + "}", render(variable.getValue()));
                }
                return text;
            }
        }
        return UNREADABLE + value + ">";
    }

    /** A string or a list of values, each rendered. */
    static List<String> renderAll(JsonNode values) {
        List<String> texts = new ArrayList<>();
        if (values == null || values.isMissingNode() || values.isNull()) {
            return texts;
        }
        if (values.isArray()) {
            values.forEach(v -> texts.add(render(v)));
        } else {
            texts.add(render(values));
        }
        return texts;
    }
}
