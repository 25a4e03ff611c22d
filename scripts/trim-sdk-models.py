#!/usr/bin/env python3
"""Writes the trimmed AWS service models from which functions/ generates its SDK clients (EC2, DynamoDB, Step Functions,
STS, Organizations, S3).

Why: the published SDK artifacts carry every operation of their service (software.amazon.awssdk:ec2 alone is
26 MB), which made the Lambda deployment artifact ~38 MB. functions/pom.xml instead runs the SDK's own code
generator (software.amazon.awssdk:codegen-maven-plugin) on the models written here, which keep only the
operations the functions call and the shapes those operations reach. The generated clients live in the same
packages with the same class names as the published ones (Ec2Client, DynamoDbClient, SfnClient, S3Client and their
model classes), so no calling code or test changes.

Output (committed, so that `sam build` needs neither botocore nor this script):
  functions/src/main/sdk-models/<service>/service-2.json        operations below + transitive closure of shapes
  functions/src/main/sdk-models/<service>/paginators-1.json     paginators of those operations
  functions/src/main/sdk-models/<service>/endpoint-rule-set.json  the service's endpoint rules (S3's without S3 Express,
                                                                   see UNSUPPORTED_ENDPOINT_AUTH)
  functions/src/main/sdk-models/<service>/customization.config  the SDK's own customizations that still apply

  runner/src/main/sdk-models/<service>/...                     the same with RUNNER_OPERATIONS added (the runner only)
  tests/src/test/sdk-models/<service>/...                      the same with RUNNER_OPERATIONS and TEST_OPERATIONS
                                                               added (tests only; not S3, see FUNCTIONS_ONLY)

Regenerate (after adding an operation below, or to pick up newer models):
  pip install botocore          # any recent version; the models are read from its data directory
  python3 scripts/trim-sdk-models.py
  mvn -DskipTests verify        # at the root: regenerates the clients of functions/, runner/ and tests/

To call a new SDK operation from functions/: add it to OPERATIONS; from the runner only: to RUNNER_OPERATIONS; from a
test only: to TEST_OPERATIONS. Rerun and commit the changed models. A call to an operation that is not listed fails at
compile time (the method does not exist on the generated client).
"""

import argparse
import gzip
import json
import sys
from pathlib import Path

# Every operation that the code in functions/ (and the tests) call, by service.
OPERATIONS = {
    "ec2": [
        "CreateTags",
        "CreateVpcEndpoint",
        "DeleteTags",
        # The fleet: the regions an account has enabled (regions: "enabled").
        "DescribeRegions",
        "DeleteVpcEndpoints",
        "DescribeRouteTables",
        # The data path (VerifyEndpoint): each subnet's effective table and network ACL, the prefix list's CIDRs.
        "DescribeNetworkAcls",
        "DescribeSubnets",
        "GetManagedPrefixListEntries",
        "DescribeVpcEndpointServices",
        "DescribeVpcEndpoints",
        "DescribeVpcs",
        "ModifyVpcEndpoint",
        # Interface endpoints: the security group a run creates and owns (ingress TCP 443), deleted by its cleanup,
        # and the verification of the endpoint's network interfaces and of the groups' rules.
        "AuthorizeSecurityGroupIngress",
        "CreateSecurityGroup",
        "DeleteSecurityGroup",
        "DescribeNetworkInterfaces",
        "DescribeSecurityGroups",
    ],
    "dynamodb": [
        "ListTables",
        # The fleet's verify reads the claims of many VPCs at once.
        "BatchGetItem",
        # The lease lock and the claims: what dynamodb-lock-client calls as LeaseLedger uses it (GetItem, PutItem,
        # UpdateItem; DeleteItem when a lock is released with deleteLock, which SnapStart's priming runs through), the
        # claims' Get/Put/Update. DescribeTable because the lock client's class initializer links TableStatus, which
        # only DescribeTable's TableDescription reaches (see KEPT_MEMBERS). Not its CreateTable, Query and Scan: they
        # serve methods of the lock client that vpce-pilot never calls (the deployment creates LockTable; the
        # functions' roles allow none of them). The runner creates the template's tables itself: RUNNER_OPERATIONS.
        "DeleteItem",
        "DescribeTable",
        "GetItem",
        "PutItem",
        "UpdateItem",
        # DynamoDB's operations declare endpoint discovery, so the generator needs the discovery operation too.
        "DescribeEndpoints",
    ],
    "sfn": [
        "DescribeExecution",
        "StartExecution",
        "StopExecution",
    ],
    # The fleet: another account's role, and the accounts of organizational units.
    "sts": [
        "AssumeRole",
    ],
    "organizations": [
        "ListAccountsForParent",
        "ListOrganizationalUnitsForParent",
    ],
    # The fleet's objects in its own bucket: its targets, the Distributed Map's results, the report.
    "s3": [
        "GetObject",
        "PutObject",
    ],
}

