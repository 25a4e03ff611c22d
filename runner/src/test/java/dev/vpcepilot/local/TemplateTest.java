package dev.vpcepilot.local;

import static dev.vpcepilot.local.TestProject.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.local.template.CfnYaml;
import dev.vpcepilot.local.template.FunctionDirectory;
import dev.vpcepilot.local.template.LocalAccount;
import dev.vpcepilot.local.template.LocalFunction;
import dev.vpcepilot.local.template.LocalStateMachine;
import dev.vpcepilot.local.template.SamTemplate;
import dev.vpcepilot.local.template.StateMachineLoader;
import dev.vpcepilot.local.template.TemplateException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading SAM templates and resolving a state machine's DefinitionSubstitutions. */
class TemplateTest {

    @TempDir
    Path directory;

    @Test
    void shortFormTagsBecomeTheLongJsonForm() {
        JsonNode parsed = CfnYaml.parse("""
                Version: 2010-09-09
                Values:
                  ref: !Ref Param
                  getAtt: !GetAtt Fn.Arn
                  getAttNested: !GetAtt Vpc.Outputs.Id
                  getAttList: !GetAtt [Fn, Arn]
                  sub: !Sub "arn:${AWS::Partition}:x"
                  subList: !Sub ["${A}-b", {A: !Ref Param}]
                  if: !If [Cond, !Ref A, !Ref "AWS::NoValue"]
                  equals: !Equals [!Ref Param, ""]
                  not: !Not [!Condition Cond]
                  and: !And [!Condition A, !Condition B]
                  or: !Or [!Condition A, !Condition B]
                  select: !Select [0, !GetAZs ""]
                  join: !Join [",", [a, b]]
                  import: !ImportValue Shared-Token
                  findInMap: !FindInMap [Map, Key, Value]
                  split: !Split [",", "a,b"]
                  base64: !Base64 text
                  cidr: !Cidr [10.0.0.0/16, 4, 8]
                """);
        assertEquals(json("""
                {"ref": {"Ref": "Param"}, "getAtt": {"Fn::GetAtt": ["Fn", "Arn"]},
                 "getAttNested": {"Fn::GetAtt": ["Vpc", "Outputs.Id"]}, "getAttList": {"Fn::GetAtt": ["Fn", "Arn"]},
                 "sub": {"Fn::Sub": "arn:${AWS::Partition}:x"},
                 "subList": {"Fn::Sub": ["${A}-b", {"A": {"Ref": "Param"}}]},
                 "if": {"Fn::If": ["Cond", {"Ref": "A"}, {"Ref": "AWS::NoValue"}]},
                 "equals": {"Fn::Equals": [{"Ref": "Param"}, ""]},
                 "not": {"Fn::Not": [{"Condition": "Cond"}]},
                 "and": {"Fn::And": [{"Condition": "A"}, {"Condition": "B"}]},
                 "or": {"Fn::Or": [{"Condition": "A"}, {"Condition": "B"}]},
                 "select": {"Fn::Select": [0, {"Fn::GetAZs": ""}]},
                 "join": {"Fn::Join": [",", ["a", "b"]]}, "import": {"Fn::ImportValue": "Shared-Token"},
                 "findInMap": {"Fn::FindInMap": ["Map", "Key", "Value"]}, "split": {"Fn::Split": [",", "a,b"]},
                 "base64": {"Fn::Base64": "text"}, "cidr": {"Fn::Cidr": ["10.0.0.0/16", 4, 8]}}
                """), parsed.get("Values"));
        assertEquals(json("\"2010-09-09\""), parsed.get("Version"));
    }

    @Test
    void theProjectTemplateParses() {
        SamTemplate template = SamTemplate.load(TestProject.root().resolve("template.yaml"));
        assertEquals(List.of("EndpointStateMachine", "FleetStateMachine"),
                template.resourcesOfType(SamTemplate.SERVERLESS_STATE_MACHINE).stream().sorted().toList());
    }

    @Test
    void duplicateKeysAndBrokenYamlAreErrors() {
        assertThrows(TemplateException.class, () -> CfnYaml.parse("A: 1\nA: 2\n"));
        assertThrows(TemplateException.class, () -> CfnYaml.parse("A: [1,\n"));
        assertThrows(TemplateException.class, () -> CfnYaml.parse("- just a list\n"));
    }

