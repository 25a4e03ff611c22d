package dev.vpcepilot.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** A parsed intrinsic function call and its arguments. */
public sealed interface IntrinsicExpression {

    /** {@code States.Name(arg, ...)}. */
    record Call(String name, List<IntrinsicExpression> arguments) implements IntrinsicExpression {
    }

    /**
     * {@code 'text'}: {@code raw} is the text between the quotes with its escapes ({@code \'}, {@code \{},
     * {@code \}}, {@code \\}) kept, which {@code States.Format} needs to tell an escaped brace from a placeholder.
     */
    record StringLiteral(String raw) implements IntrinsicExpression {

        /** The text with escapes resolved. */
        public String value() {
            StringBuilder value = new StringBuilder(raw.length());
            for (int i = 0; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c == '\\' && i + 1 < raw.length()) {
                    c = raw.charAt(++i);
                }
                value.append(c);
            }
            return value.toString();
        }
    }

    /** A number, {@code true}, {@code false} or {@code null}. */
    record JsonLiteral(JsonNode value) implements IntrinsicExpression {
    }

    /** {@code $...} on the input or {@code $$...} on the context object. */
    record PathReference(String path) implements IntrinsicExpression {
    }
}
