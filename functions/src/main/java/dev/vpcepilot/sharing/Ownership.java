package dev.vpcepilot.sharing;

import java.util.List;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * The tags that mark an endpoint as made by this tool. Only endpoints carrying {@link #MANAGED_BY_KEY} =
 * {@link #MANAGED_BY_VALUE} are ever modified destructively or deleted (IAM enforces the same condition).
 */
public final class Ownership {

    public static final String MANAGED_BY_KEY = "managed-by";
    public static final String MANAGED_BY_VALUE = "vpce-pilot";
    /** The execution (ARN) that created the endpoint; rollback deletes only what its own execution created. */
    public static final String EXECUTION_KEY = "vpce-pilot:execution";
    /** Tag keys reserved for the tool: user tags may not set them. */
    public static final String RESERVED_PREFIX = "vpce-pilot:";

    private Ownership() {
    }

    public static boolean isOwned(List<Tag> tags) {
        return tags != null && tags.stream()
                .anyMatch(t -> MANAGED_BY_KEY.equals(t.key()) && MANAGED_BY_VALUE.equals(t.value()));
    }

    /** Whether the tags say the given execution created the endpoint (owned, and tagged with that execution). */
    public static boolean isCreatedBy(List<Tag> tags, String executionId) {
        return isOwned(tags) && executionId != null && tags.stream()
                .anyMatch(t -> EXECUTION_KEY.equals(t.key()) && executionId.equals(t.value()));
    }

    public static boolean isReservedKey(String key) {
        return MANAGED_BY_KEY.equalsIgnoreCase(key) || key.toLowerCase().startsWith(RESERVED_PREFIX);
    }

    public static Filter ownedFilter() {
        return Filter.builder().name("tag:" + MANAGED_BY_KEY).values(MANAGED_BY_VALUE).build();
    }

    public static Filter createdByFilter(String executionId) {
        return Filter.builder().name("tag:" + EXECUTION_KEY).values(executionId).build();
    }
}
