"""moto_server with VPC endpoints and DynamoDB conditional writes that behave as on AWS.

moto 5.2 models a gateway endpoint's prefix-list route as "the route of that prefix list in the table", so:
  * a second gateway endpoint for the same service on the same route table silently takes the route over
    (AWS refuses the create with RouteAlreadyExists);
  * deleting either endpoint deletes the route, whoever it points to (AWS deletes the endpoint's own routes);
  * ModifyVpcEndpoint AddRouteTableIds / RemoveRouteTableIds change the list but not the routes (AWS adds and
    removes the endpoint's routes).
moto 5.2 ignores ModifyVpcEndpoint's ResetPolicy; EC2 then puts back the default policy (full access), as its API
reference for ModifyVpcEndpoint says ("ResetPolicy: Specify true to reset the policy document to the default
policy"). Here it does.
moto 5.2 also ignores CreateVpcEndpoint's ClientToken: the same token twice makes two endpoints. Here, as in EC2's
"Ensuring idempotency in Amazon EC2 API requests", a token is remembered per account and region: repeated with the
same parameters it answers the endpoint that token made, as that endpoint is now (also once it is deleted: the
token outlives its resource); repeated with other parameters it fails with IdempotentParameterMismatch (HTTP 400).
moto 5.2 serves requests on threads and evaluates a DynamoDB ConditionExpression, then writes, with nothing in
between to stop another request: two conditional PutItem attribute_not_exists(pk) can both succeed. DynamoDB
writes one item atomically ("Best practices for handling concurrent updates in DynamoDB"), so here DynamoDB
requests are handled one at a time.
moto 5.2 lists DynamoDB as a Gateway service only and shapes interface endpoints (AWS PrivateLink) unlike EC2. Here
DynamoDB is offered as both types, and an interface endpoint has a network interface in use in each of its subnets
(one per Availability Zone), the VPC's default security group when none is given, private DNS off, a Regional and a
Zonal DNS name per zone shaped like EC2's; the parameters of one endpoint type given for the other are refused, and a
security group still used by an endpoint's interface cannot be deleted. The section "interface endpoints" below cites
the AWS page each rule follows.

Two settings, read from this process's environment when it starts (unset or 0: off):
  * VPCE_PILOT_MOTO_DELETING_SECONDS=N (0 to 3600, fractions allowed): DeleteVpcEndpoints leaves an endpoint
    "deleting" for N seconds, its routes in place (so its route tables still refuse another endpoint of the
    service), before it becomes "deleted" and its routes go; deleting it again meanwhile changes nothing. AWS's
    endpoint states include deleting; the DeleteVpcEndpoints documentation says the routes go, not when. Off, an
    endpoint is "deleted" and its routes gone as DeleteVpcEndpoints answers, as moto does.
  * VPCE_PILOT_MOTO_DYNAMODB_READ_DELAY_MS=N (0 to 1000): every DynamoDB item read inside moto sleeps N ms before
    it returns, which widens moto's read-check-write window so that a test can show that the one-at-a-time
    handling above closes it (without that handling, several of 16 racing writers win, every round).
A value outside its range stops the server at start with a message saying what is allowed.

vpce-pilot's local runner and tests start the emulator through this file so that what they exercise is AWS's
behaviour; everything else is moto unchanged. Usage is moto_server's: python3 aws_faithful_moto_server.py -H
127.0.0.1 -p PORT.
"""
import base64
import functools
import hashlib
import ipaddress
import os
import json
import random
import string
import sys
import threading
import time

from moto.core.base_backend import BaseBackend
from moto.core.responses import ActionResult
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler
from moto.ec2.exceptions import (DependencyViolationError, EC2ClientError, InvalidParameter,
                                 InvalidSecurityGroupNotFoundError, RouteAlreadyExistsError)
from moto.ec2.models.security_groups import SecurityGroupBackend
from moto.ec2.models.vpcs import VPCBackend, VPCEndPoint
from moto.ec2.responses.vpcs import VPCs
from moto.server import main