# Services whose trimmed model is written for functions/ only. The runner (not deployed) has the published S3 artifact
# on its class path ahead of the functions' jar, for what only it does (buckets, presigned URLs: S3Presigner and
# S3Configuration are hand-written classes of that artifact, which no model generates), and the tests use that client
# through the runner; a second generated S3 client in tests/ would mix its classes with the published artifact's.
FUNCTIONS_ONLY = {"s3"}

# Operations that only the runner calls (./run-local's stand-in for the deployment: LocalTables creates the template's
# tables in the emulator). runner/ generates its clients of these services from models with OPERATIONS +
# RUNNER_OPERATIONS into its own classes, which come before the functions' jar on its class path (./run-local puts the
# runner's jar first, Maven its target/classes); nothing of it is deployed.
RUNNER_OPERATIONS = {
    "dynamodb": [
        "CreateTable",
    ],
}

# Operations that only the tests call (to set up or probe moto_server). They are not shipped: the tests module
# generates its own clients from models with OPERATIONS + RUNNER_OPERATIONS + TEST_OPERATIONS into
# tests/target/classes, which come before the runner's and the functions' jars on the test classpath, so the tests see a
# superset of the shipped API while the shipped code paths (the same generator on the same shapes) are what they
# exercise.
TEST_OPERATIONS = {
    "ec2": [
        "CreateVpc",
        # The emulator's interface endpoints (InterfaceEndpointEmulatorTest): subnets in chosen zones.
        "CreateSubnet",
    ],
    "dynamodb": [
        "DescribeLimits",
    ],
    "sfn": [
        "ListStateMachines",
    ],
    "sts": [
        "GetCallerIdentity",
    ],
    "organizations": [
        "CreateAccount",
        "CreateOrganization",
        "CreateOrganizationalUnit",
        "ListRoots",
        "MoveAccount",
    ],
}

# Output directory name -> botocore data directory (service name / API version).
BOTOCORE_MODELS = {
    "ec2": "ec2/2016-11-15",
    "dynamodb": "dynamodb/2012-08-10",
    "sfn": "stepfunctions/2016-11-23",
    "sts": "sts/2011-06-15",
    "organizations": "organizations/2016-11-28",
    "s3": "s3/2006-03-01",
}

# The customizations that the SDK applies to these services when it builds its published artifacts, less those
# that name hand-written SDK classes (DynamoDB's retry policy, Step Functions' HTTP options) and those that
# concern operations we do not generate. They keep the generated API identical to the published one for the
# shapes we keep (e.g. EC2 requests have no dryRun member, ModifyVpcEndpointResponse has returnValue()).
# Generator options that apply to all three (the published SDK artifacts use the same): endpoint rules compiled to
# Java code instead of the generic rules interpreter that each client would otherwise carry (~440 KB of classes
# per service), and a cache of the resolved endpoint URI.
COMMON_CUSTOMIZATIONS = {
    "enableGenerateCompiledEndpointRules": True,
    "enableEndpointProviderUriCaching": True,
}