    private static final String DEFINITION = """
            {"StartAt": "A", "States": {
              "A": {"Type": "Task", "Resource": "${AliasRef}", "Next": "B"},
              "B": {"Type": "Task", "Resource": "${ArnAtt}", "Next": "C"},
              "C": {"Type": "Task", "Resource": "${PlainRef}", "Next": "D"},
              "D": {"Type": "Task", "Resource": "${GeneratedAlias}", "Next": "E"},
              "E": {"Type": "Pass", "Result": {"wait": "${Wait}", "literal": "${Literal}", "sub": "${Sub}",
                    "joined": "${Joined}"}, "End": true}}}
            """;

    private static final String TEMPLATE = """
            Transform: AWS::Serverless-2016-10-31
            Parameters:
              WaitSeconds:
                Type: Number
                Default: 5
                MinValue: 1
                MaxValue: 300
              Mode:
                Type: String
                Default: fast
                AllowedValues: [fast, slow]
            Globals:
              Function:
                Runtime: java21
                Handler: example.GlobalHandler::handleRequest
                Timeout: 60
                MemorySize: 512
                AutoPublishAlias: live
            Resources:
              First:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: example.FirstHandler::handleRequest
              Second:
                Type: AWS::Serverless::Function
                Properties:
                  Timeout: 10
              Logs:
                Type: AWS::Logs::LogGroup
              Machine:
                Type: AWS::Serverless::StateMachine
                Properties:
                  DefinitionUri: statemachine/machine.asl.json
                  DefinitionSubstitutions:
                    AliasRef: !Ref First.Alias
                    ArnAtt: !GetAtt Second.Arn
                    PlainRef: !Ref First
                    GeneratedAlias: !Ref SecondAliaslive
                    Wait: !Ref WaitSeconds
                    Literal: 42
                    Sub: !Sub "${AWS::Region}/${AWS::AccountId}/${Mode}/${First}"
                    Joined: !Join ["-", [!Ref Mode, x]]
                    Unused: nothing
            """;

    private LocalStateMachine load(String template, String definition, Map<String, String> overrides) {
        TestProject.write(directory, template, definition);
        return StateMachineLoader.load(SamTemplate.load(directory.resolve("template.yaml")), null, "eu-west-1",
                overrides);
    }

    @Test
    void substitutionsResolveFunctionsParametersPseudoParametersAndLiterals() {
        LocalStateMachine machine = load(TEMPLATE, DEFINITION, Map.of());
        String fn = "arn:aws:lambda:eu-west-1:123456789012:function:";
        assertEquals(fn + "First:live", machine.substitutions().get("AliasRef"));
        assertEquals(fn + "Second", machine.substitutions().get("ArnAtt"));
        assertEquals(fn + "First", machine.substitutions().get("PlainRef"));
        assertEquals(fn + "Second:live", machine.substitutions().get("GeneratedAlias"));
        assertEquals(json("""
                {"wait": "5", "literal": "42", "sub": "eu-west-1/123456789012/fast/First", "joined": "fast-x"}
                """), machine.definition().at("/States/E/Result"));
        assertEquals(fn + "First:live", machine.definition().at("/States/A/Resource").asText());
        assertEquals(Set.of("Unused"), machine.unusedSubstitutions());
        assertEquals("arn:aws:states:eu-west-1:123456789012:stateMachine:Machine", machine.arn());
    }

    @Test
    void functionsTakeGlobalsAndResolveFromTheirArns() {
        FunctionDirectory functions = load(TEMPLATE, DEFINITION, Map.of()).functions();
        LocalFunction first = functions.resolve("arn:aws:lambda:eu-west-1:123456789012:function:First:live").orElseThrow();
        assertEquals(new LocalFunction("First", "First", "example.FirstHandler", "handleRequest", "java21", 60, 512,
                "live"), first);
        LocalFunction second = functions.resolve("arn:aws:lambda:eu-west-1:123456789012:function:Second").orElseThrow();
        assertEquals("example.GlobalHandler", second.handlerClass());
        assertEquals(10, second.timeoutSeconds());
        assertTrue(functions.resolve("arn:aws:lambda:eu-west-1:123456789012:function:First:$LATEST").isPresent());
        assertTrue(functions.resolve("arn:aws:lambda:us-east-1:123456789012:function:First:live").isEmpty());
        assertTrue(functions.resolve("arn:aws:lambda:eu-west-1:999999999999:function:First").isEmpty());
        assertTrue(functions.resolve("arn:aws:lambda:eu-west-1:123456789012:function:First:prod").isEmpty());
        assertTrue(functions.resolve("arn:aws:lambda:eu-west-1:123456789012:function:Logs").isEmpty());
        assertTrue(functions.resolve("arn:aws:states:::lambda:invoke").isEmpty());
    }

