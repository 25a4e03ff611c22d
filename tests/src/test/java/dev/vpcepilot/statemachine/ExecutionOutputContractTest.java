package dev.vpcepilot.statemachine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.contract.ExecutionOutput;
import dev.vpcepilot.contract.ProbeResult;
import dev.vpcepilot.json.Json;
import dev.vpcepilot.kit.level.Static;
import dev.vpcepilot.local.asl.PayloadTemplate;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The workflow's output as the hook reads it ({@link ExecutionOutput}) against what statemachine/vpc-endpoint.asl.json
 * makes of it in its BuildOutput state: the same fields, each of the type of the step result it copies, and the
 * document BuildOutput makes from the steps' results reads back as the record, nothing lost or added.
 */
@Static
class ExecutionOutputContractTest {

    /** {@code $.<part>.<field>}: a field of the result a step wrote at {@code $.<part>}. */
    private static final Pattern RESULT_FIELD = Pattern.compile("\\$\\.([A-Za-z]+)\\.([A-Za-z]+)");

    private static JsonNode buildOutput;
    private static JsonNode buildProbedOutput;

    @BeforeAll
    static void load() throws IOException {
        buildOutput = StateMachineContractTest.definition().path("States").path("BuildOutput").path("Parameters");
        assertTrue(buildOutput.isObject(), "BuildOutput has no Parameters");
        buildProbedOutput = StateMachineContractTest.definition().path("States").path("BuildProbedOutput")
                .path("Parameters");
        assertTrue(buildProbedOutput.isObject(), "BuildProbedOutput has no Parameters");
    }

    /** The Parameters' keys, a path's without its {@code .$}. */
    private static Set<String> keys(JsonNode parameters) {
        Set<String> keys = new TreeSet<>();
        parameters.fieldNames().forEachRemaining(k -> keys.add(k.endsWith(".$") ? k.substring(0, k.length() - 2) : k));
        return keys;
    }

    private static Set<String> fields(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static RecordComponent component(Class<?> type, String name) {
        return Arrays.stream(type.getRecordComponents()).filter(c -> c.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(type.getSimpleName() + " has no field " + name));
    }

    @Test
    void theRecordHasExactlyTheFieldsBuildOutputWrites() {
        assertEquals(keys(buildOutput), fields(ExecutionOutput.class));
        Set<String> withoutProbe = fields(ExecutionOutput.Checks.class);
        withoutProbe.remove("probe");
        assertEquals(keys(buildOutput.path("verification")), withoutProbe);
        assertEquals(keys(buildProbedOutput.path("verification")), fields(ExecutionOutput.Checks.class));
    }

    /** The output of a run in the probe's VPC is BuildOutput's, verification.probe added, and nothing else. */
    @Test
    void buildProbedOutputIsBuildOutputWithTheProbe() {
        ObjectNode expected = buildOutput.deepCopy();
        ((ObjectNode) expected.path("verification")).put("probe.$", "$.probe");

        assertEquals(expected, buildProbedOutput);
    }

    @Test
    void theProbesResultReadsBackInTheRecordAndIsAbsentWhenItDidNotRun() {
        ObjectNode state = Json.MAPPER.createObjectNode();
        for (Map.Entry<String, Class<? extends Record>> result : StateMachineContractTest.RESULTS.entrySet()) {
            state.set(result.getKey(), Json.MAPPER.valueToTree(StateMachineContractTest.sample(result.getValue())));
        }
        for (JsonNode probe : java.util.List.of(Json.MAPPER.valueToTree(ProbeResult.answered(ProbeResult.IN_VPC)),
                Json.MAPPER.createObjectNode().put("ran", false).put("why", "ENI not ready"))) {
            state.set("probe", probe);
            JsonNode output = PayloadTemplate.evaluate(buildProbedOutput, state, Json.MAPPER.createObjectNode());

            ExecutionOutput read = ExecutionOutput.read(output);

            assertEquals(output, Json.MAPPER.valueToTree(read), "nothing lost or added on the way");
            assertEquals(probe, output.path("verification").path("probe"));
        }
        JsonNode unprobed = PayloadTemplate.evaluate(buildOutput, state, Json.MAPPER.createObjectNode());
        assertFalse(Json.MAPPER.valueToTree(ExecutionOutput.read(unprobed)).path("verification").has("probe"),
                "no probe, no key: the output of a run elsewhere is unchanged");
    }

    @Test
    void eachFieldHasTheTypeOfTheStepResultBuildOutputCopiesIntoIt() {
        assertSameTypes(ExecutionOutput.class, buildOutput);
    }

    /** Each path of {@code parameters} against the field of {@code type} it fills, nested objects against records. */
    private static void assertSameTypes(Class<?> type, JsonNode parameters) {
        parameters.fields().forEachRemaining(entry -> {
            String key = entry.getKey();
            if (!key.endsWith(".$")) {
                assertTrue(entry.getValue().isObject(), key + " is neither a path nor an object");
                assertSameTypes(component(type, key).getType(), entry.getValue());
                return;
            }
            String field = key.substring(0, key.length() - 2);
            Matcher path = RESULT_FIELD.matcher(entry.getValue().asText());
            assertTrue(path.matches(), key + ": " + entry.getValue().asText() + " is not $.<part>.<field>");
            Class<? extends Record> result = StateMachineContractTest.RESULTS.get(path.group(1));
            assertNotNull(result, "no step writes $." + path.group(1));
            assertEquals(component(result, path.group(2)).getGenericType(), component(type, field).getGenericType(),
                    type.getSimpleName() + "." + field + " against " + result.getSimpleName() + "." + path.group(2));
        });
    }

    @Test
    void whatBuildOutputMakesOfTheStepsResultsReadsBackAsTheRecord() {
        ObjectNode state = Json.MAPPER.createObjectNode();
        for (Map.Entry<String, Class<? extends Record>> result : StateMachineContractTest.RESULTS.entrySet()) {
            state.set(result.getKey(), Json.MAPPER.valueToTree(StateMachineContractTest.sample(result.getValue())));
        }
        JsonNode output = PayloadTemplate.evaluate(buildOutput, state, Json.MAPPER.createObjectNode());

        ExecutionOutput read = ExecutionOutput.read(output);

        output.fields().forEachRemaining(field -> assertFalse(field.getValue().isNull(), field.getKey()
                + " is null in the sample: a field lost on the way would not show"));
        assertEquals(output, Json.MAPPER.valueToTree(read), "nothing lost or added on the way");
    }
}