DELETING_SECONDS = "VPCE_PILOT_MOTO_DELETING_SECONDS"
DYNAMODB_READ_DELAY_MS = "VPCE_PILOT_MOTO_DYNAMODB_READ_DELAY_MS"


def _setting(name, maximum):
    """The number in environment variable `name`, 0 when unset; exits with a clear message when it is not allowed."""
    text = os.environ.get(name, "").strip()
    if not text:
        return 0.0
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not 0 <= value <= maximum:
        sys.exit(f"aws_faithful_moto_server: {name} must be a number from 0 to {maximum}, got '{text}'")
    return value


def _is_gateway(endpoint_type):
    return not endpoint_type or endpoint_type.lower() == "gateway"


def _is_interface(endpoint_type):
    return bool(endpoint_type) and endpoint_type.lower() == "interface"


def _prefix_list_id(backend, service_name):
    for prefix_list in backend.managed_prefix_lists.values():
        if prefix_list.prefix_list_name == service_name:
            return prefix_list.id
    return None


def _route_to(backend, route_table_id, prefix_list_id):
    """The route of the table whose destination is the prefix list, or None."""
    for route in backend.get_route_table(route_table_id).routes:
        destination = route.destination_prefix_list
        if destination is not None and destination.id == prefix_list_id:
            return route
    return None


def _refuse_taken_tables(backend, route_table_ids, prefix_list_id):
    for route_table_id in route_table_ids or []:
        if _route_to(backend, route_table_id, prefix_list_id) is not None:
            raise RouteAlreadyExistsError(prefix_list_id)


# moto serves requests on threads: every read-decide-write on endpoints is one step, as it is on AWS. The check for a
# taken route table and the create (or the modify); the look-up of a ClientToken and the create it records; a
# deletion's end and the route removal it does. Otherwise two concurrent creates could both pass a check.
_ENDPOINTS = threading.RLock()

# ---- gateway routes -----------------------------------------------------------------------------------------------

_create = VPCBackend.create_vpc_endpoint


def create_vpc_endpoint(self, vpc_id, service_name, endpoint_type, policy_document, route_table_ids,
                        *args, **kwargs):
    with _ENDPOINTS:
        if _is_interface(endpoint_type):
            return _create_interface(self, vpc_id, service_name, endpoint_type, policy_document, route_table_ids,
                                     *args, **kwargs)
        if _is_gateway(endpoint_type):
            prefix_list_id = _prefix_list_id(self, service_name)
            if prefix_list_id:
                _refuse_taken_tables(self, route_table_ids, prefix_list_id)
        return _create(self, vpc_id, service_name, endpoint_type, policy_document, route_table_ids, *args,
                       **kwargs)


_modify = VPCEndPoint.modify


def modify(self, policy_doc, add_subnets, remove_subnets, add_route_tables, remove_route_tables,
           add_security_groups, remove_security_groups):
    with _ENDPOINTS:
        _refuse_options_of_the_other_type(self.vpc_endpoint_type, add_route_tables or remove_route_tables,
                                          add_subnets or remove_subnets, add_security_groups or remove_security_groups)
        if _is_interface(self.vpc_endpoint_type):
            _modify_interface(self, policy_doc, add_subnets, remove_subnets, add_security_groups,
                              remove_security_groups)
            return
        _modify_routes(self, policy_doc, add_subnets, remove_subnets, add_route_tables, remove_route_tables,
                       add_security_groups, remove_security_groups)


def _modify_routes(self, policy_doc, add_subnets, remove_subnets, add_route_tables, remove_route_tables,
                   add_security_groups, remove_security_groups):
    prefix_list_id = self.destination_prefix_list_id if _is_gateway(self.vpc_endpoint_type) else None
    before = list(self.route_table_ids or [])
    added = [t for t in (add_route_tables or []) if t not in before]
    removed = [t for t in (remove_route_tables or []) if t in before]
    if prefix_list_id:
        _refuse_taken_tables(self.ec2_backend, added, prefix_list_id)
    _modify(self, policy_doc, add_subnets, remove_subnets, add_route_tables, remove_route_tables,
            add_security_groups, remove_security_groups)
    if prefix_list_id:
        for route_table_id in added:
            self.ec2_backend.create_route(route_table_id, None, gateway_id=self.id,
                                          destination_prefix_list_id=prefix_list_id)
        for route_table_id in removed:
            _delete_own_route(self.ec2_backend, route_table_id, prefix_list_id, self.id)


