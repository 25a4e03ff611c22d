package dev.vpcepilot.sharing;

/**
 * Where the claims of each scope live. Written only under the scope's lock, and only if the writer still holds it
 * when the write lands (in {@link LeaseLedger}, the release of the lock is the write).
 */
public interface ClaimsStore {

    /** The scope's claims and the version read (0 when there are none yet). */
    Versioned read(Scope scope);

    /** Replaces the scope's claims, if they are still at {@code readVersion}. */
    void write(Scope scope, ClaimsDocument claims, long readVersion);

    /** A claims document and its version. */
    record Versioned(ClaimsDocument claims, long version) {
    }
}
