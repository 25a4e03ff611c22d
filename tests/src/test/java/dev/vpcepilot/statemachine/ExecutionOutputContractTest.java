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

    /** Where ProbeDataPath, ProbeDidNotRun and ProbeNotHere write what the output's verification.probe copies. */
    private static final String PROBE_PATH = "$.probe";

    private static JsonNode buildOutput;

    @BeforeAll
    static void load() throws IOException {
        buildOutput = StateMachineContractTest.definition().path("States").path("BuildOutput").path("Parameters");
        assertTrue(buildOutput.isObject(), "BuildOutput has no Parameters");
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
        assertEquals(keys(buildOutput.path("verification")), fields(ExecutionOutput.Checks.class));
    }

    /** Every run says whether the probe ran: its answer, why it could not, or that no probe is in the run's VPC. */
    @Test
    void theProbesResultReadsBackInTheRecordWhetherItRanOrNot() {
        ObjectNode state = Json.MAPPER.createObjectNode();
        for (Map.Entry<String, java.util.List<Class<? extends Record>>> result
                : StateMachineContractTest.RESULTS.entrySet()) {
            // BuildOutput is a gateway endpoint's output: each part as the gateway path writes it (the first writer)
            state.set(result.getKey(), Json.MAPPER.valueToTree(StateMachineContractTest.sample(result.getValue()
                    .get(0))));
        }
        for (JsonNode probe : java.util.List.of(Json.MAPPER.valueToTree(ProbeResult.answered(ProbeResult.IN_VPC)),
                Json.MAPPER.createObjectNode().put("ran", false).put("why", "ENI not ready"),
                Json.MAPPER.createObjectNode().put("ran", false).put("why", "No probe ran: ..."))) {
            state.set("probe", probe);
            JsonNode output = PayloadTemplate.evaluate(buildOutput, state, Json.MAPPER.createObjectNode());

            ExecutionOutput read = ExecutionOutput.read(output);

            assertEquals(output, Json.MAPPER.valueToTree(read), "nothing lost or added on the way");
            assertEquals(probe, output.path("verification").path("probe"));
        }
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
            if (entry.getValue().asText().equals(PROBE_PATH)) {
                assertEquals(ProbeResult.class, component(type, field).getType(), "the probe's whole result");
                return;
            }
            Matcher path = RESULT_FIELD.matcher(entry.getValue().asText());
            assertTrue(path.matches(), key + ": " + entry.getValue().asText() + " is not $.<part>.<field>");
            assertNotNull(StateMachineContractTest.RESULTS.get(path.group(1)), "no step writes $." + path.group(1));
            Class<? extends Record> result = StateMachineContractTest.RESULTS.get(path.group(1)).get(0);
            assertEquals(component(result, path.group(2)).getGenericType(), component(type, field).getGenericType(),
                    type.getSimpleName() + "." + field + " against " + result.getSimpleName() + "." + path.group(2));
        });
    }

    @Test
    void whatBuildOutputMakesOfTheStepsResultsReadsBackAsTheRecord() {
        ObjectNode state = Json.MAPPER.createObjectNode();
        for (Map.Entry<String, java.util.List<Class<? extends Record>>> result
                : StateMachineContractTest.RESULTS.entrySet()) {
            // BuildOutput is a gateway endpoint's output: each part as the gateway path writes it (the first writer)
            state.set(result.getKey(), Json.MAPPER.valueToTree(StateMachineContractTest.sample(result.getValue()
                    .get(0))));
        }
        state.set("probe", Json.MAPPER.valueToTree(ProbeResult.answered(ProbeResult.IN_VPC)));
        JsonNode output = PayloadTemplate.evaluate(buildOutput, state, Json.MAPPER.createObjectNode());

        ExecutionOutput read = ExecutionOutput.read(output);

        output.fields().forEachRemaining(field -> assertFalse(field.getValue().isNull(), field.getKey()
                + " is null in the sample: a field lost on the way would not show"));
        assertEquals(output, Json.MAPPER.valueToTree(read), "nothing lost or added on the way");
    }
}
