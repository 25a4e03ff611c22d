package dev.vpcepilot.handlers;

import dev.vpcepilot.aws.ClientPrimer;
import dev.vpcepilot.contract.FailureReport;
import dev.vpcepilot.contract.InputValidator;
import dev.vpcepilot.contract.InterfacePlacement;
import dev.vpcepilot.contract.InterfaceVerification;
import dev.vpcepilot.contract.ResolvedVpc;
import dev.vpcepilot.contract.ValidatedRequest;
import dev.vpcepilot.contract.Verification;
import dev.vpcepilot.datapath.DataPathEvaluator;
import dev.vpcepilot.datapath.NetworkFacts;
import dev.vpcepilot.datapath.RoutingView;
import dev.vpcepilot.datapath.SubnetVerdict;
import dev.vpcepilot.hook.AnswerDelivery;
import dev.vpcepilot.hook.CustomResourceRequest;
import dev.vpcepilot.hook.HookAnswer;
import dev.vpcepilot.hook.ResourceProperties;
import dev.vpcepilot.json.Json;
import dev.vpcepilot.logging.FunctionLog;
import dev.vpcepilot.sharing.ClaimsDocument;
import dev.vpcepilot.sharing.Claimant;
import dev.vpcepilot.sharing.ObservedEndpoint;
import dev.vpcepilot.sharing.PolicyWish;
import dev.vpcepilot.sharing.Scope;
import dev.vpcepilot.sharing.ServingState;
import dev.vpcepilot.sharing.SharedEndpoints;
import dev.vpcepilot.sharing.SharingRules;
import dev.vpcepilot.sharing.VpcObservation;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.Map;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart's {@code beforeCheckpoint}: loads, before the snapshot, what the first invocation would otherwise
 * load: Jackson's handling of every step's records and of the custom-resource request and answer, the input
 * validator, and every AWS call's marshalling and signing path (through {@link ClientPrimer}, which never reaches
 * AWS). Registered once per container.
 */
final class SnapStartPriming implements Resource {

    /** CRaC holds resources weakly: this reference keeps the registration alive. */
    private static final SnapStartPriming INSTANCE = new SnapStartPriming();

    private SnapStartPriming() {
    }

    static void register() {
        Core.getGlobalContext().register(INSTANCE);
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        String region = System.getenv().getOrDefault("AWS_REGION", "us-east-1");
        FunctionLog log = FunctionLog.lambda();
        ClientPrimer.quietly(log::warn, () -> ClientPrimer.prime(region));
        ClientPrimer.quietly(log::warn, SnapStartPriming::primeJson);
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to refresh: clients resolve credentials per call, and nothing time-based was cached.
    }

