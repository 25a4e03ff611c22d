package dev.vpcepilot.sharing;


import dev.vpcepilot.errors.EndpointBusy;
import java.util.function.UnaryOperator;

/**
 * The claims of {@link SharingFixtures#SCOPE} in memory, with the contract of {@link ClaimsStore} that
 * {@code DynamoDbClaimsStore} implements with a conditional write: a write of a version that is no longer the
 * current one is refused with {@link EndpointBusy}. Writes must happen under the lock.
 */
final class InMemoryClaimsStore implements ClaimsStore {

    private final CountingLock lock;
    private ClaimsDocument document = ClaimsDocument.empty();
    private long version;
    private int writes;

    InMemoryClaimsStore(CountingLock lock) {
        this.lock = lock;
    }

    @Override
    public Versioned read(Scope scope) {
        check(scope);
        return new Versioned(document, version);
    }

    @Override
    public void write(Scope scope, ClaimsDocument claims, long readVersion) {
        check(scope);
        lock.assertHeld("claims write");
        if (readVersion != version) {
            throw new EndpointBusy("claims at version " + version + ", not " + readVersion);
        }
        document = claims;
        version++;
        writes++;
    }

    /** Another writer changes the claims (a test's setup, or a concurrent step whose lease overlapped). */
    void change(UnaryOperator<ClaimsDocument> change) {
        document = change.apply(document);
        version++;
    }

    ClaimsDocument document() {
        return document;
    }

    long version() {
        return version;
    }

    /** Writes made through {@link #write}. */
    int writes() {
        return writes;
    }

    private static void check(Scope scope) {
        if (!SharingFixtures.SCOPE.equals(scope)) {
            throw new AssertionError("unexpected scope " + scope);
        }
    }
}
