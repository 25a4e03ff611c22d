package dev.vpcepilot.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * A state machine of the template, ready to run locally.
 *
 * @param logicalId        the {@code AWS::Serverless::StateMachine} resource
 * @param name             its {@code Name} if the template sets a literal one, else the logical id
 * @param definitionFile   the file of {@code DefinitionUri} (null for an inline {@code Definition})
 * @param rawDefinition    the definition's text before substitution
 * @param definition       the definition after {@code DefinitionSubstitutions}
 * @param substitutions    each substitution key and the text it was replaced by
 * @param unusedSubstitutions keys of {@code DefinitionSubstitutions} the definition never uses
 * @param functions        the template's Lambda functions, which Task {@code Resource}s resolve to
 */
public record LocalStateMachine(String logicalId, String name, Path definitionFile, String rawDefinition,
                                JsonNode definition, Map<String, String> substitutions,
                                Set<String> unusedSubstitutions, FunctionDirectory functions) {

    /** {@code arn:aws:states:<region>:<account>:stateMachine:<name>}. */
    public String arn() {
        String region = functions.region();
        return "arn:" + LocalAccount.partition(region) + ":states:" + region + ":" + LocalAccount.ACCOUNT_ID
                + ":stateMachine:" + name;
    }
}