    static void primeJson() {
        try {
            new InputValidator("us-east-1").validate(Json.MAPPER.readTree(
                    "{\"vpcId\":\"vpc-0123456789abcdef0\",\"routeTableIds\":[\"rtb-0123456789abcdef0\"],"
                            + "\"tags\":{\"k\":\"v\"},\"cleanup\":false,"
                            + "\"policyDocument\":{\"Statement\":[{\"Effect\":\"Allow\"}]}}"));
            roundTrip(new ValidatedRequest("us-east-1", "com.amazonaws.us-east-1.dynamodb", "Gateway", null, null,
                    null, Map.of(), false, false, new InputValidator.CustomResource("s", "l"), false),
                    ValidatedRequest.class);
            List<NetworkFacts.RouteTable> tables = List.of(new NetworkFacts.RouteTable("rtb-00000000", true,
                    List.of("subnet-00000000"), List.of(new NetworkFacts.Route(null, "pl-00000000", "vpce-00000000",
                    "active", false))));
            roundTrip(new ResolvedVpc("vpc-00000000", true, List.of("rtb-00000000"), tables), ResolvedVpc.class);
            ServingState serving = ServingState.of(List.of(new ServingState.Endpoint("vpce-00000000", true, true,
                    true, "available", List.of("rtb-00000000"), "2026-01-01T00:00:00Z")), Map.of());
            roundTrip(serving, ServingState.class);
            roundTrip(new Verification(true, true, "pl-00000000", "vpce-00000000", true,
                    List.of(new SharedEndpoints.EndpointReport("vpce-00000000", true, true, List.of("rtb-00000000"))),
                    List.of("standing"), List.of("rtb-00000000"), 0, true, List.of(new SubnetVerdict("subnet-00000000",
                    "rtb-00000000", SubnetVerdict.Verdict.REACHABLE, "d"))), Verification.class);
            DataPathEvaluator.evaluate(new NetworkFacts(List.of("subnet-00000000"), List.of(new NetworkFacts.RouteTable(
                    "rtb-00000000", true, List.of(), List.of(new NetworkFacts.Route(null, "pl-00000000",
                    "vpce-00000000", "active", false)))), List.of(new NetworkFacts.NetworkAcl("acl-00000000", true,
                    List.of(), List.of(new NetworkFacts.AclEntry(100, true, "-1", null, null, "0.0.0.0/0", true)))),
                    "pl-00000000", List.of("52.94.0.0/22"), List.of(new NetworkFacts.Endpoint("vpce-00000000",
                    "available", List.of("rtb-00000000")))));
            roundTrip(new FailureReport("InvalidInput", "cause", List.of()), FailureReport.class);
            roundTrip(new CreateEndpointHandler.Input("s", "vpc-00000000", List.of(), null, Map.of(), false, null,
                    "e", tables, null, null, null, null), CreateEndpointHandler.Input.class);
            // An interface endpoint's placement, and what its verification reports
            InterfacePlacement placement = new InterfacePlacement(List.of("subnet-00000000"),
                    Map.of("subnet-00000000", "us-east-1a"), List.of("10.0.0.0/16"));
            roundTrip(new ResolvedVpc("vpc-00000000", false, List.of(), null, placement), ResolvedVpc.class);
            roundTrip(new VerifyInterfaceEndpointHandler.Input("s", "vpc-00000000", placement, false, null, "e",
                    serving), VerifyInterfaceEndpointHandler.Input.class);
            InterfaceVerification.DnsNames names = new InterfaceVerification.DnsNames("vpce-0-0.d", List.of("z"));
            roundTrip(new InterfaceVerification(true, true, true, 0, "vpce-00000000", true, List.of(
                    new InterfaceVerification.Endpoint("vpce-00000000", true, true, List.of("subnet-00000000"),
                            List.of("sg-00000000"), names, "https://vpce-0-0.d")), List.of("standing"),
                    List.of("subnet-00000000"), List.of("sg-00000000"), List.of("eni-00000000"), names,
                    "https://vpce-0-0.d", "https://vpce-0-0.d"), InterfaceVerification.class);
            roundTrip(new DataPathProbeHandler.Input("vpc-00000000", "https://vpce-0-0.d"),
                    DataPathProbeHandler.Input.class);
            // Rules 16 and 17: what the create step proved travels to the verification.
            SharedEndpoints.Committed found = new SharedEndpoints.Committed(new SharingRules.Coverage(
                    Map.of("rtb-00000000", "vpce-00000000"), Map.of("rtb-00000000", "pl-00000000"), List.of()),
                    List.of("standing"), List.of(new SharedEndpoints.EndpointReport("vpce-00000000", true, true,
                    List.of("rtb-00000000"))), new RoutingView(List.of(new NetworkFacts.RouteTable("rtb-00000000",
                    true, List.of(), List.of(new NetworkFacts.Route(null, "pl-00000000", "vpce-00000000", "active",
                    false)))), List.of(new NetworkFacts.Endpoint("vpce-00000000", "available",
                    List.of("rtb-00000000")))));
            roundTrip(ServingState.verified(serving.endpoints(), Map.of(), Map.of(), found, 0), ServingState.class);
            roundTrip(new VerifyEndpointHandler.Input("s", "vpc-00000000", List.of(), false, null, "e", false, found,
                    0),
                    VerifyEndpointHandler.Input.class);
            roundTrip(new ResolveVpcHandler.Input(null, null, null, null, null, null), ResolveVpcHandler.Input.class);
            roundTrip(new CleanupHandler.Input("s", "vpc-00000000", "e", serving, null), CleanupHandler.Input.class);
            roundTrip(new ReleaseHandler.Input("s", "vpc-00000000", List.of(), "e", null, null, null), ReleaseHandler.Input.class);
            primeSharingRules();
            primeFleet();
            CustomResourceRequest request = CustomResourceRequest.from(Json.MAPPER.readTree(
                    "{\"RequestType\":\"Create\",\"RequestId\":\"r\",\"ResponseURL\":\"https://priming.invalid/\","
                            + "\"StackId\":\"s\",\"LogicalResourceId\":\"l\",\"ResourceType\":\"Custom::T\","
                            + "\"ResourceProperties\":{\"ServiceToken\":\"t\",\"Tags\":{\"k\":\"v\"}}}"));
            ResourceProperties.toExecutionInput(request.resourceProperties());
            AnswerDelivery.body(request, HookAnswer.success("vpce-00000000", "priming", Map.of("VpcId", "vpc-0")));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("JSON priming failed", e);
        }
    }