    @Test
    void parameterOverridesReplaceDefaultsAndAreChecked() {
        LocalStateMachine machine = load(TEMPLATE, DEFINITION, Map.of("WaitSeconds", "1", "Mode", "slow"));
        assertEquals("1", machine.definition().at("/States/E/Result/wait").asText());
        assertEquals("slow-x", machine.definition().at("/States/E/Result/joined").asText());
        assertTrue(assertThrows(TemplateException.class, () -> load(TEMPLATE, DEFINITION, Map.of("WaitSeconds", "0")))
                .getMessage().contains("below MinValue 1"));
        assertTrue(assertThrows(TemplateException.class, () -> load(TEMPLATE, DEFINITION, Map.of("Mode", "medium")))
                .getMessage().contains("AllowedValues"));
        assertTrue(assertThrows(TemplateException.class, () -> load(TEMPLATE, DEFINITION, Map.of("WaitSeconds", "x")))
                .getMessage().contains("not a number"));
        assertTrue(assertThrows(TemplateException.class, () -> load(TEMPLATE, DEFINITION, Map.of("Nope", "1")))
                .getMessage().contains("[Nope] not declared"));
    }

    @Test
    void aPlaceholderWithoutASubstitutionIsAnError() {
        TemplateException error = assertThrows(TemplateException.class, () -> load(TEMPLATE,
                DEFINITION.replace("${Literal}", "${Missing}"), Map.of()));
        assertTrue(error.getMessage().contains("[${Missing}]"), error.getMessage());
    }

    @Test
    void anAttributeTheRunnerCannotResolveIsAnError() {
        TemplateException error = assertThrows(TemplateException.class, () -> load(
                TEMPLATE.replace("ArnAtt: !GetAtt Second.Arn", "ArnAtt: !GetAtt Logs.Nope"), DEFINITION, Map.of()));
        assertTrue(error.getMessage().contains("DefinitionSubstitutions.ArnAtt")
                && error.getMessage().contains("!GetAtt Logs.Nope is not resolved by the local runner"),
                error.getMessage());
    }

    @Test
    void otherResourcesResolveToTheirLocalNamesAndArns() {
        LocalStateMachine machine = load(TEMPLATE.replace("ArnAtt: !GetAtt Second.Arn", "ArnAtt: !GetAtt Logs.Arn"),
                DEFINITION, Map.of());
        assertTrue(machine.substitutions().get("ArnAtt").startsWith("arn:aws:logs:eu-west-1:123456789012:log-group:"),
                machine.substitutions().toString());
        TemplateException unknown = assertThrows(TemplateException.class, () -> load(
                TEMPLATE.replace("PlainRef: !Ref First", "PlainRef: !Ref Nothing"), DEFINITION, Map.of()));
        assertTrue(unknown.getMessage().contains("!Ref Nothing names no parameter"), unknown.getMessage());
    }

    @Test
    void unsupportedIntrinsicsInSubstitutionsAreNamed() {
        TemplateException error = assertThrows(TemplateException.class, () -> load(
                TEMPLATE.replace("Literal: 42", "Literal: {\"Fn::GetAZs\": \"\"}"), DEFINITION, Map.of()));
        assertTrue(error.getMessage().contains("DefinitionSubstitutions.Literal: Fn::GetAZs is not supported"),
                error.getMessage());
    }

    @Test
    void theDefinitionMustBeJsonAfterSubstitution() {
        assertThrows(TemplateException.class, () -> load(TEMPLATE, DEFINITION.replace("\"${Wait}\"", "${Wait}x"),
                Map.of()));
    }

    @Test
    void theDefaultRegionComesFromTheEnvironment() {
        assertEquals("eu-central-1", LocalAccount.defaultRegion(Map.of("AWS_REGION", "eu-central-1",
                "AWS_DEFAULT_REGION", "us-west-2")));
        assertEquals("us-west-2", LocalAccount.defaultRegion(Map.of("AWS_DEFAULT_REGION", "us-west-2")));
        assertEquals("us-east-1", LocalAccount.defaultRegion(Map.of()));
    }
}
