#!/usr/bin/env python3
"""The CloudFormation template that AWS SAM makes of a SAM template, without an AWS account.

    scripts/sam-transform.py template.yaml > transformed.json
    scripts/sam-transform.py --out-dir DIR a.yaml b.yaml ...   # DIR/a.json, DIR/b.json (one process for many)
    scripts/sam-transform.py --parameter AlarmEmail=ops@example.com template.yaml   # as deployed with that value

Runs the AWS::Serverless-2016-10-31 transform with samtranslator, the library that SAM CLI and cfn-lint use (it
comes with `pip install cfn-lint`), so that what is checked is the IAM CloudFormation gets: every
AWS::IAM::Role SAM generates, with its policy templates expanded and the managed policies it attaches.

What `sam deploy` would do first, done here without uploading: local CodeUri and DefinitionUri paths become
S3 locations (a placeholder bucket; the code itself is not part of the IAM). The template is read with
cfn-lint's decoder, which understands the short forms (!Sub, !Ref, !GetAtt...). Names of AWS managed policies
resolve through the map samtranslator bundles; the loader it would call otherwise (IAM ListPolicies, which needs
credentials) answers an empty map here, so an unknown name stays as written and the checks see it.

With --parameter (any number, KEY=VALUE; the other parameters keep their defaults) the result is what a stack
deployed with those values holds, as CloudFormation decides it: each value checked against its AllowedValues and
AllowedPattern, the template's Rules asserted, the Conditions evaluated, resources and outputs whose condition is
false left out, each Fn::If replaced by the branch its condition chooses (AWS::NoValue: the key is left out) and
each Ref to a parameter by its value.
Without it every resource is kept, conditional or not (what the IAM checks want: every role that could exist).

Exit codes: 0 done, 1 a template could not be read or transformed (the reason on stderr), 2 usage,
3 samtranslator or cfn-lint is not installed.
"""
import argparse
import json
import os
import re
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


class NotDeployable(ValueError):
    """Parameter values CloudFormation would refuse, with the reason it would give."""


def parameter_values(template, overrides):
    """The stack's parameter values: the defaults, then the overrides, each checked as CloudFormation checks it."""
    declared = template.get("Parameters", {})
    values = {}
    for name, value in overrides.items():
        if name not in declared:
            raise NotDeployable(f"parameter {name} is not declared (declared: {', '.join(sorted(declared))})")
    for name, spec in declared.items():
        if name in overrides:
            value = overrides[name]
        elif "Default" in spec:
            value = str(spec["Default"])
        else:
            raise NotDeployable(f"parameter {name} has no default and no value was given")
        allowed = spec.get("AllowedValues")
        pattern = spec.get("AllowedPattern")
        reason = spec.get("ConstraintDescription")
        if allowed is not None and value not in [str(a) for a in allowed]:
            raise NotDeployable(f"parameter {name}: {value!r} is not one of {allowed}" + (f" ({reason})" if reason else ""))
        if pattern is not None and re.fullmatch(pattern, value) is None:
            raise NotDeployable(f"parameter {name}: {value!r} must match {pattern}" + (f" ({reason})" if reason else ""))
        values[name] = value
    return values


def evaluate(expression, values, conditions, definitions):
    """A condition or rule expression: Fn::Equals, Fn::Not, Fn::And, Fn::Or, Fn::Join, Fn::EachMemberEquals,
    Condition, Ref and literals (a CommaDelimitedList parameter's value is its comma-separated text)."""
    if isinstance(expression, dict) and len(expression) == 1:
        (function, argument), = expression.items()
        if function == "Ref":
            if argument not in values:
                raise NotDeployable(f"Ref {argument} in a condition or rule names no parameter")
            return values[argument]
        if function == "Condition":
            return condition(argument, values, conditions, definitions)
        if function == "Fn::Equals":
            left, right = (evaluate(a, values, conditions, definitions) for a in argument)
            return str(left) == str(right)
        if function == "Fn::Not":
            return not evaluate(argument[0], values, conditions, definitions)
        if function == "Fn::And":
            return all(evaluate(a, values, conditions, definitions) for a in argument)
        if function == "Fn::Or":
            return any(evaluate(a, values, conditions, definitions) for a in argument)
        if function == "Fn::Join":
            delimiter, items = argument
            joined = evaluate(items, values, conditions, definitions)
            if isinstance(joined, str):
                joined = joined.split(",")
            return delimiter.join(str(evaluate(i, values, conditions, definitions)) for i in joined)
        if function == "Fn::EachMemberEquals":
            members, expected = argument
            listed = evaluate(members, values, conditions, definitions)
            return all(m == str(expected) for m in (listed.split(",") if isinstance(listed, str) else listed))
        raise NotDeployable(f"{function} in a condition or rule is not evaluated by this script")
    return expression