    /** Runs the sharing rules once on a made-up VPC, and the claims document through JSON. */
    private static void primeSharingRules() throws java.io.IOException {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        Scope scope = new Scope("000000000000", "us-east-1", "vpc-00000000", "com.amazonaws.us-east-1.dynamodb");
        VpcObservation world = new VpcObservation(List.of(new ObservedEndpoint("vpce-00000000", "available", true,
                List.of("rtb-00000000"), null, Map.of(), "e", now)),
                Map.of("rtb-00000000", new VpcObservation.Route("pl-00000000", "vpce-00000000")),
                Set.of("rtb-00000000", "rtb-00000001"));
        ClaimsDocument claims = ClaimsDocument.empty().withClaim(Claimant.STANDING,
                ClaimsDocument.Claim.of(List.of("rtb-00000000"), "e", now, now));
        SharingRules.planEnsure(world, claims, new SharingRules.Request(scope, Claimant.STANDING, "e",
                List.of("rtb-00000000", "rtb-00000001"), PolicyWish.NONE, Map.of()), now);
        SharingRules.coverage(world, List.of("rtb-00000000"));
        SharingRules.planRelease(world, claims.withoutClaim(Claimant.STANDING),
                SharingRules.Releaser.claimant(Set.of("rtb-00000000")), now);
        roundTrip(claims, ClaimsDocument.class);
    }

    /** The fleet's input validation and the records its steps pass on. */
    private static void primeFleet() throws java.io.IOException {
        dev.vpcepilot.fleet.FleetRequest request = new dev.vpcepilot.fleet.FleetInputValidator("us-east-1")
                .validate(Json.MAPPER.readTree("{\"accounts\":[\"000000000000\"],\"regions\":[\"us-east-1\"],"
                        + "\"vpcs\":{\"tags\":{\"k\":\"v\"}},\"mode\":\"apply\",\"maxConcurrency\":1,"
                        + "\"toleratedFailurePercentage\":0}"));
        dev.vpcepilot.fleet.TargetRequest target = dev.vpcepilot.fleet.TargetRequest.of(request);
        dev.vpcepilot.fleet.ReportLine line = new dev.vpcepilot.fleet.ReportLine("000000000000", "us-east-1",
                "vpc-00000000", "compliant", List.of(dev.vpcepilot.fleet.ReportLine.EndpointLine.gateway("vpce-00000000",
                true, List.of("rtb-00000000"))), new dev.vpcepilot.fleet.ReportLine.RouteTables(List.of("rtb-00000000"),
                List.of("rtb-00000000"), List.of()), new dev.vpcepilot.fleet.ReportLine.Subnets(1, List.of(
                new dev.vpcepilot.fleet.ReportLine.Unreachable("subnet-00000000", "nacl-egress", "d"))), List.of(),
                null);
        dev.vpcepilot.fleet.SurveyResult survey = new dev.vpcepilot.fleet.SurveyResult("000000000000", "us-east-1",
                List.of(line), List.of(new dev.vpcepilot.fleet.VpcWork("vpc-00000000", List.of("rtb-00000000"), true)));
        dev.vpcepilot.fleet.Target where = new dev.vpcepilot.fleet.Target("000000000000", "us-east-1", null);
        roundTrip(new FleetSurveyHandler.Input(where, target, "e"), FleetSurveyHandler.Input.class);
        roundTrip(new FleetApplyHandler.Input(where, target, survey, "e"), FleetApplyHandler.Input.class);
        roundTrip(new FleetCommitHandler.Input(where, target, survey, "e"), FleetCommitHandler.Input.class);
        roundTrip(new FleetReportHandler.Input("m", "r", target, 0), FleetReportHandler.Input.class);
        roundTrip(survey, dev.vpcepilot.fleet.SurveyResult.class);
        dev.vpcepilot.fleet.FleetMetrics.document(dev.vpcepilot.fleet.FleetMode.VERIFY,
                dev.vpcepilot.fleet.FleetSummary.of(List.of(line)), Instant.now());
    }

    private static <T> void roundTrip(T value, Class<T> type) throws java.io.IOException {
        Json.MAPPER.readValue(Json.MAPPER.writeValueAsBytes(value), type);
    }
}