def _delete_own_route(backend, route_table_id, prefix_list_id, endpoint_id):
    route = _route_to(backend, route_table_id, prefix_list_id)
    if route is not None and route.gateway is not None and route.gateway.id == endpoint_id:
        backend.get_route_table(route_table_id)._routes.pop(route.id, None)


# ---- deletion, optionally with a "deleting" phase ---------------------------------------------------------------

_DELETING_SECONDS = _setting(DELETING_SECONDS, 3600)


def delete_vpc_endpoints(self, vpce_ids=None):
    with _ENDPOINTS:
        for vpce_id in vpce_ids or []:
            endpoint = self.vpc_end_points.get(vpce_id)
            if endpoint is None or endpoint.state in ("deleting", "deleted"):
                continue
            if _DELETING_SECONDS > 0:
                endpoint.state = "deleting"
                timer = threading.Timer(_DELETING_SECONDS, _finish_deletion, (self, endpoint))
                timer.daemon = True
                timer.start()
            else:
                _finish_deletion(self, endpoint)


def _finish_deletion(backend, endpoint):
    """The end of a deletion: the endpoint's own routes (or network interfaces) go and it is "deleted"."""
    with _ENDPOINTS:
        if backend.vpc_end_points.get(endpoint.id) is not endpoint:
            return  # the emulator was reset meanwhile: this endpoint belongs to a world that is gone
        if endpoint.vpc_endpoint_type and endpoint.vpc_endpoint_type.lower() == "interface":
            for eni_id in endpoint.network_interface_ids:
                backend.enis.pop(eni_id, None)
        elif endpoint.destination_prefix_list_id:
            for route_table_id in endpoint.route_table_ids:
                _delete_own_route(backend, route_table_id, endpoint.destination_prefix_list_id, endpoint.id)
        endpoint.state = "deleted"


# ---- ClientToken idempotency of CreateVpcEndpoint ---------------------------------------------------------------

class IdempotentParameterMismatch(EC2ClientError):
    def __init__(self):
        super().__init__("IdempotentParameterMismatch",
                         "The request uses the same client token as a previous, but non-identical request. Do not "
                         "reuse a client token with different requests, unless the requests are identical.")


# Parameters that say nothing about what to create: the token itself, the action and the API version.
_NOT_PARAMETERS = {"Action", "Version", "ClientToken"}


def _parameters(querystring):
    """Every request parameter but the token, as a comparable value: which parameters, which values, in order."""
    return tuple(sorted((name, tuple(values)) for name, values in querystring.items() if name not in _NOT_PARAMETERS))


def _client_tokens(backend):
    """token -> (parameters, endpoint id) of this account and region; a reset of the emulator forgets them."""
    return backend.__dict__.setdefault("_vpce_pilot_client_tokens", {})


_create_response = VPCs.create_vpc_endpoint


def create_vpc_endpoint_response(self):
    token = self._get_param("ClientToken")
    if not token:
        return _checked_create_response(self)
    parameters = _parameters(self.querystring)
    with _ENDPOINTS:
        tokens = _client_tokens(self.ec2_backend)
        known = tokens.get(token)
        if known is not None:
            made_with, endpoint_id = known
            if made_with != parameters:
                raise IdempotentParameterMismatch()
            return ActionResult({"VpcEndpoint": self.ec2_backend.vpc_end_points[endpoint_id], "ClientToken": token})
        result = _checked_create_response(self)
        endpoint = result.result["VpcEndpoint"]
        tokens[token] = (parameters, endpoint.id)
        return ActionResult({"VpcEndpoint": endpoint, "ClientToken": token})


