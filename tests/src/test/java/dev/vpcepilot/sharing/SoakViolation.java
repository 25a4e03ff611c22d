package dev.vpcepilot.sharing;

/**
 * One thing the soak found wrong.
 *
 * @param kind    which rule it breaks (the failure message counts violations per kind)
 * @param subject what it is about (a claim, a route table, an endpoint, an operation): one violation per kind and
 *                subject is reported, the first found
 * @param detail  what, where and when: route table, claim, operations and times
 */
record SoakViolation(String kind, String subject, String detail) {

    static final String UNSERVED_LOCK_FREE = "claimed route table not served while nobody held the lock";
    static final String UNSERVED_TOO_LONG = "claimed route table unserved for longer than the tolerance";
    static final String SERVED_TWICE = "route table served by two endpoints, or routed to a dead one";
    static final String STACK_CLAIM_MISSING = "stack claim missing after its Create answered SUCCESS";
    static final String STACK_CLAIM_BACK = "stack claim present after its Delete answered SUCCESS";
    static final String STACK_CLAIM_CHANGED = "stack claim on other route tables than its Create's";
    static final String RUN_CLAIM_LEFT = "run claim of an execution that ended successfully";
    static final String STANDING_LOST = "standing claim missing although a later add answered success";
    static final String STANDING_BACK = "standing claim on a route table released after its last add (or never added)";
    static final String UNKNOWN_CLAIM = "claim of no claimant the soak made";
    static final String LEFT_AT_END = "owned endpoint or claim left at the end";
    static final String END_FAILED = "end phase operation did not succeed";
    static final String SOAK_BROKEN = "the soak itself could not do its work";

    /** Kind and subject: the same finding in a later sample or phase has the same key. */
    String key() {
        return kind + " " + subject;
    }

    @Override
    public String toString() {
        return kind + ": " + detail;
    }
}
