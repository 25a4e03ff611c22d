package dev.vpcepilot.hook;

import dev.vpcepilot.sharing.SharedEndpoints;

/** What the hook needs of the endpoints: the shared coordinator (SharedEndpoints) for a lock owner. */
public interface Coordinators {

    SharedEndpoints forOwner(String owner);

    /** The coordinator acting for a CloudFormation request: its lock owner is named after the request. */
    default SharedEndpoints forRequest(CustomResourceRequest request) {
        return forOwner("cfn-" + request.requestId());
    }
}