# ---- interface endpoints (AWS PrivateLink) ----------------------------------------------------------------------
#
# moto 5.2 lists DynamoDB as a Gateway service only and shapes interface endpoints unlike EC2: one DnsEntry named
# after the service name, network interfaces with a random 10.x address outside their subnet, status "available",
# no security group when none is given, any number of subnets in one zone, route tables accepted, subnets and security
# groups ignored on a ModifyVpcEndpoint. Each rule below follows the AWS page named beside it.

# "AWS PrivateLink for DynamoDB" (DynamoDB developer guide,
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/privatelink-interface-endpoints.html): DynamoDB can
# be reached through both endpoint types, a gateway endpoint and an interface endpoint, and both may serve one VPC.
# DescribeVpcEndpointServices lists a service offered both ways as one ServiceDetail per type, each with its own
# ServiceId and base DNS name (the shape moto already gives S3, which AWS offers both ways too: two entries, one
# ServiceType each, and ServiceNames naming the service once per entry). The interface entry's base name is
# dynamodb.<region>.vpce.amazonaws.com; it has no PrivateDnsName, since the page says PrivateLink for DynamoDB does not
# support private DNS. The gateway entry is moto's, unchanged.
_dynamodb_endpoint_services = DynamoDBBackend.default_vpc_endpoint_service


def dynamodb_endpoint_services(service_region, zones):
    return _dynamodb_endpoint_services(service_region, zones) + BaseBackend.default_vpc_endpoint_service_factory(
        service_region, zones, "dynamodb", "Interface", private_dns_names=False)


def _interface_service(backend, service_name):
    """The Interface ServiceDetail of the service in the backend's region, or None."""
    services = backend._collect_default_endpoint_services(backend.account_id, backend.region_name) + [
        configuration.to_dict() for configuration in backend.configurations.values()]
    for service in services:
        if service["ServiceName"] == service_name and any(
                t["ServiceType"] == "Interface" for t in service["ServiceType"]):
            return service
    return None


# The parameters of one endpoint type given for the other. "CreateVpcEndpoint" (EC2 API Reference,
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html) marks RouteTableIds as for gateway
# endpoints, SubnetIds for interface (and Gateway Load Balancer) endpoints, SecurityGroupIds for interface endpoints.
# EC2 refuses the others with InvalidParameter ("Error codes for the Amazon EC2 API",
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html: a parameter that is not valid, is
# unsupported or cannot be used). The first two messages are EC2's as users have reported them; the third follows
# their pattern.
_ROUTE_TABLES_ARE_FOR_GATEWAYS = "Route table IDs are only supported for Gateway type VPC Endpoint."
_SUBNETS_ARE_NOT_FOR_GATEWAYS = ("Subnet IDs are only supported for Interface and GatewayLoadBalancer type VPC "
                                 "Endpoints.")
_SECURITY_GROUPS_ARE_NOT_FOR_GATEWAYS = "Security group IDs are only supported for Interface type VPC Endpoints."


def _refuse_options_of_the_other_type(endpoint_type, route_tables, subnets, security_groups):
    if _is_interface(endpoint_type) and route_tables:
        raise InvalidParameter(_ROUTE_TABLES_ARE_FOR_GATEWAYS)
    if _is_gateway(endpoint_type) and subnets:
        raise InvalidParameter(_SUBNETS_ARE_NOT_FOR_GATEWAYS)
    if _is_gateway(endpoint_type) and security_groups:
        raise InvalidParameter(_SECURITY_GROUPS_ARE_NOT_FOR_GATEWAYS)


