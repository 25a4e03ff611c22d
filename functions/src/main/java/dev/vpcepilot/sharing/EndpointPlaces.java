package dev.vpcepilot.sharing;

import java.util.List;
import software.amazon.awssdk.services.ec2.model.CreateVpcEndpointRequest;
import software.amazon.awssdk.services.ec2.model.ModifyVpcEndpointRequest;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * What differs between the writes of the two endpoint types, for {@link EndpointWriter}: where an endpoint is (a
 * gateway endpoint's places are route tables, an interface endpoint's subnets), how one is created, and what goes
 * with it when it is deleted. {@link RouteTablePlaces} for gateway scopes, {@link InterfaceWrites} for interface
 * scopes; each handler constructs only those it uses (the template's IAM grants each role only what it reaches).
 */
interface EndpointPlaces {

    /**
     * Creates the endpoint that {@code request} describes (VPC, service, token, tags at creation, policy) at
     * {@code places}, each attempt behind the fence.
     */
    VpcEndpoint create(CreateVpcEndpointRequest.Builder request, Scope scope, List<String> places, String executionArn);

    /** Sets the places to add on a ModifyVpcEndpoint request. */
    void add(ModifyVpcEndpointRequest.Builder request, List<String> places);

    /** Sets the places to remove on a ModifyVpcEndpoint request. */
    void remove(ModifyVpcEndpointRequest.Builder request, List<String> places);

    /** Read before endpoints are deleted: what of theirs goes after them ({@link #afterDelete}). */
    List<String> beforeDelete(List<String> vpcEndpointIds);

    /** After the endpoints are deleted: what {@link #beforeDelete} found goes too. */
    void afterDelete(List<String> belongings);
}
