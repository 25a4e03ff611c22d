#!/usr/bin/env python3
"""The CloudFormation template that AWS SAM makes of a SAM template, without an AWS account.

    scripts/sam-transform.py template.yaml > transformed.json
    scripts/sam-transform.py --out-dir DIR a.yaml b.yaml ...   # DIR/a.json, DIR/b.json (one process for many)

Runs the AWS::Serverless-2016-10-31 transform with samtranslator, the library that SAM CLI and cfn-lint use (it
comes with `pip install cfn-lint`), so that what is checked is the IAM CloudFormation gets: every
AWS::IAM::Role SAM generates, with its policy templates expanded and the managed policies it attaches.

What `sam deploy` would do first, done here without uploading: local CodeUri and DefinitionUri paths become
S3 locations (a placeholder bucket; the code itself is not part of the IAM). The template is read with
cfn-lint's decoder, which understands the short forms (!Sub, !Ref, !GetAtt...). Names of AWS managed policies
resolve through the map samtranslator bundles; the loader it would call otherwise (IAM ListPolicies, which needs
credentials) answers an empty map here, so an unknown name stays as written and the checks see it.

Exit codes: 0 done, 1 a template could not be read or transformed (the reason on stderr), 2 usage,
3 samtranslator or cfn-lint is not installed.
"""
import argparse
import json
import os
import sys

try:
    import cfnlint.decode
    from samtranslator.translator.managed_policy_translator import ManagedPolicyLoader
    from samtranslator.translator.transform import transform
except ImportError as missing:  # pragma: no cover - the message is the point
    print(f"sam-transform: cannot import samtranslator/cfn-lint ({missing}); install them with "
          "`python3 -m pip install cfn-lint` (CI does, see .ci/run)", file=sys.stderr)
    sys.exit(3)

PLACEHOLDER_BUCKET = "sam-transform-placeholder"


class NoAccountPolicyLoader(ManagedPolicyLoader):
    """The fallback samtranslator calls for a managed policy name it does not bundle: no IAM call here."""

    def __init__(self):  # the parent wants an IAM client
        super().__init__(iam_client=None)

    def load(self):
        return {}


def _s3(path):
    return {"Bucket": PLACEHOLDER_BUCKET, "Key": str(path)}


def package_locally(template):
    """Local artifact paths as `sam package` leaves them: S3 locations."""
    function_globals = template.get("Globals", {}).get("Function", {})
    if isinstance(function_globals.get("CodeUri"), str):
        function_globals["CodeUri"] = _s3(function_globals["CodeUri"])
    for resource in template.get("Resources", {}).values():
        properties = resource.get("Properties")
        if not isinstance(properties, dict):
            continue
        if resource.get("Type") == "AWS::Serverless::Function" and isinstance(properties.get("CodeUri"), str):
            properties["CodeUri"] = _s3(properties["CodeUri"])
        if resource.get("Type") == "AWS::Serverless::StateMachine" and isinstance(properties.get("DefinitionUri"), str):
            properties["DefinitionUri"] = _s3(properties["DefinitionUri"])
    return template


def plain(value):
    """cfn-lint's nodes (dict/list/str subclasses that carry line marks) as plain JSON values."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def transformed(path):
    template, problems = cfnlint.decode.decode(path)
    if problems or template is None:
        raise ValueError("; ".join(str(p) for p in problems) or "not a template")
    return transform(package_locally(plain(template)), {}, NoAccountPolicyLoader())


def main(argv):
    parser = argparse.ArgumentParser(description="Transform SAM templates as CloudFormation would.")
    parser.add_argument("templates", nargs="+")
    parser.add_argument("--out-dir", help="write DIR/<name>.json for each template instead of printing one")
    args = parser.parse_args(argv)
    if args.out_dir is None and len(args.templates) != 1:
        parser.error("one template prints to stdout; give --out-dir for several")
    # samtranslator derives the partition of the managed policies' ARNs from the region.
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    failed = False
    for path in args.templates:
        try:
            result = transformed(path)
        except Exception as error:  # samtranslator's InvalidDocumentException and friends: say which and why
            causes = [getattr(c, "message", str(c)) for c in getattr(error, "causes", [])]
            print(f"sam-transform: {path}: {'; '.join(causes) or getattr(error, 'message', None) or error}",
                  file=sys.stderr)
            failed = True
            continue
        text = json.dumps(result, indent=1, sort_keys=True)
        if args.out_dir is None:
            print(text)
        else:
            name = os.path.splitext(os.path.basename(path))[0] + ".json"
            with open(os.path.join(args.out_dir, name), "w", encoding="utf-8") as out:
                out.write(text)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