# At most one subnet per Availability Zone: EC2 refuses a second subnet in a zone an interface endpoint already serves
# with DuplicateSubnetsInSameZone, one of the codes of "Error codes for the Amazon EC2 API" (above). Its message, as
# users of CloudFormation and Terraform report it word for word, names a subnet whose zone already has another of the
# endpoint's subnets (here the later of the two: the one found to clash) and says that the subnets should be in
# different zones. On a ModifyVpcEndpoint the rule applies to the subnets the endpoint has once the call's removals
# and additions are made, the additions last.
class DuplicateSubnetsInSameZone(EC2ClientError):
    def __init__(self, subnet_id):
        super().__init__("DuplicateSubnetsInSameZone",
                         f"Found another VPC endpoint subnet in the availability zone of {subnet_id}. VPC endpoint "
                         f"subnets should be in different availability zones supported by the VPC endpoint service.")


def _refuse_two_in_a_zone(backend, subnet_ids):
    zones = set()
    for subnet_id in subnet_ids:
        zone = backend.get_subnet(subnet_id).availability_zone
        if zone in zones:
            raise DuplicateSubnetsInSameZone(subnet_id)
        zones.add(zone)


def _existing_groups(backend, group_ids):
    for group_id in group_ids:
        if backend.get_security_group_from_id(group_id) is None:
            raise InvalidSecurityGroupNotFoundError(group_id)
    return list(group_ids)


# Private DNS. "AWS PrivateLink for DynamoDB" (above): PrivateLink for DynamoDB does not support private DNS; clients
# name the endpoint's own DNS name. "CreateVpcEndpoint" (above): PrivateDnsEnabled associates a private hosted zone
# holding the service's default name, which a service without a private DNS name cannot have: asked for explicitly,
# EC2 refuses with InvalidParameter "Private DNS can't be enabled because the service <name> does not provide a private
# DNS name." (the message users report, word for word, when they asked for private DNS on an interface endpoint of a
# service that had no private DNS name: S3's, before S3 got one); not asked for, the endpoint is made with private DNS
# off, as the page's create-vpc-endpoint example (no private DNS option) shows.


def _checked_create_response(self):
    endpoint_type = self._get_param("VpcEndpointType")
    _refuse_options_of_the_other_type(endpoint_type, self._get_param("RouteTableIds", []),
                                      self._get_param("SubnetIds", []), self._get_param("SecurityGroupIds", []))
    if not _is_interface(endpoint_type):
        return _create_response(self)
    service_name = self._get_param("ServiceName")
    service = _interface_service(self.ec2_backend, service_name)
    offers_private_dns = service is None or "PrivateDnsName" in service
    private_dns = self._get_bool_param("PrivateDnsEnabled")
    if private_dns and not offers_private_dns:
        raise InvalidParameter(f"Private DNS can't be enabled because the service {service_name} does not provide a "
                               f"private DNS name.")
    result = _create_response(self)
    result.result["VpcEndpoint"].private_dns_enabled = offers_private_dns if private_dns is None else private_dns
    return result


# The network interfaces. "AWS PrivateLink for DynamoDB" (above): an interface endpoint is one or more network
# interfaces with private IP addresses from subnets of the VPC, one in each subnet chosen. "CreateVpcEndpoint" (above):
# without SecurityGroupIds, EC2 uses the VPC's default security group. Each interface is requester-managed, of type
# vpc_endpoint, in-use, described as "VPC Endpoint Interface <endpoint id>" and holds an address of its subnet that is
# not one of the five AWS reserves in every subnet ("Subnet CIDR blocks", Amazon VPC User Guide,
# https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html: the first four and the last).
def _create_interface(backend, vpc_id, service_name, endpoint_type, policy_document, route_table_ids, *args,
                      **kwargs):
    subnet_ids = list(kwargs.pop("subnet_ids", None) or [])
    for subnet_id in subnet_ids:
        backend.get_subnet(subnet_id)
    _refuse_two_in_a_zone(backend, subnet_ids)
    backend.get_vpc(vpc_id)
    groups = _existing_groups(backend, kwargs.pop("security_group_ids", None) or [])
    if not groups:
        groups = [backend.get_default_security_group(vpc_id).id]
    endpoint = _create(backend, vpc_id, service_name, endpoint_type, policy_document, route_table_ids, *args,
                       subnet_ids=[], security_group_ids=groups, **kwargs)
    for subnet_id in subnet_ids:
        _add_network_interface(backend, endpoint, subnet_id)
    _update_dns_entries(backend, endpoint)
    return endpoint


