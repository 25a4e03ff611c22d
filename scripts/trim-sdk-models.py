#!/usr/bin/env python3
"""Writes the trimmed AWS service models from which functions/ generates its EC2, DynamoDB and Step Functions clients.

(S3, which the fleet uses, is the published artifact: this build's SDK generator cannot generate it from the current
model.)

Why: the published SDK artifacts carry every operation of their service (software.amazon.awssdk:ec2 alone is
26 MB), which made the Lambda deployment artifact ~38 MB. functions/pom.xml instead runs the SDK's own code
generator (software.amazon.awssdk:codegen-maven-plugin) on the models written here, which keep only the
operations the functions call and the shapes those operations reach. The generated clients live in the same
packages with the same class names as the published ones (Ec2Client, DynamoDbClient, SfnClient and their model
classes), so no calling code or test changes.

Output (committed, so that `sam build` needs neither botocore nor this script):
  functions/src/main/sdk-models/<service>/service-2.json        operations below + transitive closure of shapes
  functions/src/main/sdk-models/<service>/paginators-1.json     paginators of those operations
  functions/src/main/sdk-models/<service>/endpoint-rule-set.json  the service's endpoint rules, unchanged
  functions/src/main/sdk-models/<service>/customization.config  the SDK's own customizations that still apply

  tests/src/test/sdk-models/<service>/...                      the same with TEST_OPERATIONS added (tests only)

Regenerate (after adding an operation below, or to pick up newer models):
  pip install botocore          # any recent version; the models are read from its data directory
  python3 scripts/trim-sdk-models.py
  mvn -DskipTests verify        # at the root: regenerates the clients of functions/ and tests/

To call a new SDK operation from functions/: add it to OPERATIONS; from a test only: to TEST_OPERATIONS. Rerun and
commit the changed models. A call to an operation that is not listed fails at compile time (the method does not
exist on the generated client).
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
    ],
    "dynamodb": [
        "ListTables",
        # The fleet's verify reads the claims of many VPCs at once.
        "BatchGetItem",
        # The lease lock and the claims (dynamodb-lock-client calls the first six; the claims use Get/Put).
        "CreateTable",
        "DeleteItem",
        "DescribeTable",
        "GetItem",
        "PutItem",
        "Query",
        "Scan",
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
}

# Operations that only the tests call (to set up or probe moto_server). They are not shipped: the tests module
# generates its own clients from models with OPERATIONS + TEST_OPERATIONS into tests/target/classes, which come
# before the functions' jar on the test classpath, so the tests see a superset of the shipped API while the shipped
# code paths (the same generator on the same shapes) are what they exercise.
TEST_OPERATIONS = {
    "ec2": [
        "CreateVpc",
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


def trim(model, operations):
    missing = [o for o in operations if o not in model["operations"]]
    if missing:
        sys.exit(f"operations not in the model: {missing}")
    ops = {name: model["operations"][name] for name in sorted(operations)}
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
    config["verifiedSimpleMethods"] = simple_methods(model, BLACKLISTED_SIMPLE_METHODS.get(service, []))
    return config


def write_json(path, data):
    path.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")


def main():
    repo = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--botocore-data", type=Path, default=None, help="botocore's data directory")
    parser.add_argument("--out", type=Path, default=repo / "functions" / "src" / "main" / "sdk-models")
    parser.add_argument("--test-out", type=Path, default=repo / "tests" / "src" / "test" / "sdk-models")
    args = parser.parse_args()
    args.out, args.test_out = args.out.resolve(), args.test_out.resolve()
    data = args.botocore_data or default_botocore_data()

    targets = [(args.out, OPERATIONS), (args.test_out, {s: OPERATIONS[s] + TEST_OPERATIONS[s] for s in OPERATIONS})]
    for base, operations_by_service in targets:
        for service, operations in operations_by_service.items():
            src = data / BOTOCORE_MODELS[service]
            out = base / service
            out.mkdir(parents=True, exist_ok=True)

            model = load_json(src / "service-2.json")
            trimmed = trim(model, operations)
            write_json(out / "service-2.json", trimmed)

            pagination = load_json(src / "paginators-1.json").get("pagination", {})
            write_json(out / "paginators-1.json",
                       {"pagination": {op: pagination[op] for op in sorted(operations) if op in pagination}})

            write_json(out / "endpoint-rule-set.json", load_json(src / "endpoint-rule-set-1.json"))
            write_json(out / "customization.config", customization(service, trimmed))

            print(f"{service}: {len(trimmed['operations'])}/{len(model['operations'])} operations, "
                  f"{len(trimmed['shapes'])}/{len(model['shapes'])} shapes -> {out.relative_to(repo) if out.is_relative_to(repo) else out}")

if __name__ == "__main__":
    main()
