package dev.vpcepilot.testkit.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One fault rule of a {@link FaultProxy}: which fault ({@link FaultKind}), when it fires, and optionally for which
 * calls ({@link #only(String)}: an action prefix such as {@code ec2:} or {@code dynamodb:ListTables}).
 *
 * <p>A rule counts every call in its scope, whether or not it fires and whether or not another rule fired on
 * the same call, so "every 3rd call" means the 3rd, 6th, 9th... call the rule sees. A rule is thread-safe; it
 * holds its own counters, so give each proxy its own instances. {@link FaultProxy#reset()} resets them.
 *
 * <p>{@link #endpointNotFoundFirst(int)} is EC2's eventual consistency ("Eventual consistency in the Amazon EC2
 * API": right after a create, the new id may not have propagated, and a describe or modify of it answers that it
 * does not exist). It learns the endpoint ids that CreateVpcEndpoint answers through the proxy (whatever its
 * scope), and counts, per id, the calls in scope that name it ({@link EndpointIds}): the first {@code n} do not see
 * it, call n+1 does. Ids created before the rule was added, or beyond {@value #MAX_TRACKED_ENDPOINTS}, are never
 * hidden.
 */
public final class FaultRule {

    /** At most this many distinct actions are tracked by a first-K rule; later ones are never faulted by it. */
    static final int MAX_TRACKED_ACTIONS = 10_000;
    /** At most this many endpoint ids are tracked by an endpoint rule; later ones are never hidden by it. */
    static final int MAX_TRACKED_ENDPOINTS = 10_000;
    /** Upper bound of an injected delay. */
    public static final long MAX_LATENCY_MILLIS = 600_000;

    private enum Trigger { EVERY, NTH, FIRST_PER_ACTION, SHARE, FIRST_PER_NEW_ENDPOINT, ROLE_OF_ACCOUNT }

    private final FaultKind kind;
    private final Trigger trigger;
    private final int n;
    private final double share;
    private final long latencyMillis;
    private final String scope;
    /** The account whose roles a {@link #denyAssumeRole} rule refuses, else null. */
    private final String account;
    /** For a {@link #holdFirst} rule, what opens the held calls; else null. */
    private final CountDownLatch gate;
    /** Only calls whose body contains this text are in scope ({@link #whenBodyContains}); null: every body. */
    private final String bodyText;
    /** Counted down when a {@link #holdFirst} rule starts holding its first call. */
    private final CountDownLatch holding = new CountDownLatch(1);
    /** Counted down when a {@link #holdFirst} rule's first held call has been answered upstream (it landed). */
    private final CountDownLatch landed = new CountDownLatch(1);
    private final AtomicLong seen = new AtomicLong();
    private final ConcurrentHashMap<String, AtomicInteger> seenPerAction = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> seenPerEndpoint = new ConcurrentHashMap<>();

    private FaultRule(FaultKind kind, Trigger trigger, int n, double share, long latencyMillis, String scope) {
        this(kind, trigger, n, share, latencyMillis, scope, null);
    }

    private FaultRule(FaultKind kind, Trigger trigger, int n, double share, long latencyMillis, String scope,
                      String account) {
        this(kind, trigger, n, share, latencyMillis, scope, account, null, null);
    }

    private FaultRule(FaultKind kind, Trigger trigger, int n, double share, long latencyMillis, String scope,
                      String account, CountDownLatch gate, String bodyText) {
        this.gate = gate;
        this.bodyText = bodyText;
        this.account = account;
        this.kind = kind;
        this.trigger = trigger;
        this.n = n;
        this.share = share;
        this.latencyMillis = latencyMillis;
        this.scope = scope;
    }

    /** {@code kind} on every {@code n}th call in scope (counted across all actions: 3 means calls 3, 6, 9...). */
    public static FaultRule every(FaultKind kind, int n) {
        requireTerminal(kind);
        return new FaultRule(kind, Trigger.EVERY, requirePositive(n, "n"), 0, 0, null);
    }

    /** {@code kind} on the first {@code k} calls of each action in scope; call k+1 of an action goes through. */
    public static FaultRule firstPerAction(FaultKind kind, int k) {
        requireTerminal(kind);
        return new FaultRule(kind, Trigger.FIRST_PER_ACTION, requirePositive(k, "k"), 0, 0, null);
    }

    /**
     * {@code kind} on an exact, deterministic share of the calls in scope: call i fires when
     * floor(i * share) > floor((i - 1) * share), so 0.25 fires on calls 4, 8, 12... and 1.0 on every call.
     */
    public static FaultRule share(FaultKind kind, double share) {
        requireTerminal(kind);
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("share must be in (0, 1], got " + share);
        }
        return new FaultRule(kind, Trigger.SHARE, 0, share, 0, null);
    }

    /**
     * EC2's {@code InvalidVpcEndpointId.NotFound} (HTTP 400) for the first {@code n} calls in scope that name an
     * endpoint id which CreateVpcEndpoint returned through the proxy while this rule was in place, counted per id
     * across actions; call n+1 naming the id goes through. A DeleteVpcEndpoints naming such an id answers as EC2
     * does for an id it does not know: HTTP 200 with the id in {@code unsuccessful}, code
     * {@code InvalidVpcEndpoint.NotFound}; the other ids of that call are deleted. Other ids are never affected.
     */
    public static FaultRule endpointNotFoundFirst(int n) {
        return new FaultRule(FaultKind.NOT_FOUND, Trigger.FIRST_PER_NEW_ENDPOINT, requirePositive(n, "n"), 0, 0,
                null);
    }

    /**
     * STS's {@code AccessDenied} (HTTP 403) for every {@code sts:AssumeRole} of a role of {@code account}
     * ({@code arn:<partition>:iam::<account>:role/...}): an account whose role cannot be assumed (moto assumes any
     * role of any account). Other accounts' roles are assumed as usual.
     */
    public static FaultRule denyAssumeRole(String account) {
        if (account == null || !account.matches("\\d{12}")) {
            throw new IllegalArgumentException("the account must be a 12-digit id, got " + account);
        }
        return new FaultRule(FaultKind.ACCESS_DENIED, Trigger.ROLE_OF_ACCOUNT, 1, 0, 0, "sts:AssumeRole", account);
    }

    /**
     * The protocol's access-denied error on every call in scope (DynamoDB's {@code AccessDeniedException}, HTTP 400):
     * a policy refuses the action, as an endpoint policy or IAM would. Limit it with {@link #only(String)}.
     */
    public static FaultRule accessDenied() {
        return new FaultRule(FaultKind.ACCESS_DENIED, Trigger.EVERY, 1, 0, 0, null);
    }

    /**
     * The protocol's access-denied error on the {@code n}th call in scope only (the calls before and after it go
     * through): a policy that refuses one call of a kind the run makes several times, for instance the read that
     * proves a step's writes after the reads before them. Limit it with {@link #only(String)}.
     */
    public static FaultRule accessDeniedOnce(int n) {
        return new FaultRule(FaultKind.ACCESS_DENIED, Trigger.NTH, requirePositive(n, "n"), 0, 0, null);
    }

    /** Whether this is a {@link #denyAssumeRole} rule, which fires on the role a call names. */
    boolean deniesRoles() {
        return trigger == Trigger.ROLE_OF_ACCOUNT;
    }

    /** For a {@link #denyAssumeRole} rule: the role ARN of the request's form body if it is one to refuse, else null. */
    String deniedRole(String formBody) {
        if (trigger != Trigger.ROLE_OF_ACCOUNT) {
            return null;
        }
        for (String pair : formBody.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals("RoleArn")) {
                String arn = java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
                return arn.matches("arn:[a-z-]+:iam::" + account + ":role/.+") ? arn : null;
            }
        }
        return null;
    }

    /** The protocol's throttling error on every {@code n}th call in scope. */
    public static FaultRule throttleEvery(int n) {
        return every(FaultKind.THROTTLE, n);
    }

    /** The protocol's throttling error on the first {@code k} calls of each action in scope. */
    public static FaultRule throttleFirst(int k) {
        return firstPerAction(FaultKind.THROTTLE, k);
    }

    /** HTTP 500 on every {@code n}th call in scope. */
    public static FaultRule errorEvery(int n) {
        return every(FaultKind.ERROR, n);
    }

    /** HTTP 500 on a share (0 to 1] of the calls in scope; see {@link #share(FaultKind, double)}. */
    public static FaultRule errorShare(double share) {
        return share(FaultKind.ERROR, share);
    }

    /** The connection closed without a response on every {@code n}th call in scope. */
    public static FaultRule dropEvery(int n) {
        return every(FaultKind.DROP, n);
    }

    /**
     * A delay of {@code millis} added to the answer of every call in scope: the call is forwarded at once, and its
     * answer (or another rule's fault) is sent that much later.
     */
    public static FaultRule latency(long millis) {
        if (millis < 0 || millis > MAX_LATENCY_MILLIS) {
            throw new IllegalArgumentException("latency must be 0.." + MAX_LATENCY_MILLIS + " ms, got " + millis);
        }
        return new FaultRule(FaultKind.LATENCY, Trigger.EVERY, 1, 0, millis, null);
    }

    /**
     * Holds the first {@code k} calls in scope (counted per action) until {@code gate} opens, or for
     * {@code atMost}, then forwards them: a request that reaches AWS late (held up in the network). The request is
     * forwarded even when the client gave up on it meanwhile (an SDK attempt timeout, then its retry): it still
     * lands, after the retry. {@link #awaitHolding} tells when the first call is held.
     */
    public static FaultRule holdFirst(int k, CountDownLatch gate, Duration atMost) {
        Objects.requireNonNull(gate, "gate");
        long millis = atMost.toMillis();
        if (millis < 0 || millis > MAX_LATENCY_MILLIS) {
            throw new IllegalArgumentException("a hold lasts 0.." + MAX_LATENCY_MILLIS + " ms, got " + millis);
        }
        return new FaultRule(FaultKind.LATENCY, Trigger.FIRST_PER_ACTION, requirePositive(k, "k"), 0, millis, null,
                null, gate, null);
    }

    /**
     * Holds every call in scope until {@code gate} opens, or for {@code atMost} each, then forwards it (see
     * {@link #holdFirst}); {@link Gate} is the way tests use it.
     */
    static FaultRule holdAll(CountDownLatch gate, Duration atMost) {
        Objects.requireNonNull(gate, "gate");
        long millis = atMost.toMillis();
        if (millis < 0 || millis > MAX_LATENCY_MILLIS) {
            throw new IllegalArgumentException("a hold lasts 0.." + MAX_LATENCY_MILLIS + " ms, got " + millis);
        }
        return new FaultRule(FaultKind.LATENCY, Trigger.EVERY, 1, 0, millis, null, null, gate, null);
    }

    /** For a {@link #holdFirst} rule: waits until it holds its first call; false if none came within the timeout. */
    public boolean awaitHolding(Duration timeout) throws InterruptedException {
        return holding.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * For a {@link #holdFirst} rule: waits until its first held call, released, has reached the target and been
     * answered there; false if that did not happen within the timeout.
     */
    public boolean awaitLanded(Duration timeout) throws InterruptedException {
        return landed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Tells a {@link #holdFirst} rule that a call it held has been answered upstream. */
    void landed() {
        landed.countDown();
    }

    /**
     * The same rule (with fresh counters) limited to the calls whose body contains {@code text}: one kind of
     * request among others of the same action (e.g. the lock client's lease renewals, the UpdateItems whose body
     * names {@code :newRvn}).
     */
    public FaultRule whenBodyContains(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("the body text must not be empty");
        }
        return new FaultRule(kind, trigger, n, share, latencyMillis, scope, account, gate, text);
    }

    /**
     * The same rule (with fresh counters) limited to the actions starting with {@code actionPrefix}: a service
     * ({@code ec2:}, {@code dynamodb:}, {@code states:}) or an action ({@code dynamodb:ListTables}).
     */
    public FaultRule only(String actionPrefix) {
        if (actionPrefix == null || actionPrefix.isBlank()) {
            throw new IllegalArgumentException("the action prefix must not be blank");
        }
        return new FaultRule(kind, trigger, n, share, latencyMillis, actionPrefix.trim(), account, gate, bodyText);
    }

    public FaultKind kind() {
        return kind;
    }

    /** The action prefix this rule is limited to, if any. */
    public Optional<String> scope() {
        return Optional.ofNullable(scope);
    }

    /** The delay of a {@link FaultKind#LATENCY} rule; 0 for other kinds. */
    public long latencyMillis() {
        return latencyMillis;
    }

    /** Whether a call of this action is in the rule's scope. */
    public boolean appliesTo(String action) {
        return scope == null || action.startsWith(scope);
    }

    /** Whether a call of this action with this body is in the rule's scope. */
    boolean appliesTo(String action, byte[] body) {
        return appliesTo(action) && (bodyText == null
                || new String(body, java.nio.charset.StandardCharsets.UTF_8).contains(bodyText));
    }

    /** Whether this rule holds the calls it fires on until a gate opens ({@link #holdFirst}). */
    boolean holds() {
        return gate != null;
    }

    /** Holds a call this rule fired on until its gate opens or its time is up. */
    void hold() throws InterruptedException {
        holding.countDown();
        gate.await(latencyMillis, TimeUnit.MILLISECONDS);
    }

    /** Counts one call in scope and tells whether the rule fires on it. */
    boolean advance(String action) {
        return switch (trigger) {
            case EVERY -> seen.incrementAndGet() % n == 0;
            case NTH -> seen.incrementAndGet() == n;
            case SHARE -> {
                long i = seen.incrementAndGet();
                yield Math.floor(i * share) > Math.floor((i - 1) * share);
            }
            case FIRST_PER_ACTION -> {
                AtomicInteger counter = seenPerAction.get(action);
                if (counter == null) {
                    if (seenPerAction.size() >= MAX_TRACKED_ACTIONS) {
                        yield false;
                    }
                    counter = seenPerAction.computeIfAbsent(action, a -> new AtomicInteger());
                }
                yield counter.incrementAndGet() <= n;
            }
            case FIRST_PER_NEW_ENDPOINT -> false; // fires on the ids a call names: see hiddenOf
            case ROLE_OF_ACCOUNT -> false; // fires on the role a call names: see deniedRole
        };
    }

    /** An endpoint rule learns an id that CreateVpcEndpoint answered (an id it knows already keeps its count). */
    void learnEndpoint(String endpointId) {
        if (trigger == Trigger.FIRST_PER_NEW_ENDPOINT && seenPerEndpoint.size() < MAX_TRACKED_ENDPOINTS) {
            seenPerEndpoint.putIfAbsent(endpointId, new AtomicInteger());
        }
    }

    /**
     * Counts one call in scope that names {@code endpointIds}, for each id this rule learnt, and answers the ids the
     * call must not see (those within their first {@code n} calls), in the order given; empty for other rules.
     */
    List<String> hiddenOf(List<String> endpointIds) {
        if (trigger != Trigger.FIRST_PER_NEW_ENDPOINT) {
            return List.of();
        }
        List<String> hidden = new ArrayList<>();
        for (String id : endpointIds) {
            AtomicInteger counter = seenPerEndpoint.get(id);
            if (counter != null && counter.incrementAndGet() <= n) {
                hidden.add(id);
            }
        }
        return hidden;
    }

    /** Forgets every call seen: "every Nth" and "first K" start over; an endpoint rule forgets the ids it learnt. */
    void reset() {
        seen.set(0);
        seenPerAction.clear();
        seenPerEndpoint.clear();
    }

    @Override
    public String toString() {
        String what = switch (kind) {
            case THROTTLE -> "throttle";
            case ERROR -> "HTTP 500";
            case DROP -> "drop the connection";
            case LATENCY -> gate != null ? "hold (at most " + latencyMillis + " ms)" : "delay " + latencyMillis + " ms";
            case NOT_FOUND -> "InvalidVpcEndpointId.NotFound";
            case ACCESS_DENIED -> "AccessDenied";
        };
        String when = switch (trigger) {
            case EVERY -> n == 1 ? "on every call" : "on every " + ordinal(n) + " call";
            case NTH -> "on the " + ordinal(n) + " call only";
            case FIRST_PER_ACTION -> "on the first " + n + " calls of each action";
            case SHARE -> "on a share of " + share + " of the calls";
            case FIRST_PER_NEW_ENDPOINT -> "on the first " + n + " calls naming each endpoint id CreateVpcEndpoint "
                    + "returned";
            case ROLE_OF_ACCOUNT -> "on assuming a role of account " + account;
        };
        return what + " " + when + (scope == null ? "" : " of " + scope)
                + (bodyText == null ? "" : " whose body contains " + bodyText);
    }

    private static String ordinal(int n) {
        int lastTwo = n % 100;
        String suffix = lastTwo >= 11 && lastTwo <= 13 ? "th" : switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return n + suffix;
    }

    private static void requireTerminal(FaultKind kind) {
        Objects.requireNonNull(kind, "kind");
        if (kind == FaultKind.LATENCY) {
            throw new IllegalArgumentException("use FaultRule.latency(millis) for delays");
        }
        if (kind == FaultKind.NOT_FOUND) {
            throw new IllegalArgumentException("use FaultRule.endpointNotFoundFirst(n) for endpoints not visible yet");
        }
        if (kind == FaultKind.ACCESS_DENIED) {
            throw new IllegalArgumentException("use FaultRule.denyAssumeRole(account) for a role that cannot be assumed");
        }
    }

    private static int requirePositive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
        return value;
    }
}