def _add_network_interface(backend, endpoint, subnet_id):
    subnet = backend.get_subnet(subnet_id)
    eni = backend.create_network_interface(subnet, _free_address(backend, subnet),
                                           group_ids=list(endpoint.security_group_ids),
                                           description=f"VPC Endpoint Interface {endpoint.id}")
    eni.status = "in-use"
    eni.interface_type = "vpc_endpoint"
    eni.requester_managed = True
    endpoint.subnet_ids.append(subnet_id)
    endpoint.network_interface_ids.append(eni.id)


def _free_address(backend, subnet):
    network = ipaddress.ip_network(subnet.cidr_block)
    taken = {address["PrivateIpAddress"] for eni in backend.enis.values() if eni.subnet.id == subnet.id
             for address in eni.private_ip_addresses}
    usable = range(4, network.num_addresses - 1)
    for offset in random.sample(usable, len(usable)):
        address = str(network.network_address + offset)
        if address not in taken:
            return address
    raise EC2ClientError("InsufficientFreeAddressesInSubnet",
                         f"The specified subnet {subnet.id} does not have enough free addresses.")


def _remove_network_interface(backend, endpoint, subnet_id):
    for eni_id in list(endpoint.network_interface_ids):
        eni = backend.enis.get(eni_id)
        if eni is None or eni.subnet.id == subnet_id:
            backend.enis.pop(eni_id, None)
            endpoint.network_interface_ids.remove(eni_id)
    endpoint.subnet_ids.remove(subnet_id)


# The DNS names. "AWS PrivateLink for DynamoDB" (above): an interface endpoint has a Regional name
# (vpce-<id>-<suffix>.dynamodb.<region>.vpce.amazonaws.com) and a Zonal name per Availability Zone
# (vpce-<id>-<suffix>-<zone>.dynamodb.<region>.vpce.amazonaws.com). "DnsEntry" (EC2 API Reference,
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DnsEntry.html): each entry is a DnsName and the
# HostedZoneId of its hosted zone. As the AWS CLI's describe-vpc-endpoints example shows, the Regional entry comes
# first, all entries share the endpoint's 8-character suffix (lowercase letters and digits) and one hosted zone of the
# region. The names follow the endpoint's subnets as they are added and removed.
def _update_dns_entries(backend, endpoint):
    service = _interface_service(backend, endpoint.service_name)
    if service is None:
        return  # an endpoint service moto does not list: moto's own entry
    base = service["BaseEndpointDnsNames"][0]
    suffix = endpoint.__dict__.setdefault("_vpce_pilot_dns_suffix", "".join(
        random.choices(string.ascii_lowercase + string.digits, k=8)))
    zone_id = _hosted_zone_id(backend.region_name)
    names = [f"{endpoint.id}-{suffix}.{base}"] + [
        f"{endpoint.id}-{suffix}-{backend.get_subnet(subnet_id).availability_zone}.{base}"
        for subnet_id in endpoint.subnet_ids]
    endpoint.dns_entries = [{"dns_name": name, "hosted_zone_id": zone_id} for name in names]


def _hosted_zone_id(region):
    """One hosted zone id per region, the same on every call: Z and 12 capitals and digits."""
    digest = base64.b32encode(hashlib.sha256(region.encode()).digest()).decode()
    return "Z" + digest[:12]


