package dev.vpcepilot.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpcepilot.fleet.FleetMetrics;
import dev.vpcepilot.fleet.FleetMode;
import dev.vpcepilot.fleet.FleetSummary;
import dev.vpcepilot.fleet.ReportLine;
import dev.vpcepilot.kit.level.Static;
import dev.vpcepilot.local.TestProject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operations part of template.yaml (README "Operate it"), read as CloudFormation would deploy it: after the SAM
 * transform, with the parameters a user gives ({@code scripts/sam-transform.py --parameter}). Without AlarmEmail and
 * AlarmTopicArn there is no alarm, topic or subscription; with either, every alarm watches the metric it names and
 * notifies the topic; the dashboard's widgets chart metrics the stack's resources and the fleet's EMF document really
 * emit (the fleet's names are read from {@link FleetMetrics}, not copied).
 */
@Static
class OperationsTemplateTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EMAIL = "ops@example.com";
    private static final String TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:platform-alerts";
    private static final Set<String> OPERATIONS_TYPES = Set.of("AWS::CloudWatch::Alarm", "AWS::SNS::Topic",
            "AWS::SNS::Subscription");
    /** Step Functions' execution metrics (namespace AWS/States, dimension StateMachineArn), as AWS lists them. */
    private static final Set<String> STATES_METRICS = Set.of("ExecutionsStarted", "ExecutionsSucceeded",
            "ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted", "ExecutionThrottled", "ExecutionTime");
    /** Lambda's function metrics this dashboard may chart (namespace AWS/Lambda, dimension FunctionName). */
    private static final Set<String> LAMBDA_METRICS = Set.of("Invocations", "Errors", "Duration", "Throttles");
    /** The fleet statuses that need someone when a verify finds them (the data path's Blocked, where it exists). */
    private static final Set<String> ALERTING_STATUSES = Set.of("DRIFTED", "FAILED", "BLOCKED");
    private static final Pattern SUBSTITUTION = Pattern.compile("\\$\\{([^}]+)}");

    private static Path root;
    private static String templateText;
    private static SamTransform sam;
    private static JsonNode byDefault;
    private static JsonNode withEmail;
    private static JsonNode withTopic;

    @BeforeAll
    static void deploy() throws IOException {
        root = TestProject.root();
        templateText = Files.readString(root.resolve("template.yaml"), StandardCharsets.UTF_8);
        sam = new SamTransform(root);
        byDefault = sam.deployed(templateText, Map.of("ScheduleState", "DISABLED"));
        withEmail = sam.deployed(templateText, Map.of("AlarmEmail", EMAIL));
        withTopic = sam.deployed(templateText, Map.of("AlarmTopicArn", TOPIC_ARN));
    }

    @Test
    void withoutAnAlarmTargetThereIsNoAlarmTopicOrSubscription() {
        assertEquals(List.of(), ofTypes(byDefault, OPERATIONS_TYPES));
        assertFalse(byDefault.path("Outputs").has("AlarmTopicArn"));
        assertEquals(1, ofTypes(byDefault, Set.of("AWS::CloudWatch::Dashboard")).size(), "the dashboard is always there");
    }

    @Test
    void anAlarmEmailCreatesATopicWithThatEmailSubscriptionThatEveryAlarmNotifies() {
        List<String> topics = ofTypes(withEmail, Set.of("AWS::SNS::Topic"));
        assertEquals(1, topics.size());
        String topic = topics.get(0);
        List<String> subscriptions = ofTypes(withEmail, Set.of("AWS::SNS::Subscription"));
        assertEquals(1, subscriptions.size());
        JsonNode subscription = resource(withEmail, subscriptions.get(0)).path("Properties");
        assertEquals("email", subscription.path("Protocol").asText());
        assertEquals(EMAIL, subscription.path("Endpoint").asText());
        assertEquals(ref(topic), subscription.path("TopicArn"));
        for (String alarm : ofTypes(withEmail, Set.of("AWS::CloudWatch::Alarm"))) {
            assertEquals(JSON.createArrayNode().add(ref(topic)),
                    resource(withEmail, alarm).path("Properties").path("AlarmActions"), alarm);
        }
        assertEquals(ref(topic), withEmail.path("Outputs").path("AlarmTopicArn").path("Value"));
    }

    @Test
    void anExistingTopicIsNotifiedAndNoTopicIsCreated() {
        assertEquals(List.of(), ofTypes(withTopic, Set.of("AWS::SNS::Topic", "AWS::SNS::Subscription")));
        List<String> alarms = ofTypes(withTopic, Set.of("AWS::CloudWatch::Alarm"));
        assertEquals(ofTypes(withEmail, Set.of("AWS::CloudWatch::Alarm")), alarms, "the same alarms either way");
        for (String alarm : alarms) {
            assertEquals(JSON.createArrayNode().add(TOPIC_ARN),
                    resource(withTopic, alarm).path("Properties").path("AlarmActions"), alarm);
        }
    }

    @Test
    void bothTargetsAtOnceOrAMalformedOneAreRefusedSayingWhatIsAllowed() {
        IllegalStateException both = assertThrows(IllegalStateException.class, () -> sam.deployed(templateText,
                Map.of("AlarmEmail", EMAIL, "AlarmTopicArn", TOPIC_ARN)));
        assertTrue(both.getMessage().contains("Set AlarmEmail") && both.getMessage().contains("not both"),
                both.getMessage());
        IllegalStateException email = assertThrows(IllegalStateException.class,
                () -> sam.deployed(templateText, Map.of("AlarmEmail", "ops-at-example")));
        assertTrue(email.getMessage().contains("AlarmEmail") && email.getMessage().contains("email address"),
                email.getMessage());
        IllegalStateException topic = assertThrows(IllegalStateException.class,
                () -> sam.deployed(templateText, Map.of("AlarmTopicArn", "platform-alerts")));
        assertTrue(topic.getMessage().contains("AlarmTopicArn") && topic.getMessage().contains("SNS topic ARN"),
                topic.getMessage());
    }

    @Test
    void everyAlarmWatchesWhatItShouldFiresOnOneDatapointInFiveMinutesAndTreatsMissingDataAsFine() {
        Map<String, String> expected = new TreeMap<>();
        for (String machine : ofTypes(withEmail, Set.of("AWS::StepFunctions::StateMachine"))) {
            for (String metric : List.of("ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted")) {
                expected.put(watch("AWS/States", metric, Map.of("StateMachineArn", ref(machine).toString())),
                        machine);
            }
        }
        assertEquals(6, expected.size(), "two state machines, three metrics each: " + expected);
        for (ReportLine.Status status : ReportLine.Status.values()) {
            if (ALERTING_STATUSES.contains(status.name())) {
                expected.put(watch(FleetMetrics.NAMESPACE, FleetMetrics.metricName(status),
                        Map.of("Mode", "\"" + FleetMode.VERIFY.wireName() + "\"")), "fleet");
            }
        }
        String hook = functionWithHandler(withEmail, "CloudFormationHookHandler");
        expected.put(watch("AWS/Lambda", "Errors", Map.of("FunctionName", ref(hook).toString())), hook);

        Map<String, String> actual = new TreeMap<>();
        for (String name : ofTypes(withEmail, Set.of("AWS::CloudWatch::Alarm"))) {
            JsonNode alarm = resource(withEmail, name).path("Properties");
            Map<String, String> dimensions = new TreeMap<>();
            alarm.path("Dimensions").forEach(d -> dimensions.put(d.path("Name").asText(), d.path("Value").toString()));
            actual.put(watch(alarm.path("Namespace").asText(), alarm.path("MetricName").asText(), dimensions), name);
            assertEquals("Sum", alarm.path("Statistic").asText(), name);
            assertEquals(300, alarm.path("Period").asInt(), name);
            assertEquals(1, alarm.path("EvaluationPeriods").asInt(), name);
            assertEquals(1, alarm.path("DatapointsToAlarm").asInt(), name);
            assertEquals(0.0, alarm.path("Threshold").asDouble(), name);
            assertEquals("GreaterThanThreshold", alarm.path("ComparisonOperator").asText(), name);
            assertEquals("notBreaching", alarm.path("TreatMissingData").asText(), name);
            String description = alarm.path("AlarmDescription").asText();
            assertTrue(description.contains("First:") && description.contains("README \"Operate it\""),
                    name + " says what it means and what to run first: " + description);
        }
        assertEquals(expected.keySet(), actual.keySet());
    }

    @Test
    void theReadmeExplainsEveryAlarm() throws IOException {
        String readme = Files.readString(root.resolve("README.md"), StandardCharsets.UTF_8);
        int operate = readme.indexOf("## Operate it");
        assertTrue(operate >= 0, "README has a section \"Operate it\"");
        String section = readme.substring(operate, nextHeading(readme, operate));
        for (String alarm : ofTypes(withEmail, Set.of("AWS::CloudWatch::Alarm"))) {
            assertTrue(section.contains(alarm), "README \"Operate it\" explains " + alarm);
        }
        assertTrue(section.contains("AlarmEmail") && section.contains("AlarmTopicArn"));
    }

    @Test
    void theDashboardChartsOnlyMetricsThatTheStackAndTheFleetEmit() throws IOException {
        List<String> dashboards = ofTypes(byDefault, Set.of("AWS::CloudWatch::Dashboard"));
        JsonNode body = dashboardBody(resource(byDefault, dashboards.get(0)).path("Properties").path("DashboardBody"));
        Set<String> machines = new HashSet<>(ofTypes(byDefault, Set.of("AWS::StepFunctions::StateMachine")));
        Set<String> functions = new TreeSet<>(ofTypes(byDefault, Set.of("AWS::Lambda::Function")));
        Map<FleetMode, Set<String>> fleetNames = new LinkedHashMap<>();
        for (FleetMode mode : FleetMode.values()) {
            JsonNode emf = FleetMetrics.document(mode, FleetSummary.of(List.of()), Instant.EPOCH);
            Set<String> names = new TreeSet<>();
            emf.path("_aws").path("CloudWatchMetrics").get(0).path("Metrics")
                    .forEach(m -> names.add(m.path("Name").asText()));
            names.forEach(n -> assertTrue(emf.has(n), "the EMF document carries a value for " + n));
            fleetNames.put(mode, names);
        }

        Set<String> charted = new TreeSet<>();
        Map<String, Set<String>> durationStats = new TreeMap<>();
        for (JsonNode widget : body.path("widgets")) {
            assertTrue(widget.path("x").asInt() + widget.path("width").asInt() <= 24, "inside the 24-column grid");
            if (!widget.path("type").asText().equals("metric")) {
                continue;
            }
            JsonNode properties = widget.path("properties");
            assertEquals("${AWS::Region}", properties.path("region").asText(), "charts the stack's own region");
            for (JsonNode line : properties.path("metrics")) {
                String namespace = line.get(0).asText();
                String metric = line.get(1).asText();
                String dimension = line.get(2).asText();
                String value = line.get(3).asText();
                JsonNode options = line.size() > 4 ? line.get(4) : JSON.createObjectNode();
                String stat = options.path("stat").asText(properties.path("stat").asText());
                switch (namespace) {
                    case "AWS/States" -> {
                        assertTrue(STATES_METRICS.contains(metric), metric);
                        assertEquals("StateMachineArn", dimension);
                        assertTrue(machines.contains(substituted(value)), value + " is a state machine of the stack");
                    }
                    case "AWS/Lambda" -> {
                        assertTrue(LAMBDA_METRICS.contains(metric), metric);
                        assertEquals("FunctionName", dimension);
                        assertTrue(functions.contains(substituted(value)), value + " is a function of the stack");
                        if (metric.equals("Duration")) {
                            durationStats.computeIfAbsent(substituted(value), f -> new TreeSet<>()).add(stat);
                        }
                    }
                    case FleetMetrics.NAMESPACE -> {
                        assertEquals("Mode", dimension);
                        FleetMode mode = FleetMode.of(value);
                        assertTrue(fleetNames.get(mode).contains(metric),
                                metric + " is emitted by the fleet's EMF document for mode " + value);
                    }
                    default -> throw new AssertionError("a metric of an unexpected namespace: " + line);
                }
                charted.add(namespace + " " + metric + " "
                        + (namespace.equals(FleetMetrics.NAMESPACE) ? value : substituted(value)));
            }
        }
        for (String machine : machines) {
            for (String metric : List.of("ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed")) {
                assertTrue(charted.contains("AWS/States " + metric + " " + machine), metric + " of " + machine);
            }
        }
        String hook = functionWithHandler(byDefault, "CloudFormationHookHandler");
        assertTrue(charted.contains("AWS/Lambda Invocations " + hook) && charted.contains("AWS/Lambda Errors " + hook));
        for (ReportLine.Status status : ReportLine.Status.values()) {
            if (ALERTING_STATUSES.contains(status.name())) {
                assertTrue(charted.contains(FleetMetrics.NAMESPACE + " " + FleetMetrics.metricName(status) + " verify"),
                        "the verify widget shows " + status);
            }
        }
        Map<String, Set<String>> everyFunction = new TreeMap<>();
        functions.forEach(f -> everyFunction.put(f, Set.of("p50", "p99")));
        assertEquals(everyFunction, durationStats, "p50 and p99 duration of each function");
    }

    // ---- reading the deployed template ----

    private static List<String> ofTypes(JsonNode template, Set<String> types) {
        List<String> names = new ArrayList<>();
        template.path("Resources").fields().forEachRemaining(e -> {
            if (types.contains(e.getValue().path("Type").asText())) {
                names.add(e.getKey());
            }
        });
        names.sort(null);
        return names;
    }

    private static JsonNode resource(JsonNode template, String name) {
        return template.path("Resources").path(name);
    }

    private static JsonNode ref(String name) {
        return JSON.createObjectNode().put("Ref", name);
    }

    private static String functionWithHandler(JsonNode template, String handlerClass) {
        return ofTypes(template, Set.of("AWS::Lambda::Function")).stream()
                .filter(f -> resource(template, f).path("Properties").path("Handler").asText().contains(handlerClass))
                .findFirst().orElseThrow(() -> new AssertionError("no function runs " + handlerClass));
    }

    private static String watch(String namespace, String metric, Map<String, String> dimensions) {
        return namespace + " " + metric + " " + new TreeMap<>(dimensions);
    }

    /**
     * The dashboard's JSON with each {@code ${Name}} kept as written (a JSON string holds it as is), after checking
     * that every name it substitutes is a resource of the stack or a pseudo parameter.
     */
    private static JsonNode dashboardBody(JsonNode body) throws IOException {
        String text = body.path("Fn::Sub").asText();
        assertFalse(text.isEmpty(), "DashboardBody is one Fn::Sub string: " + body);
        Matcher names = SUBSTITUTION.matcher(text);
        while (names.find()) {
            String name = names.group(1);
            assertTrue(name.startsWith("AWS::") || byDefault.path("Resources").has(name),
                    "${" + name + "} names a resource of the stack");
        }
        return JSON.readTree(text);
    }

    /** {@code ${Name}} -> Name (a dimension value the stack substitutes with the resource's Ref). */
    private static String substituted(String value) {
        Matcher matcher = SUBSTITUTION.matcher(value);
        assertTrue(matcher.matches(), value + " is substituted by CloudFormation, not written out");
        return matcher.group(1);
    }

    private static int nextHeading(String text, int from) {
        int next = text.indexOf("\n## ", from + 1);
        return next < 0 ? text.length() : next;
    }
}
