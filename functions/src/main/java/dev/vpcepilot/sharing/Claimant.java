package dev.vpcepilot.sharing;

import java.util.Objects;

/**
 * Someone who depends on the route tables they asked for staying served (docs/design.md section 1, rule 3):
 * <ul>
 *   <li>{@link #STANDING}: the standing use of console and scheduled runs without cleanup (and of fleet applies);
 *       it lasts until an explicit release ({@code "release": true});</li>
 *   <li>{@link #stack}: one {@code Custom::DynamoDbVpcEndpoint} (stack id and logical id), until its Delete;</li>
 *   <li>{@link #run}: one execution in progress, until it ends (its claim also expires, in case it dies).</li>
 * </ul>
 * The claimant that creates an endpoint holds it: only the holder may change its policy or its tags.
 *
 * @param id {@code standing}, {@code stack:<stack id>|<logical id>} or {@code run:<execution ARN>}
 */
public record Claimant(String id) {

    public static final Claimant STANDING = new Claimant("standing");
    private static final String STACK = "stack:";
    private static final String RUN = "run:";

    public Claimant {
        Objects.requireNonNull(id, "id");
    }

    public static Claimant stack(String stackId, String logicalResourceId) {
        return new Claimant(STACK + stackId + "|" + logicalResourceId);
    }

    public static Claimant run(String executionArn) {
        return new Claimant(RUN + executionArn);
    }

    public boolean isRun() {
        return id.startsWith(RUN);
    }

    public boolean isStack() {
        return id.startsWith(STACK);
    }

    public boolean isStanding() {
        return equals(STANDING);
    }

    /** The execution ARN of a run claimant, or null. */
    public String executionArn() {
        return isRun() ? id.substring(RUN.length()) : null;
    }

    /** For a person: "the standing use", "stack S resource L", "the run E". */
    public String describe() {
        if (isStanding()) {
            return "the standing use (runs without cleanup; released with \"release\": true)";
        }
        if (isStack()) {
            String rest = id.substring(STACK.length());
            int bar = rest.lastIndexOf('|');
            return "stack " + rest.substring(0, bar) + " (resource " + rest.substring(bar + 1) + ")";
        }
        if (isRun()) {
            return "the run in progress " + executionArn();
        }
        return id;
    }

    @Override
    public String toString() {
        return id;
    }
}
