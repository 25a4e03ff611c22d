package dev.vpcepilot.fleet;

import dev.vpcepilot.aws.AwsCalls;
import dev.vpcepilot.errors.AwsRequestFailed;
import dev.vpcepilot.errors.InvalidInput;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.organizations.model.Account;
import software.amazon.awssdk.services.organizations.model.AccountStatus;

/**
 * The active accounts under organizational units or roots, nested units included (AWS Organizations
 * ListAccountsForParent and ListOrganizationalUnitsForParent, paginated; callable from the management account or
 * a delegated administrator). Suspended accounts and accounts pending closure are left out: no role can be assumed
 * in them.
 */
public final class OrganizationAccounts {

    private final OrganizationsClient organizations;

    public OrganizationAccounts(OrganizationsClient organizations) {
        this.organizations = organizations;
    }

    /** @return sorted account ids */
    public List<String> under(List<String> parentIds, List<String> excluded) {
        Set<String> accounts = new TreeSet<>();
        Deque<String> parents = new ArrayDeque<>(parentIds);
        Set<String> seen = new TreeSet<>();
        while (!parents.isEmpty()) {
            String parent = parents.pop();
            if (!seen.add(parent)) {
                continue;
            }
            call(parent, () -> {
                organizations.listAccountsForParentPaginator(r -> r.parentId(parent)).accounts().stream()
                        .filter(a -> a.status() == AccountStatus.ACTIVE)
                        .map(Account::id)
                        .forEach(accounts::add);
                organizations.listOrganizationalUnitsForParentPaginator(r -> r.parentId(parent))
                        .organizationalUnits().forEach(ou -> parents.push(ou.id()));
                return null;
            });
        }
        accounts.removeAll(excluded);
        return List.copyOf(accounts);
    }

    private static void call(String parent, java.util.function.Supplier<Void> work) {
        try {
            work.get();
        } catch (AwsServiceException e) {
            String code = AwsCalls.errorCode(e);
            if ("ParentNotFoundException".equals(code) || "InvalidInputException".equals(code)) {
                throw new InvalidInput("accounts.organization.ouIds lists " + parent + ", which is not an "
                        + "organizational unit or root of this organization (" + code + "). Allowed: ids from "
                        + "aws organizations list-roots / list-organizational-units-for-parent.");
            }
            if ("AccessDeniedException".equals(code) || "AWSOrganizationsNotInUseException".equals(code)) {
                throw new AwsRequestFailed("Organizations refused to list the accounts of " + parent + " (" + code
                        + "): run the fleet in the organization's management account or a delegated administrator "
                        + "account, or list the accounts in the input.", e);
            }
            throw AwsCalls.translate("Organizations ListAccountsForParent of " + parent, e);
        } catch (SdkException e) {
            throw AwsCalls.translate("Organizations ListAccountsForParent of " + parent, e);
        }
    }
}
