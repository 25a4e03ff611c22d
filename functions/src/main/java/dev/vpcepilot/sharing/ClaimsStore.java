package dev.vpcepilot.sharing;

/**
 * Where the claims of each scope live. Read and written only under the scope's lock; {@link #write} also refuses
 * to overwrite a version it did not read (a second line of defence should a lease ever lapse mid-step).
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
