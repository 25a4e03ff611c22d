package dev.vpcepilot.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.local.asl.AslSupport;
import dev.vpcepilot.local.template.LocalFunction;
import dev.vpcepilot.local.template.LocalStateMachine;
import dev.vpcepilot.local.template.SamTemplate;
import dev.vpcepilot.local.template.StateMachineLoader;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The project's own statemachine/*.asl.json, after the real template.yaml's DefinitionSubstitutions: it uses only
 * what the local runner implements, and every Task names a real handler class.
 */
class RealDefinitionTest {

    /** The template's parameters that deploy the probe inside the VPC, its optional function. */
    private static final Map<String, String> WITH_PROBE = Map.of("ProbeVpcId", "vpc-0123456789abcdef0",
            "ProbeSubnetIds", "subnet-0123456789abcdef0");

    private static LocalStateMachine stateMachine(String logicalId) {
        return stateMachine(logicalId, Map.of());
    }

    private static LocalStateMachine stateMachine(String logicalId, Map<String, String> parameters) {
        return StateMachineLoader.load(SamTemplate.load(TestProject.root().resolve("template.yaml")), logicalId,
                "us-east-1", parameters);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"EndpointStateMachine", "FleetStateMachine"})
    void theDefinitionUsesOnlySupportedFeatures(String logicalId) {
        LocalStateMachine machine = stateMachine(logicalId);
        assertEquals(List.of(), AslSupport.unsupportedFeatures(machine.definition(), machine.functions()::names));
        LocalStateMachine probed = stateMachine(logicalId, WITH_PROBE);
        assertEquals(List.of(), AslSupport.unsupportedFeatures(probed.definition(),
                resource -> probed.functions().resolve(resource).isPresent()));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"EndpointStateMachine", "FleetStateMachine"})
    void everyTaskAndFunctionSubstitutionResolvesToAHandlerClassWithHandleRequest(String logicalId) throws Exception {
        LocalStateMachine machine = stateMachine(logicalId, WITH_PROBE);
        List<String> resources = new ArrayList<>();
        machine.definition().path("States").forEach(state -> {
            if ("Task".equals(state.path("Type").asText())) {
                resources.add(state.path("Resource").asText());
            }
        });
        assertFalse(resources.isEmpty());
        machine.substitutions().values().stream().filter(value -> value.startsWith("arn:aws:lambda:"))
                .forEach(resources::add);
        for (String resource : resources) {
            LocalFunction function = machine.functions().resolve(resource)
                    .orElseThrow(() -> new AssertionError(resource + " is not a function of the template"));
            Class<?> handler = Class.forName(function.handlerClass());
            Method method = handler.getMethod("handleRequest", InputStream.class, OutputStream.class, Context.class);
            assertEquals(void.class, method.getReturnType(), function.handlerClass());
            assertTrue(function.handlerMethod() == null || function.handlerMethod().equals("handleRequest"),
                    function.logicalId() + " names method " + function.handlerMethod());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"EndpointStateMachine", "FleetStateMachine"})
    void everySubstitutionIsUsedAndNoPlaceholderRemains(String logicalId) {
        LocalStateMachine machine = stateMachine(logicalId);
        assertEquals(java.util.Set.of(), machine.unusedSubstitutions());
        JsonNode definition = machine.definition();
        assertFalse(definition.toString().contains("${"), "an unsubstituted placeholder remains");
    }

    @Test
    void theLocalWorkflowAcceptsTheProjectAsIs() {
        LocalStateMachine checked = LocalWorkflow.builder(TestProject.root()).region("us-east-1").check();
        assertEquals("EndpointStateMachine", checked.logicalId());
    }
}
