package dev.vpcepilot.statemachine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.contract.ExecutionOutput;
import dev.vpcepilot.contract.InterfaceExecutionOutput;
import dev.vpcepilot.contract.InterfaceVerification;
import dev.vpcepilot.contract.ProbeResult;
import dev.vpcepilot.contract.Verification;
import dev.vpcepilot.json.Json;
import dev.vpcepilot.kit.level.Static;
import dev.vpcepilot.local.asl.PayloadTemplate;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The workflow's output as the hook reads it against what statemachine/vpc-endpoint.asl.json makes of it: a gateway
 * endpoint's ({@link ExecutionOutput}) in its BuildOutput state, an interface endpoint's
 * ({@link InterfaceExecutionOutput}) in BuildInterfaceOutput. For each, the same fields, each of the type of the step
 * result it copies, and the document the state makes from the steps' results reads back as the record, nothing lost
 * or added.
 */
@Static
class ExecutionOutputContractTest {

    /**
     * An output state, the record the hook reads it as, and which verification its steps wrote (a part is written by
     * the gateway path's step unless the record's type says otherwise).
     */
    enum Output {
        GATEWAY("BuildOutput", ExecutionOutput.class, ExecutionOutput.Checks.class, Verification.class),
        INTERFACE("BuildInterfaceOutput", InterfaceExecutionOutput.class, InterfaceExecutionOutput.Checks.class,
                InterfaceVerification.class);

        final String state;
        final Class<? extends Record> record;
        final Class<? extends Record> checks;
        final Class<? extends Record> verification;

        Output(String state, Class<? extends Record> record, Class<? extends Record> checks,
               Class<? extends Record> verification) {
            this.state = state;
            this.record = record;
            this.checks = checks;
            this.verification = verification;
        }

        JsonNode parameters() {
            return definition.path("States").path(state).path("Parameters");
        }

        /** The result a step wrote at {@code $.<part>} on this output's path. */
        Class<? extends Record> result(String part) {
            List<Class<? extends Record>> writers = StateMachineContractTest.RESULTS.get(part);
            return writers.contains(verification) ? verification : writers.get(0);
        }

        Record read(JsonNode output) {
            return this == GATEWAY ? ExecutionOutput.read(output) : InterfaceExecutionOutput.read(output);
        }

        /** The state as the steps of this output's path leave it, with the probe's result. */
        ObjectNode state(JsonNode probe) {
            ObjectNode state = Json.MAPPER.createObjectNode();
            for (String part : StateMachineContractTest.RESULTS.keySet()) {
                state.set(part, Json.MAPPER.valueToTree(StateMachineContractTest.sample(result(part))));
            }
            state.set("probe", probe);
            return state;
        }
    }

    /** {@code $.<part>.<field>}: a field of the result a step wrote at {@code $.<part>}. */
    private static final Pattern RESULT_FIELD = Pattern.compile("\\$\\.([A-Za-z]+)\\.([A-Za-z]+)");

    /** Where ProbeDataPath, ProbeDidNotRun and ProbeNotHere write what the output's verification.probe copies. */
    private static final String PROBE_PATH = "$.probe";

    private static JsonNode definition;

    @BeforeAll
    static void load() throws IOException {
        definition = StateMachineContractTest.definition();
        for (Output output : Output.values()) {
            assertTrue(output.parameters().isObject(), output.state + " has no Parameters");
        }
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

    @ParameterizedTest
    @EnumSource(Output.class)
    void theRecordHasExactlyTheFieldsTheStateWrites(Output output) {
        assertEquals(keys(output.parameters()), fields(output.record));
        assertEquals(keys(output.parameters().path("verification")), fields(output.checks));
    }

    /** Every run says whether the probe ran: its answer, why it could not, or that no probe is in the run's VPC. */
    @ParameterizedTest
    @EnumSource(Output.class)
    void theProbesResultReadsBackInTheRecordWhetherItRanOrNot(Output type) {
        for (JsonNode probe : List.of(Json.MAPPER.valueToTree(ProbeResult.answered(ProbeResult.IN_VPC)),
                Json.MAPPER.createObjectNode().put("ran", false).put("why", "ENI not ready"),
                Json.MAPPER.createObjectNode().put("ran", false).put("why", "No probe ran: ..."))) {
            JsonNode output = PayloadTemplate.evaluate(type.parameters(), type.state(probe),
                    Json.MAPPER.createObjectNode());

            Record read = type.read(output);

            assertEquals(output, Json.MAPPER.valueToTree(read), "nothing lost or added on the way");
            assertEquals(probe, output.path("verification").path("probe"));
        }
    }

    @ParameterizedTest
    @EnumSource(Output.class)
    void eachFieldHasTheTypeOfTheStepResultTheStateCopiesIntoIt(Output output) {
        assertSameTypes(output, output.record, output.parameters());
    }

    /** Each path of {@code parameters} against the field of {@code type} it fills, nested objects against records. */
    private static void assertSameTypes(Output output, Class<?> type, JsonNode parameters) {
        parameters.fields().forEachRemaining(entry -> {
            String key = entry.getKey();
            if (!key.endsWith(".$")) {
                assertTrue(entry.getValue().isObject(), key + " is neither a path nor an object");
                assertSameTypes(output, component(type, key).getType(), entry.getValue());
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
            Class<? extends Record> result = output.result(path.group(1));
            assertEquals(component(result, path.group(2)).getGenericType(), component(type, field).getGenericType(),
                    type.getSimpleName() + "." + field + " against " + result.getSimpleName() + "." + path.group(2));
        });
    }

    @ParameterizedTest
    @EnumSource(Output.class)
    void whatTheStateMakesOfTheStepsResultsReadsBackAsTheRecord(Output type) {
        JsonNode output = PayloadTemplate.evaluate(type.parameters(), type.state(Json.MAPPER.valueToTree(
                ProbeResult.answered(ProbeResult.IN_VPC))), Json.MAPPER.createObjectNode());

        Record read = type.read(output);

        output.fields().forEachRemaining(field -> assertFalse(field.getValue().isNull(), field.getKey()
                + " is null in the sample: a field lost on the way would not show"));
        assertEquals(output, Json.MAPPER.valueToTree(read), "nothing lost or added on the way");
    }
}
