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
import functools
import os
import json
import sys
import threading
import time

from moto.core.responses import ActionResult
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler
from moto.ec2.exceptions import EC2ClientError, RouteAlreadyExistsError
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
        return _create_response(self)
    parameters = _parameters(self.querystring)
    with _ENDPOINTS:
        tokens = _client_tokens(self.ec2_backend)
        known = tokens.get(token)
        if known is not None:
            made_with, endpoint_id = known
            if made_with != parameters:
                raise IdempotentParameterMismatch()
            return ActionResult({"VpcEndpoint": self.ec2_backend.vpc_end_points[endpoint_id], "ClientToken": token})
        result = _create_response(self)
        endpoint = result.result["VpcEndpoint"]
        tokens[token] = (parameters, endpoint.id)
        return ActionResult({"VpcEndpoint": endpoint, "ClientToken": token})


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
DynamoHandler.call_action = dynamodb_call_action
if _DYNAMODB_READ_DELAY > 0:
    Table.get_item = slow_get_item

if __name__ == "__main__":
    sys.exit(main())
