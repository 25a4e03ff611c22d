package dev.vpcepilot.local;

import static dev.vpcepilot.local.TestProject.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.local.asl.AslSupport;
import dev.vpcepilot.local.asl.StatesError;
import dev.vpcepilot.local.asl.TaskInvoker;
import dev.vpcepilot.local.lambda.LambdaTaskInvoker;
import dev.vpcepilot.local.template.FunctionDirectory;
import dev.vpcepilot.local.template.LocalFunction;
import dev.vpcepilot.local.template.LocalStateMachine;
import dev.vpcepilot.local.template.SamTemplate;
import dev.vpcepilot.local.template.StateMachineLoader;
import dev.vpcepilot.local.template.TemplateException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A function whose {@code Condition} is false is not deployed: the definition that names it still loads (as Step
 * Functions accepts any well-formed ARN), and only a Task that invokes it fails, as Lambda answers for a function
 * that does not exist. Conditions, {@code Fn::If}, {@code Fn::Select} and {@code Fn::Split} as CloudFormation
 * evaluates them.
 */
class ConditionalFunctionsTest {

    private static final String ARN = "arn:aws:lambda:us-east-1:123456789012:function:";
    private static final String OPTIONAL = "opt-00000000-0000-0000-0000-000000000000";

    @TempDir
    Path directory;

    private static final String DEFINITION = """
            {"StartAt": "Here", "States": {
              "Here": {"Type": "Choice", "Choices": [
                  {"Variable": "$.where", "StringEquals": "${Where}", "Next": "CallOptional"}],
                "Default": "CallAlways"},
              "CallOptional": {"Type": "Task", "Resource": "${OptionalArn}", "End": true},
              "CallAlways": {"Type": "Task", "Resource": "${AlwaysArn}", "End": true}}}
            """;

    private static final String TEMPLATE = """
            Transform: AWS::Serverless-2016-10-31
            Parameters:
              Place:
                Type: String
                Default: ""
              Zones:
                Type: CommaDelimitedList
                Default: ""
            Conditions:
              Deployed: !Not [!Equals [!Ref Place, ""]]
              NoZones: !Equals [!Join ["", !Ref Zones], ""]
              DeployedWithoutZones: !And [!Condition Deployed, !Condition NoZones]
              EitherWay: !Or [!Condition Deployed, !Not [!Condition Deployed]]
            Globals:
              Function:
                Runtime: java21
                AutoPublishAlias: live
            Resources:
              Always:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: %1$s::handleRequest
              Optional:
                Type: AWS::Serverless::Function
                Condition: Deployed
                Properties:
                  FunctionName: !Sub
                    - opt-${Uuid}
                    - Uuid: !Select [2, !Split ["/", !Ref AWS::StackId]]
                  Handler: %1$s::handleRequest
              Machine:
                Type: AWS::Serverless::StateMachine
                Properties:
                  DefinitionUri: statemachine/machine.asl.json
                  DefinitionSubstitutions:
                    Where: !If [Deployed, !Ref Place, ""]
                    Shape: !If [DeployedWithoutZones, own, !If [EitherWay, given, never]]
                    OptionalArn: !Sub
                      - arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:opt-${Uuid}:live
                      - Uuid: !Select [2, !Split ["/", !Ref AWS::StackId]]
                    AlwaysArn: !Ref Always.Alias
            """.formatted(FakeHandlers.Echo.class.getName());

    private LocalStateMachine load(Map<String, String> parameters) {
        TestProject.write(directory, TEMPLATE, DEFINITION);
        return StateMachineLoader.load(SamTemplate.load(directory.resolve("template.yaml")), null, "us-east-1",
                parameters);
    }

