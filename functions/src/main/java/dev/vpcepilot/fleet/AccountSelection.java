package dev.vpcepilot.fleet;

import java.util.List;

/** Which accounts the fleet covers: this account (the default), listed ids, or the accounts of organizational units. */
public sealed interface AccountSelection {

    record ThisAccount() implements AccountSelection {
    }

    /** @param ids sorted, distinct 12-digit account ids */
    record Listed(List<String> ids) implements AccountSelection {
    }

    /**
     * Every active account under the organizational units (or roots), nested units included, less the excluded.
     *
     * @param parentIds        {@code ou-...} or {@code r-...} ids
     * @param excludedAccounts account ids left out
     */
    record Organization(List<String> parentIds, List<String> excludedAccounts) implements AccountSelection {
    }
}