CUSTOMIZATIONS = {
    "ec2": {
        "shapeModifiers": {
            "*": {"exclude": ["DryRun"]},
            "ModifyVpcEndpointResult": {"modify": [{"Return": {"emitPropertyName": "ReturnValue"}}]},
        },
    },
    "dynamodb": {
        "calculateCrc32FromCompressedData": True,
        "enableEndpointDiscoveryMethodRequired": True,
    },
    "sfn": {},
    "sts": {},
    "organizations": {},
    # S3's own customization.config (services/s3 of the SDK) less what names classes of the published s3 artifact
    # (S3Configuration, S3Utilities, its interceptors and client composers, the CRT builder): S3's error documents
    # (<Error> at the root, errors in 200 responses) read by the XML protocol's own S3 factory, S3's response
    # metadata, required members checked before sending, the SDK's shape names where the trimmed model has them.
    # How S3 is signed (no double URL encoding, no path normalization, chunked payloads) the generator derives from
    # the model and the endpoint rules, as for the published client.
    "s3": {
        "customProtocolFactoryFqcn": "software.amazon.awssdk.protocols.xml.AwsS3ProtocolFactory",
        "customResponseMetadata": {
            "EXTENDED_REQUEST_ID": "x-amz-id-2",
            "CLOUD_FRONT_ID": "X-Amz-Cf-Id",
            "REQUEST_ID": "x-amz-request-id",
        },
        "requiredTraitValidationEnabled": True,
        "renameShapes": {"Error": "S3Error", "Object": "S3Object"},
    },
}

# The response checksums that the SDK of this build (software.amazon.awssdk:checksums 2.41.30, its
# DefaultChecksumAlgorithm) and its generator know. Newer models list more for S3's GetObject (SHA512, MD5, XXHASH64,
# XXHASH3, XXHASH128: S3 added them in 2026, the SDK from 2.42.0); the generator of 2.41.30 refuses the model with
# "Unsupported algorithm: SHA512", and 2.41.30 is the newest software.amazon.awssdk:codegen on Maven Central. The
# published s3 2.41.30 client validates these five, so keeping them is what it does.
SUPPORTED_RESPONSE_CHECKSUMS = ["CRC32C", "CRC32", "CRC64NVME", "SHA1", "SHA256"]

# Members kept of a shape whose other members nothing of vpce-pilot reads, by service: the shapes only they reached
# leave the model. DynamoDB's TableDescription (DescribeTable's answer, and CreateTable's for the runner and the tests)
# reaches 60 shapes more than these (indexes, replicas, streams, encryption, archival...), about 0.15 MiB of the
# deployment zip; the one reader of it in the functions is the lock client's lockTableExists (never called by
# vpce-pilot), which reads the status.
KEPT_MEMBERS = {
    "dynamodb": {
        "TableDescription": ["TableArn", "TableName", "TableStatus"],
    },
}