def condition(name, values, conditions, definitions):
    if name not in conditions:
        if name not in definitions:
            raise NotDeployable(f"condition {name} is not defined")
        conditions[name] = bool(evaluate(definitions[name], values, conditions, definitions))
    return conditions[name]


NO_VALUE = object()


def chosen(value, conditions, values):
    """Each Fn::If replaced by the branch its condition chooses, each Ref to a parameter by its value;
    AWS::NoValue leaves the key or item out."""
    if isinstance(value, dict):
        if len(value) == 1 and "Fn::If" in value:
            name, when_true, when_false = value["Fn::If"]
            return chosen(when_true if conditions[name] else when_false, conditions, values)
        if value == {"Ref": "AWS::NoValue"}:
            return NO_VALUE
        if len(value) == 1 and value.get("Ref") in values:
            if value["Ref"] in LISTS:
                return values[value["Ref"]].split(",")
            return values[value["Ref"]]
        kept = {k: chosen(v, conditions, values) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v is not NO_VALUE}
    if isinstance(value, list):
        return [v for v in (chosen(v, conditions, values) for v in value) if v is not NO_VALUE]
    return value


LISTS = set()  # the CommaDelimitedList parameters of the template being deployed


def deployed(template, overrides):
    """What a stack made from the (transformed) template with these parameter values holds."""
    values = parameter_values(template, overrides)
    LISTS.clear()
    LISTS.update(n for n, spec in template.get("Parameters", {}).items() if spec.get("Type") == "CommaDelimitedList")
    definitions = template.get("Conditions", {})
    for rule_name, rule in template.get("Rules", {}).items():
        applies = rule.get("RuleCondition")
        if applies is not None and not evaluate(applies, values, {}, {}):
            continue
        for assertion in rule.get("Assertions", []):
            if not evaluate(assertion["Assert"], values, {}, {}):
                raise NotDeployable(f"rule {rule_name}: {assertion.get('AssertDescription', 'assertion failed')}")
    conditions = {}
    for name in definitions:
        condition(name, values, conditions, definitions)
    result = dict(template)
    for section in ("Resources", "Outputs"):
        entries = template.get(section, {})
        result[section] = {name: chosen(entry, conditions, values) for name, entry in entries.items()
                           if "Condition" not in entry or conditions[entry["Condition"]]}
    return result


def transformed(path):
    template, problems = cfnlint.decode.decode(path)
    if problems or template is None:
        raise ValueError("; ".join(str(p) for p in problems) or "not a template")
    return transform(package_locally(plain(template)), {}, NoAccountPolicyLoader())


def main(argv):
    parser = argparse.ArgumentParser(description="Transform SAM templates as CloudFormation would.")
    parser.add_argument("templates", nargs="+")
    parser.add_argument("--out-dir", help="write DIR/<name>.json for each template instead of printing one")
    parser.add_argument("--parameter", action="append", default=[], metavar="KEY=VALUE",
                        help="deploy with this parameter value (repeatable): conditions decide what is kept")
    args = parser.parse_args(argv)
    overrides = {}
    for pair in args.parameter:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            parser.error(f"--parameter {pair!r}: give KEY=VALUE")
        overrides[key] = value
    if args.out_dir is None and len(args.templates) != 1:
        parser.error("one template prints to stdout; give --out-dir for several")
    # samtranslator derives the partition of the managed policies' ARNs from the region.
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    failed = False
    for path in args.templates:
        try:
            result = transformed(path)
            if args.parameter:
                result = deployed(result, overrides)
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
