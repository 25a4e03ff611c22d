package dev.vpcepilot.fleet;

import dev.vpcepilot.aws.AwsCalls;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.errors.TargetUnreachable;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * How the fleet reaches a target: this account directly, with the function's own role; another account through
 * {@code sts:AssumeRole} of {@code arn:<partition>:iam::<account>:role/<roleName>} (with the external id when
 * given), one session per account and invocation. A role that cannot be assumed is {@link TargetUnreachable}
 * (the target is reported failed, the fleet goes on); throttling and 5xx are TransientAwsError (retried).
 */
public final class TargetAccess {

    /** STS's shortest session: every fleet step ends well within it (their Lambda timeout is shorter). */
    static final int SESSION_SECONDS = 900;

    private final AwsClients home;
    private final String homeAccount;
    private final String partition;
    private final String roleName;
    private final String externalId;
    private final String sessionName;
    private final Map<String, StaticCredentialsProvider> sessions = new HashMap<>();

    /**
     * @param home        the function's own clients (in the fleet's region)
     * @param homeAccount the fleet's account
     * @param sessionName names the sessions in the target accounts' CloudTrail (the execution's name)
     */
    public TargetAccess(AwsClients home, String homeAccount, String partition, String roleName, String externalId,
                        String sessionName) {
        this.home = home;
        this.homeAccount = homeAccount;
        this.partition = partition;
        this.roleName = roleName;
        this.externalId = externalId;
        this.sessionName = sessionName(sessionName);
    }

    /** Clients in the target's region with the target account's credentials; the caller closes them. */
    public AwsClients clientsFor(String account, String region) {
        if (account.equals(homeAccount)) {
            return home.forTarget(region, home.credentials());
        }
        return home.forTarget(region, sessions.computeIfAbsent(account, this::assume));
    }

    public String roleArn(String account) {
        return "arn:" + partition + ":iam::" + account + ":role/" + roleName;
    }

    private StaticCredentialsProvider assume(String account) {
        String roleArn = roleArn(account);
        Credentials credentials;
        try {
            credentials = home.sts().assumeRole(r -> r.roleArn(roleArn).roleSessionName(sessionName)
                    .durationSeconds(SESSION_SECONDS).externalId(externalId)).credentials();
        } catch (SdkException e) {
            if (AwsCalls.isTransient(e)) {
                throw AwsCalls.translate("STS AssumeRole of " + roleArn, e);
            }
            throw new TargetUnreachable("Account " + account + " cannot be reached: STS refused to assume " + roleArn
                    + " (" + AwsCalls.translate("AssumeRole", e).getMessage().replaceFirst("^AssumeRole was refused: ",
                    "") + "). Deploy target-role.yaml to that account (a StackSet does it for an organization), and "
                    + "check roleName and externalId.", e);
        }
        return StaticCredentialsProvider.create(AwsSessionCredentials.create(credentials.accessKeyId(),
                credentials.secretAccessKey(), credentials.sessionToken()));
    }

    /** STS allows 2 to 64 of letters, digits and + = , . @ _ -. */
    static String sessionName(String name) {
        String cleaned = ("vpce-pilot-" + (name == null ? "fleet" : name)).replaceAll("[^\\w+=,.@-]", "-");
        return cleaned.length() > 64 ? cleaned.substring(0, 64) : cleaned;
    }
}