# Members kept, in the functions' model only, of EC2 shapes whose other members no code that runs on that model reads
# or sets: functions/ (main and its unit tests), runner/ and testkit/ (their getters and builder methods, found in
# their compiled classes). Of an answer, the elements of the members left out are skipped by the unmarshaller; of a
# request, a member never set is never sent. The shapes only those members reached leave the model: the data path's
# Subnet (23 members) and NetworkAcl, Vpc, RouteTable and VpcEndpoint read for a few ids and states, the interface
# endpoints' options (subnets, security groups, DNS, IP) of CreateVpcEndpoint and ModifyVpcEndpoint. EC2's classes in
# the deployment artifact: 1.81 -> 1.25 MiB. The tests' model keeps every member: the tests build and probe VPCs,
# subnets and routes through it (its classes come first on their class path). Code that reads a member left out does
# not compile (no such method): add the member here and rerun.
FUNCTIONS_KEPT_MEMBERS = {
    # The lease lock's and the claims' items, as dynamodb-lock-client (its compiled classes) and functions/ set and
    # read them: conditional writes by expression, consistent reads, the fleet's batch read of many VPCs' claims,
    # ListTables' pages. What no caller sets or reads leaves the model: the legacy Expected and ConditionalOperator
    # parameters (ExpectedAttributeValue), ReturnValues, the consumed capacity and item collection metrics of every
    # answer (ConsumedCapacity, ItemCollectionMetrics).
    "dynamodb": {
        "BatchGetItemInput": ["RequestItems"],
        "BatchGetItemOutput": ["Responses", "UnprocessedKeys"],
        "DeleteItemInput": ["ConditionExpression", "ExpressionAttributeNames", "ExpressionAttributeValues", "Key",
                            "TableName"],
        "DeleteItemOutput": [],
        "GetItemInput": ["ConsistentRead", "Key", "TableName"],
        "GetItemOutput": ["Item"],
        "KeysAndAttributes": ["ExpressionAttributeNames", "Keys", "ProjectionExpression"],
        "PutItemInput": ["ConditionExpression", "ExpressionAttributeNames", "ExpressionAttributeValues", "Item",
                         "TableName"],
        "PutItemOutput": [],
        "UpdateItemInput": ["ConditionExpression", "ExpressionAttributeNames", "ExpressionAttributeValues", "Key",
                            "TableName", "UpdateExpression"],
        "UpdateItemOutput": [],
    },
    "ec2": {
        "CreateVpcEndpointRequest": ["ClientToken", "PolicyDocument", "PrivateDnsEnabled", "RouteTableIds",
                                     "SecurityGroupIds", "ServiceName", "SubnetIds", "TagSpecifications",
                                     "VpcEndpointType", "VpcId"],
        "ModifyVpcEndpointRequest": ["AddRouteTableIds", "AddSubnetIds", "PolicyDocument", "RemoveRouteTableIds",
                                     "RemoveSubnetIds", "ResetPolicy", "VpcEndpointId"],
        "NetworkAcl": ["Associations", "Entries", "IsDefault", "NetworkAclId", "VpcId"],
        "NetworkAclAssociation": ["SubnetId"],
        "NetworkAclEntry": ["CidrBlock", "Egress", "Ipv6CidrBlock", "PortRange", "Protocol", "RuleAction",
                            "RuleNumber"],
        "PrefixListEntry": ["Cidr"],
        "Region": ["OptInStatus", "RegionName"],
        "Route": ["CarrierGatewayId", "CoreNetworkArn", "DestinationCidrBlock", "DestinationIpv6CidrBlock",
                  "DestinationPrefixListId", "EgressOnlyInternetGatewayId", "GatewayId", "InstanceId",
                  "LocalGatewayId", "NatGatewayId", "NetworkInterfaceId", "Origin", "State", "TransitGatewayId",
                  "VpcPeeringConnectionId"],
        "RouteTable": ["Associations", "RouteTableId", "Routes", "VpcId"],
        "RouteTableAssociation": ["Main", "SubnetId"],
        # Interface endpoints: their DNS names, network interfaces and security groups, as InterfaceChecks reads them
        "AuthorizeSecurityGroupIngressRequest": ["GroupId", "IpPermissions"],
        "AuthorizeSecurityGroupIngressResult": ["Return"],
        "CreateSecurityGroupResult": ["GroupId"],
        "DeleteSecurityGroupResult": ["Return"],
        "DnsEntry": ["DnsName"],
        "IpPermission": ["FromPort", "IpProtocol", "IpRanges", "ToPort"],
        "IpRange": ["CidrIp", "Description"],
        "NetworkInterface": ["NetworkInterfaceId", "Status", "SubnetId"],
        "SecurityGroup": ["GroupId", "IpPermissions", "Tags"],
        "SecurityGroupIdentifier": ["GroupId"],
        "VpcCidrBlockAssociation": ["CidrBlock", "CidrBlockState"],
        "ServiceDetail": ["AvailabilityZones", "ServiceName", "ServiceType"],
        "Subnet": ["AvailabilityZone", "SubnetId", "VpcId"],
        "Vpc": ["CidrBlockAssociationSet", "IsDefault", "Tags", "VpcId"],
        "VpcEndpoint": ["CreationTimestamp", "DnsEntries", "Groups", "NetworkInterfaceIds", "PolicyDocument",
                        "RouteTableIds", "ServiceName", "State", "SubnetIds", "Tags", "VpcEndpointId",
                        "VpcEndpointType", "VpcId"],
    },
}

# Endpoint auth schemes that a generated client cannot have, by service: each endpoint rule that resolves to one
# becomes an error rule with the same conditions. S3 Express One Zone (directory buckets, names ending in --x-s3)
# signs with S3 sessions (sigv4-s3express: CreateSession, its identity cache and signer), hand-written classes of the
# published s3 artifact; the generator refers to that artifact's S3ExpressEndpointAuthScheme for every such rule. The
# fleet's bucket is a general purpose bucket (template.yaml), so no request of the functions resolves there; one that
# did fails before it is sent, with this message, instead of being signed the wrong way.
UNSUPPORTED_ENDPOINT_AUTH = {
    "s3": {
        "sigv4-s3express": "S3 Express One Zone (directory buckets) is not supported by this client, generated from a"
                           " trimmed S3 model (scripts/trim-sdk-models.py): it has no S3 session authentication",
    },
}


