package dev.vpcepilot.sharing;

/**
 * Asked before every EC2 write on an endpoint (and before every attempt of one): may this step still write? A step
 * decides under the scope's lease; once it cannot prove that it still holds the lease, another writer may hold it and
 * may have decided on a world this step is about to change, so the step must not send another write, nor undo one
 * (the safety rule "no stale write" of docs/design.md). {@link LeaseLedger} is the fence of a hold.
 */
@FunctionalInterface
public interface WriteFence {

    /**
     * Returns when the write may be sent.
     *
     * @param write what is about to be written, for the error's message (e.g. "EC2 ModifyVpcEndpoint vpce-...")
     * @throws dev.vpcepilot.errors.EndpointBusy when the lease is lost or cannot be renewed: the step writes nothing
     *                                           more and records nothing, and the state machine retries it
     */
    void beforeWrite(String write);
}
