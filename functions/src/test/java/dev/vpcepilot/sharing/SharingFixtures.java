package dev.vpcepilot.sharing;


import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Small hand-built values of the sharing package: endpoints as EC2 shows them, a VPC, claims, requests. Every
 * builder starts from the plainest value (an available endpoint of ours with no policy, no tags, no record) so that
 * a test states only what its rule is about.
 */
final class SharingFixtures {

    static final String ACCOUNT = "123456789012";
    static final String REGION = "us-east-1";
    static final String VPC = "vpc-0123456789abcdef0";
    static final String SERVICE = "com.amazonaws.us-east-1.dynamodb";
    static final Scope SCOPE = new Scope(ACCOUNT, REGION, VPC, SERVICE);
    static final String PL = "pl-02cd2c6b";

    static final String RTB_A = "rtb-0000000000000000a";
    static final String RTB_B = "rtb-0000000000000000b";
    static final String RTB_C = "rtb-0000000000000000c";
    static final String RTB_D = "rtb-0000000000000000d";

    /** The execution doing the work in a test. */
    static final String EXEC = "arn:aws:states:us-east-1:123456789012:execution:vpce-pilot:run-1";
    /** An earlier execution, which made the owned endpoints a run finds. */
    static final String OTHER_EXEC = "arn:aws:states:us-east-1:123456789012:execution:vpce-pilot:run-0";
    static final String STACK_X_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/x/1111";
    static final String STACK_Y_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/y/2222";
    static final Claimant.Stack STACK_X = Claimant.stack(STACK_X_ID, "Endpoint");
    static final Claimant.Stack STACK_Y = Claimant.stack(STACK_Y_ID, "Endpoint");

    static final Instant NOW = Instant.parse("2026-01-10T10:15:00Z");
    static final Instant LONG_AGO = NOW.minus(Duration.ofDays(30));

    /** A restrictive policy: only one table. */
    static final String POLICY_P1 = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"dynamodb:GetItem",\
            "Resource":"arn:aws:dynamodb:us-east-1:123456789012:table/one"}]}""";
    /** Another restrictive policy. */
    static final String POLICY_P2 = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"dynamodb:PutItem",\
            "Resource":"arn:aws:dynamodb:us-east-1:123456789012:table/two"}]}""";
    /** AWS's default endpoint policy as EC2 shows it. */
    static final String AWS_DEFAULT = """
            {"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}""";

    private SharingFixtures() {
    }

    /** An available endpoint of ours, made by {@link #OTHER_EXEC} long ago, with no policy and no user tags. */
    static Ep ours(String id, String... routeTableIds) {
        return new Ep(id, true, routeTableIds);
    }

    /** An available endpoint someone else made (no ownership tag). */
    static Ep foreign(String id, String... routeTableIds) {
        return new Ep(id, false, routeTableIds).by(null);
    }

    /** An endpoint under construction. */
    static final class Ep {
        private final String id;
        private final boolean owned;
        private final List<String> routeTableIds;
        private String state = "available";
        private String policy;
        private Map<String, String> tags = Map.of();
        private String createdBy = OTHER_EXEC;
        private Instant created = LONG_AGO;

        private Ep(String id, boolean owned, String... routeTableIds) {
            this.id = id;
            this.owned = owned;
            this.routeTableIds = List.of(routeTableIds);
        }

        Ep state(String value) {
            state = value;
            return this;
        }

        Ep policy(String value) {
            policy = value;
            return this;
        }

        Ep tags(Map<String, String> value) {
            tags = value;
            return this;
        }

        Ep by(String executionArn) {
            createdBy = executionArn;
            return this;
        }

        Ep created(Instant value) {
            created = value;
            return this;
        }

        ObservedEndpoint build() {
            return new ObservedEndpoint(id, state, owned, routeTableIds, policy, tags, createdBy, created);
        }
    }

    /** A VPC under construction: its endpoints and which table routes the prefix list to which endpoint. */
    static World world() {
        return new World();
    }

    static final class World {
        private final List<ObservedEndpoint> endpoints = new ArrayList<>();
        private final Map<String, VpcObservation.Route> routes = new LinkedHashMap<>();
        private final Set<String> tables = new HashSet<>(List.of(RTB_A, RTB_B, RTB_C, RTB_D));

        /** Adds the endpoint, and a route to it in each of its route tables. */
        World routed(Ep endpoint) {
            ObservedEndpoint built = endpoint.build();
            endpoints.add(built);
            built.routeTableIds().forEach(t -> routes.put(t, new VpcObservation.Route(PL, built.vpcEndpointId())));
            return this;
        }

        /** Adds the endpoint without any route (pending, or its routes lost). */
        World unrouted(Ep endpoint) {
            endpoints.add(endpoint.build());
            return this;
        }

        World route(String routeTableId, String vpcEndpointId) {
            routes.put(routeTableId, new VpcObservation.Route(PL, vpcEndpointId));
            return this;
        }

        World noRoute(String routeTableId) {
            routes.remove(routeTableId);
            return this;
        }

        VpcObservation build() {
            return new VpcObservation(endpoints, routes, tables);
        }
    }

    static ClaimsDocument noClaims() {
        return ClaimsDocument.empty();
    }

    /** A standing or stack claim (no expiry) recorded by {@link #OTHER_EXEC}. */
    static ClaimsDocument.Claim claim(String... routeTableIds) {
        return ClaimsDocument.Claim.of(List.of(routeTableIds), OTHER_EXEC, LONG_AGO, LONG_AGO);
    }

    /** A run's claim that expires at {@code expiresAt}. */
    static ClaimsDocument.Claim runClaim(String executionArn, Instant expiresAt, String... routeTableIds) {
        return new ClaimsDocument.Claim(List.of(routeTableIds), executionArn, NOW.minusSeconds(60),
                NOW.minusSeconds(60), expiresAt, null, null);
    }

    /** The record of an endpoint vpce-pilot made for {@code holder}. */
    static ClaimsDocument.EndpointRecord record(Claimant holder, String createdBy) {
        return new ClaimsDocument.EndpointRecord(holder.id(), createdBy, LONG_AGO);
    }

    /** A request of {@link #EXEC} with no policy and no tag wish. */
    static SharingRules.Request request(Claimant requester, String... routeTableIds) {
        return request(requester, PolicyWish.NONE, null, routeTableIds);
    }

    static SharingRules.Request request(Claimant requester, PolicyWish policy, Map<String, String> tags,
                                        String... routeTableIds) {
        return new SharingRules.Request(SCOPE, requester, EXEC, List.of(routeTableIds), policy, tags);
    }
}