# The SDK's own list of EC2 operations that get no no-argument overload although their input has no required member.
BLACKLISTED_SIMPLE_METHODS = {
    "ec2": [
        "acceptVpcPeeringConnection", "authorizeSecurityGroupIngress", "cancelImportTask", "createVpcPeeringConnection",
        "deleteSecurityGroup", "disableVpcClassicLinkDnsSupport", "disassociateAddress", "enableVpcClassicLinkDnsSupport",
        "importImage", "importSnapshot", "releaseAddress", "revokeSecurityGroupIngress", "deleteLaunchTemplate",
        "modifyLaunchTemplate", "requestSpotInstances", "describeLaunchTemplateVersions",
    ],
}


def default_botocore_data():
    try:
        import botocore  # noqa: PLC0415
    except ImportError:
        sys.exit("botocore is not installed: pip install botocore, or pass --botocore-data DIR")
    return Path(botocore.__file__).parent / "data"


def endpoint_rules(service, rule_set):
    """The service's endpoint rules, each rule that resolves to an auth scheme of UNSUPPORTED_ENDPOINT_AUTH made an
    error rule with the same conditions."""
    unsupported = UNSUPPORTED_ENDPOINT_AUTH.get(service, {})

    def rewrite(rule):
        if rule["type"] == "tree":
            return {**rule, "rules": [rewrite(r) for r in rule["rules"]]}
        if rule["type"] == "endpoint":
            schemes = [a["name"] for a in rule["endpoint"].get("properties", {}).get("authSchemes", [])]
            errors = [unsupported[name] for name in schemes if name in unsupported]
            if errors:
                return {k: v for k, v in rule.items() if k != "endpoint"} | {"type": "error", "error": errors[0]}
        return rule

    return {**rule_set, "rules": [rewrite(r) for r in rule_set["rules"]]}


def load_service_model(directory):
    """The service model as botocore itself reads it: service-2.json with its service-2.sdk-extras.json merged in
    (S3's: the Expires header as a timestamp, which the published S3 client has too)."""
    model = load_json(directory / "service-2.json")
    extras = directory / "service-2.sdk-extras.json"
    if extras.exists():
        for key, additions in json.loads(extras.read_text(encoding="utf-8")).get("merge", {}).items():
            model[key] = {**model.get(key, {}), **additions}
    return model


def supported_checksums(operation):
    """The operation with only the response checksums this build's SDK supports (SUPPORTED_RESPONSE_CHECKSUMS)."""
    checksum = operation.get("httpChecksum", {})
    if "responseAlgorithms" not in checksum:
        return operation
    algorithms = [a for a in checksum["responseAlgorithms"] if a in SUPPORTED_RESPONSE_CHECKSUMS]
    return {**operation, "httpChecksum": {**checksum, "responseAlgorithms": algorithms}}


def load_json(path):
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    gz = path.with_name(path.name + ".gz")
    with gzip.open(gz, "rt", encoding="utf-8") as f:
        return json.load(f)


def shape_refs(shape):
    """Names of the shapes that one shape refers to directly."""
    kind = shape.get("type")
    if kind == "structure":
        return [m["shape"] for m in shape.get("members", {}).values()]
    if kind == "list":
        return [shape["member"]["shape"]]
    if kind == "map":
        return [shape["key"]["shape"], shape["value"]["shape"]]
    return []


def keep_members(service, model, kept_members):
    """The model with only the kept members (KEPT_MEMBERS, FUNCTIONS_KEPT_MEMBERS) of the shapes listed there."""
    shapes = dict(model["shapes"])
    for name, kept in kept_members.get(service, {}).items():
        shape = shapes[name]
        missing = [k for k in kept if k not in shape["members"]]
        if missing:  # a member renamed by a newer model: keep what the code reads under its new name
            sys.exit(f"{service}: {name} has no members {missing}")
        members = {k: v for k, v in shape["members"].items() if k in kept}
        shapes[name] = {**shape, "members": members,
                        **({"required": [r for r in shape["required"] if r in kept]} if "required" in shape else {})}
    return {**model, "shapes": shapes}


