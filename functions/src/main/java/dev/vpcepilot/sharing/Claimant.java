package dev.vpcepilot.sharing;

import java.util.Objects;
import java.util.Optional;

/**
 * Someone who depends on the route tables they asked for staying served (docs/design.md section 3, rule 3):
 * <ul>
 *   <li>{@link Standing}: the standing use of console and scheduled runs without cleanup (and of fleet applies);
 *       it lasts until an explicit release ({@code "release": true});</li>
 *   <li>{@link Stack}: one {@code Custom::DynamoDbVpcEndpoint} (stack id and logical id), until its Delete;</li>
 *   <li>{@link Run}: one execution in progress, until it ends (its claim also expires, in case it dies).</li>
 * </ul>
 * The claimant that creates an endpoint holds it: only the holder may change its policy or its tags (rule 6).
 * In the claims document a claimant is its {@link #id()}: {@code standing}, {@code stack:<stack id>|<logical id>}
 * or {@code run:<execution ARN>}; {@link #parse} reads it back.
 */
public sealed interface Claimant permits Claimant.Standing, Claimant.Stack, Claimant.Run {

    Standing STANDING = new Standing();

    /** The key of the claimant's claim in the claims document. */
    String id();

    /** For a person: "the standing use", "stack S (resource L)", "the run in progress E". */
    String describe();

    static Stack stack(String stackId, String logicalResourceId) {
        return new Stack(stackId, logicalResourceId);
    }

    static Run run(String executionArn) {
        return new Run(executionArn);
    }

    /**
     * The claimant an id of the claims document names.
     *
     * @throws IllegalArgumentException for an id no claimant has
     */
    static Claimant parse(String id) {
        return fromId(id).orElseThrow(() -> new IllegalArgumentException("Not a claimant id: " + id));
    }

    /**
     * The claimant an id of the claims document names, or empty for an id no claimant of this version has (a
     * later version's: its claim still counts, see {@link ClaimsDocument#liveClaims}).
     */
    static Optional<Claimant> fromId(String id) {
        Objects.requireNonNull(id, "id");
        if (id.equals(Standing.ID)) {
            return Optional.of(STANDING);
        }
        if (id.startsWith(Stack.PREFIX)) {
            String rest = id.substring(Stack.PREFIX.length());
            int bar = rest.lastIndexOf('|');
            return bar < 0 ? Optional.empty()
                    : Optional.of(new Stack(rest.substring(0, bar), rest.substring(bar + 1)));
        }
        if (id.startsWith(Run.PREFIX)) {
            return Optional.of(new Run(id.substring(Run.PREFIX.length())));
        }
        return Optional.empty();
    }

    /** For a person: the claimant an id names, or the id itself when no claimant of this version has it. */
    static String describe(String id) {
        return fromId(id).map(Claimant::describe).orElse(id);
    }

    /** The standing use of runs without cleanup and of the fleet. */
    record Standing() implements Claimant {

        static final String ID = "standing";

        @Override
        public String id() {
            return ID;
        }

        @Override
        public String describe() {
            return "the standing use (runs without cleanup; released with \"release\": true)";
        }

        @Override
        public String toString() {
            return id();
        }
    }

    /** One custom resource: a stack and the resource's logical id. */
    record Stack(String stackId, String logicalResourceId) implements Claimant {

        static final String PREFIX = "stack:";

        @Override
        public String id() {
            return PREFIX + stackId + "|" + logicalResourceId;
        }

        @Override
        public String describe() {
            return "stack " + stackId + " (resource " + logicalResourceId + ")";
        }

        @Override
        public String toString() {
            return id();
        }
    }

    /** One execution in progress. */
    record Run(String executionArn) implements Claimant {

        static final String PREFIX = "run:";

        @Override
        public String id() {
            return PREFIX + executionArn;
        }

        @Override
        public String describe() {
            return "the run in progress " + executionArn;
        }

        @Override
        public String toString() {
            return id();
        }
    }
}