# ModifyVpcEndpoint on an interface endpoint. "ModifyVpcEndpoint" (EC2 API Reference,
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcEndpoint.html): AddSubnetIds and RemoveSubnetIds
# add and remove the endpoint's network interfaces (one subnet per zone still), AddSecurityGroupIds and
# RemoveSecurityGroupIds change the security groups of its network interfaces.
def _modify_interface(endpoint, policy_doc, add_subnets, remove_subnets, add_security_groups, remove_security_groups):
    backend = endpoint.ec2_backend
    added = [s for s in dict.fromkeys(add_subnets or []) if s not in endpoint.subnet_ids]
    removed = [s for s in dict.fromkeys(remove_subnets or []) if s in endpoint.subnet_ids]
    for subnet_id in added:
        backend.get_subnet(subnet_id)
    _refuse_two_in_a_zone(backend, [s for s in endpoint.subnet_ids if s not in removed] + added)
    _existing_groups(backend, add_security_groups or [])
    _modify(endpoint, policy_doc, None, None, None, None, add_security_groups, remove_security_groups)
    for subnet_id in removed:
        _remove_network_interface(backend, endpoint, subnet_id)
    for subnet_id in added:
        _add_network_interface(backend, endpoint, subnet_id)
    groups = [backend.get_security_group_from_id(g) for g in endpoint.security_group_ids]
    for eni_id in endpoint.network_interface_ids:
        backend.enis[eni_id]._group_set = [g for g in groups if g is not None]
    _update_dns_entries(backend, endpoint)


# DeleteSecurityGroup of a group that a network interface still uses. moto 5.2 deletes it; EC2 answers
# DependencyViolation ("Error codes for the Amazon EC2 API", above: the object has dependent resources), with the
# message "resource <group id> has a dependent object", until the interface is gone (for an interface endpoint's
# group, until the endpoint's deletion has removed its network interfaces).
_delete_security_group = SecurityGroupBackend.delete_security_group


@functools.wraps(_delete_security_group)
def delete_security_group(self, name=None, group_id=None):
    with _ENDPOINTS:
        group = self.get_security_group_from_id(group_id) if group_id else (
            self.get_security_group_by_name_or_id(name) if name else None)
        if group is not None and any(group in eni.group_set for eni in self.enis.values()):
            raise DependencyViolationError(f"resource {group.id} has a dependent object")
        return _delete_security_group(self, name=name, group_id=group_id)


# ---- DynamoDB: one request at a time ----------------------------------------------------------------------------

# Held for the whole of each DynamoDB request, from reading the item to serialising the answer: a conditional write's
# check and write are one step, and no read sees an item half updated.
_DYNAMODB = threading.RLock()
_DYNAMODB_READ_DELAY = _setting(DYNAMODB_READ_DELAY_MS, 1000) / 1000.0

_call_action = DynamoHandler.call_action


@functools.wraps(_call_action)
def dynamodb_call_action(self):
    with _DYNAMODB:
        return _call_action(self)


_get_item = Table.get_item


@functools.wraps(_get_item)
def slow_get_item(self, *args, **kwargs):
    item = _get_item(self, *args, **kwargs)
    time.sleep(_DYNAMODB_READ_DELAY)
    return item


# ---- ModifyVpcEndpoint ResetPolicy ------------------------------------------------------------------------------

_modify_response = VPCs.modify_vpc_endpoint


@functools.wraps(_modify_response)
def modify_vpc_endpoint_response(self):
    answer = _modify_response(self)
    if str(self._get_param("ResetPolicy", "false")).lower() == "true":
        with _ENDPOINTS:
            endpoint = self.ec2_backend.vpc_end_points.get(self._get_param("VpcEndpointId"))
            if endpoint is not None:
                endpoint.policy_document = json.dumps(VPCEndPoint.DEFAULT_POLICY)
    return answer


VPCBackend.create_vpc_endpoint = create_vpc_endpoint
VPCBackend.delete_vpc_endpoints = delete_vpc_endpoints
VPCEndPoint.modify = modify
VPCs.create_vpc_endpoint = create_vpc_endpoint_response
VPCs.modify_vpc_endpoint = modify_vpc_endpoint_response
DynamoDBBackend.default_vpc_endpoint_service = staticmethod(dynamodb_endpoint_services)
SecurityGroupBackend.delete_security_group = delete_security_group
DynamoHandler.call_action = dynamodb_call_action
if _DYNAMODB_READ_DELAY > 0:
    Table.get_item = slow_get_item

if __name__ == "__main__":
    sys.exit(main())