    @Test
    void aFunctionWhoseConditionIsFalseIsAbsentYetTheDefinitionThatNamesItLoads() {
        LocalStateMachine machine = load(Map.of());
        assertEquals("", machine.substitutions().get("Where"));
        assertEquals(ARN + OPTIONAL + ":live", machine.substitutions().get("OptionalArn"));
        FunctionDirectory functions = machine.functions();
        assertEquals(List.of("Always"), functions.functions().stream().map(LocalFunction::logicalId).toList());
        assertTrue(functions.resolve(ARN + OPTIONAL + ":live").isEmpty());
        assertTrue(functions.names(ARN + OPTIONAL + ":live"));
        assertEquals("Function not found: " + ARN + OPTIONAL + ":live (the template's Optional is not deployed: its "
                + "Condition Deployed is false for these parameter values)",
                functions.absence(ARN + OPTIONAL + ":live").orElseThrow());
        assertTrue(functions.absence(ARN + "Always:live").isEmpty());
        assertTrue(functions.absence(ARN + "Nothing:live").isEmpty());
        assertEquals(List.of(), AslSupport.unsupportedFeatures(machine.definition(), functions::names));
    }

    @Test
    void aTaskThatInvokesAnAbsentFunctionFailsAsLambdaAnswersForAFunctionThatDoesNotExist() {
        LocalStateMachine machine = load(Map.of());
        try (AwsClients clients = AwsClients.forEndpoint("us-east-1", URI.create("http://127.0.0.1:1"))) {
            LambdaTaskInvoker invoker = new LambdaTaskInvoker(machine.functions(), clients, Map.of(),
                    getClass().getClassLoader(), line -> { }, Clock.systemUTC());
            assertTrue(invoker.canInvoke(ARN + OPTIONAL + ":live"));
            StatesError error = assertThrows(StatesError.class, () -> invoker.invoke(new TaskInvoker.TaskInvocation(
                    ARN + OPTIONAL + ":live", json("{}"), "CallOptional", "arn:execution", 0)));
            assertEquals("Lambda.ResourceNotFoundException", error.error());
            assertTrue(error.cause().contains("Condition Deployed is false"), error.cause());
            StatesError unknown = assertThrows(StatesError.class, () -> invoker.invoke(new TaskInvoker.TaskInvocation(
                    ARN + "Nothing:live", json("{}"), "CallOptional", "arn:execution", 0)));
            assertEquals("States.Runtime", unknown.error());
            assertEquals("Always", invoker.invoke(new TaskInvoker.TaskInvocation(ARN + "Always:live", json("{}"),
                    "CallAlways", "arn:execution", 0)).get("function").asText());
        }
    }

    @Test
    void withItsConditionTrueTheFunctionIsDeployedUnderTheNameItsIntrinsicsGive() {
        LocalStateMachine machine = load(Map.of("Place", "here"));
        assertEquals("here", machine.substitutions().get("Where"));
        LocalFunction optional = machine.functions().resolve(ARN + OPTIONAL + ":live").orElseThrow();
        assertEquals("Optional", optional.logicalId());
        assertEquals(OPTIONAL, optional.functionName());
        assertTrue(machine.functions().absence(ARN + OPTIONAL + ":live").isEmpty());
    }

    @Test
    void conditionsCombineAsCloudFormationEvaluatesThem() {
        assertEquals("given", load(Map.of()).substitutions().get("Shape"));
        assertEquals("own", load(Map.of("Place", "here")).substitutions().get("Shape"));
        assertEquals("own", load(Map.of("Place", "here", "Zones", ",")).substitutions().get("Shape"));
        assertEquals("given", load(Map.of("Place", "here", "Zones", "a,b")).substitutions().get("Shape"));
    }

    @Test
    void anUndefinedConditionOrABadSelectIsNamed() {
        TestProject.write(directory, TEMPLATE.replace("!If [Deployed, !Ref Place", "!If [Nope, !Ref Place"), DEFINITION);
        TemplateException undefined = assertThrows(TemplateException.class, () -> StateMachineLoader.load(
                SamTemplate.load(directory.resolve("template.yaml")), null, "us-east-1", Map.of()));
        assertTrue(undefined.getMessage().contains("condition Nope is not defined"), undefined.getMessage());
        TestProject.write(directory, TEMPLATE.replace("!Select [2, !Split", "!Select [9, !Split"), DEFINITION);
        TemplateException beyond = assertThrows(TemplateException.class, () -> StateMachineLoader.load(
                SamTemplate.load(directory.resolve("template.yaml")), null, "us-east-1", Map.of()));
        assertTrue(beyond.getMessage().contains("Fn::Select index 9 is beyond"), beyond.getMessage());
    }
}