def trim(model, operations):
    missing = [o for o in operations if o not in model["operations"]]
    if missing:
        sys.exit(f"operations not in the model: {missing}")
    ops = {name: supported_checksums(model["operations"][name]) for name in sorted(operations)}
    todo = []
    for op in ops.values():
        for key in ("input", "output"):
            if key in op:
                todo.append(op[key]["shape"])
        todo.extend(e["shape"] for e in op.get("errors", []))
    keep = set()
    while todo:
        name = todo.pop()
        if name in keep:
            continue
        keep.add(name)
        todo.extend(shape_refs(model["shapes"][name]))
    trimmed = {k: v for k, v in model.items() if k not in ("operations", "shapes")}
    trimmed["operations"] = ops
    trimmed["shapes"] = {name: model["shapes"][name] for name in sorted(keep)}
    return trimmed


def simple_methods(model, blacklisted):
    """The no-argument overloads (ec2.describeVpcs(), sfn.listStateMachines()) that the published clients have:
    one for each operation whose input has no required member."""
    names = []
    for name, op in model["operations"].items():
        shape = model["shapes"][op["input"]["shape"]] if "input" in op else {}
        method = name[0].lower() + name[1:]
        if not shape.get("required") and method not in blacklisted:
            names.append(method)
    return sorted(names)


def customization(service, model):
    config = {**COMMON_CUSTOMIZATIONS, **CUSTOMIZATIONS[service]}
    if "renameShapes" in config:  # the generator refuses to rename a shape the model does not have
        config["renameShapes"] = {k: v for k, v in config["renameShapes"].items() if k in model["shapes"]}
        if not config["renameShapes"]:
            del config["renameShapes"]
    config["verifiedSimpleMethods"] = simple_methods(model, BLACKLISTED_SIMPLE_METHODS.get(service, []))
    return config


def write_json(path, data):
    path.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")


def main():
    repo = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--botocore-data", type=Path, default=None, help="botocore's data directory")
    parser.add_argument("--out", type=Path, default=repo / "functions" / "src" / "main" / "sdk-models")
    parser.add_argument("--runner-out", type=Path, default=repo / "runner" / "src" / "main" / "sdk-models")
    parser.add_argument("--test-out", type=Path, default=repo / "tests" / "src" / "test" / "sdk-models")
    args = parser.parse_args()
    args.out, args.runner_out, args.test_out = args.out.resolve(), args.runner_out.resolve(), args.test_out.resolve()
    data = args.botocore_data or default_botocore_data()

    runner = {s: OPERATIONS[s] + RUNNER_OPERATIONS[s] for s in RUNNER_OPERATIONS}
    tests = {s: OPERATIONS[s] + RUNNER_OPERATIONS.get(s, []) + TEST_OPERATIONS[s] for s in OPERATIONS
             if s not in FUNCTIONS_ONLY}
    functions_kept = {s: {**KEPT_MEMBERS.get(s, {}), **FUNCTIONS_KEPT_MEMBERS.get(s, {})}
                      for s in KEPT_MEMBERS.keys() | FUNCTIONS_KEPT_MEMBERS.keys()}
    targets = [(args.out, OPERATIONS, functions_kept), (args.runner_out, runner, KEPT_MEMBERS),
               (args.test_out, tests, KEPT_MEMBERS)]
    for base, operations_by_service, kept_members in targets:
        for service, operations in operations_by_service.items():
            src = data / BOTOCORE_MODELS[service]
            out = base / service
            out.mkdir(parents=True, exist_ok=True)

            model = keep_members(service, load_service_model(src), kept_members)
            trimmed = trim(model, operations)
            write_json(out / "service-2.json", trimmed)

            pagination = load_json(src / "paginators-1.json").get("pagination", {})
            write_json(out / "paginators-1.json",
                       {"pagination": {op: pagination[op] for op in sorted(operations) if op in pagination}})

            rules = endpoint_rules(service, load_json(src / "endpoint-rule-set-1.json"))
            write_json(out / "endpoint-rule-set.json", rules)
            write_json(out / "customization.config", customization(service, trimmed))

            print(f"{service}: {len(trimmed['operations'])}/{len(model['operations'])} operations, "
                  f"{len(trimmed['shapes'])}/{len(model['shapes'])} shapes -> {out.relative_to(repo) if out.is_relative_to(repo) else out}")

if __name__ == "__main__":
    main()
