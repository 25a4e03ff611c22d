#!/usr/bin/env python3
"""vpce-pilot benchmark: the tutorial's CLI path against the workflow, AWS call budget, cold starts, artifact size.

One run, one moto_server on loopback (through aws_faithful_moto_server.py when the python3 on the PATH imports moto,
as ./run-local and the tests start it), a counting proxy (the test kit's fault proxy with no faults) in front of
it. Prints the figures and writes BENCHMARKS.md. A benchmark, not a test: nothing here fails a build.

    bench/run.py [--rounds N] [--warm-calls N] [--no-write] [--calls-only | --startup-only]

--calls-only measures only the AWS call budget (and rewrites only that section of BENCHMARKS.md); --startup-only only
the functions' cold starts and the deployment artifact (and rewrites only those two sections).
"""
import argparse
import datetime
import http.server
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REGION = "us-east-1"
SERVICE = f"com.amazonaws.{REGION}.dynamodb"
# The flags the Lambda Java runtime starts the JVM with (plus the tiered-compilation setting of template.yaml).
LAMBDA_JVM_FLAGS = ["-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"]
HANDLERS = ["CheckServiceAvailabilityHandler", "ResolveVpcHandler", "CreateEndpointHandler",
            "GetEndpointStatusHandler", "VerifyEndpointHandler", "VerifyInterfaceEndpointHandler", "CleanupHandler",
            "ReleaseHandler", "RollbackHandler", "CloudFormationHookHandler"]
# The fleet's functions, in the order of a fleet execution: each one's input is made of the steps before it.
FLEET_HANDLERS = ["FleetPlanHandler", "FleetSurveyHandler", "FleetApplyHandler", "FleetCommitHandler",
                  "FleetReportHandler", "DescribeFailureHandler"]
# moto's account for the fixed keys: the fleet's own account, so no target needs sts:AssumeRole.
ACCOUNT = "123456789012"
PATCH = os.path.join(ROOT, "runner/src/main/resources/dev/vpcepilot/local/moto/aws_faithful_moto_server.py")
# ./run-local creates the template's tables in the emulator as it starts (LocalWorkflow.provision: the local stand-in
# for the deployment, which creates LockTable once): not a call a run makes on AWS, so not in the budget.
PROVISIONING = {"dynamodb:CreateTable"}
# The lock's calls: the scope's lease and claims are one item of LockTable (sharing/LeaseLedger).
LOCK_ACTIONS = {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"}
EXECUTION = f"arn:aws:states:{REGION}:{ACCOUNT}:execution:EndpointStateMachine:bench"
FLEET_EXECUTION = f"arn:aws:states:{REGION}:{ACCOUNT}:execution:FleetStateMachine:bench"
# The call budget this script measured before the lock (BENCHMARKS.md of 2026-11-27, commit 2483dec).
def log(msg):
    print(msg, file=sys.stderr, flush=True)


def java_home():
    out = subprocess.run(["bash", "-c", ". scripts/select-jdk.sh && vpce_select_jdk && echo $JAVA_HOME"],
                         cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0 or not out.stdout.strip():
        sys.exit("No JDK >= 21 found (see scripts/select-jdk.sh)")
    return out.stdout.strip()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except Exception:
            time.sleep(0.1)
    sys.exit(f"{url} did not answer within {seconds} s")


def aws_env():
    env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
               AWS_DEFAULT_REGION=REGION, AWS_REGION=REGION, AWS_PAGER="")
    env.pop("AWS_PROFILE", None)
    return env


def aws(endpoint, *args):
    out = subprocess.run(["aws", "--endpoint-url", endpoint, "--output", "json", *args],
                         capture_output=True, text=True, env=aws_env())
    if out.returncode != 0:
        raise RuntimeError(f"aws {' '.join(args)} failed: {out.stderr.strip()}")
    return json.loads(out.stdout) if out.stdout.strip() else {}


def new_vpc(moto):
    vpc = aws(moto, "ec2", "create-vpc", "--cidr-block", "10.%d.0.0/16" % (int(time.time() * 1000) % 250))["Vpc"]["VpcId"]
    return vpc


def testkit_class_path():
    """The test kit as `mvn install` leaves it: its classes and its runtime dependencies (the runner and the
    functions among them), where the proxy and the cold-start probe run."""
    return os.pathsep.join([os.path.join(ROOT, "testkit/target/classes"), os.path.join(ROOT, "testkit/target/lib/*")])


def probe_class_path():
    """The test kit's class path with the functions' jar first: the handlers run with the SDK clients they are
    deployed with (generated from trimmed models), not the runner's (its published S3 client, its DynamoDB client with
    CreateTable), whatever order the JVM gives the jars of lib/*."""
    return os.pathsep.join([os.path.join(ROOT, "testkit/target/lib/vpce-pilot-functions-1.0.0.jar"),
                            testkit_class_path()])


class Proxy:
    """The fault proxy of the test kit, run with no faults: it only counts calls per AWS action."""

    def __init__(self, jh, target):
        self.proc = subprocess.Popen([os.path.join(jh, "bin/java"), "-cp", testkit_class_path(),
                                      "dev.vpcepilot.testkit.faults.FaultProxyMain", "--target", target],
                                     stdout=subprocess.PIPE, stdin=subprocess.PIPE, text=True)
        self.endpoint = json.loads(self.proc.stdout.readline())["endpoint"]

    def reset(self):
        urllib.request.urlopen(urllib.request.Request(self.endpoint + "/__faults/reset", method="POST")).read()

    def counts(self):
        return json.loads(urllib.request.urlopen(self.endpoint + "/__faults/counts").read())

    def close(self):
        self.proc.stdin.close()
        self.proc.terminate()
        self.proc.wait(10)


def aws_calls(counts):
    per_action = counts.get("counts", counts)
    return {k: v for k, v in per_action.items() if not k.startswith("other:") and k not in PROVISIONING}


def start_moto(port, log_file):
    """The AWS-faithful emulator when python3 imports moto (what the product is tested against), else moto_server."""
    check = subprocess.run(["python3", "-c", "import moto.server, moto.ec2.models.vpcs"], capture_output=True)
    command = ["python3", PATCH] if check.returncode == 0 else ["moto_server"]
    proc = subprocess.Popen(command + ["-H", "127.0.0.1", "-p", str(port)], stdout=log_file, stderr=subprocess.STDOUT)
    return proc, ("moto_server through aws_faithful_moto_server.py" if check.returncode == 0 else "plain moto_server")


def tutorial_path(endpoint, vpc):
    """The tutorial's five commands, as a person runs them."""
    start = time.perf_counter()
    aws(endpoint, "dynamodb", "list-tables")
    aws(endpoint, "ec2", "describe-vpc-endpoint-services")
    aws(endpoint, "ec2", "describe-vpcs")
    aws(endpoint, "ec2", "create-vpc-endpoint", "--vpc-id", vpc, "--service-name", SERVICE)
    aws(endpoint, "dynamodb", "list-tables")
    return time.perf_counter() - start


def workflow(endpoint, vpc, **extra):
    start = time.perf_counter()
    out = subprocess.run([os.path.join(ROOT, "run-local"), "--endpoint-url", endpoint, "--region", REGION,
                          "--input-json", json.dumps(dict({"vpcId": vpc}, **extra))], capture_output=True, text=True,
                         env=dict(os.environ, VPCE_PILOT_SKIP_BUILD="1"))
    elapsed = time.perf_counter() - start
    if out.returncode != 0:
        raise RuntimeError(f"run-local failed ({out.returncode}): {out.stdout}{out.stderr[-2000:]}")
    return elapsed, json.loads(out.stdout)


def cold_start(jh, handler, payload, endpoint, warm_calls):
    out = subprocess.run([os.path.join(jh, "bin/java"), *LAMBDA_JVM_FLAGS, "-cp", probe_class_path(),
                          "dev.vpcepilot.testkit.bench.HandlerColdStart", "dev.vpcepilot.handlers." + handler,
                          json.dumps(payload), endpoint, REGION, str(warm_calls), os.path.join(ROOT, "template.yaml")],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"cold start of {handler} failed: {out.stderr[-2000:]}")
    # the probe's line, the last: a function's own log lines go to stdout too, as in Lambda
    start = out.stdout.rfind('{"handler":')
    if start < 0:
        raise RuntimeError(f"the cold start of {handler} printed no result: {out.stdout[-2000:]}{out.stderr[-2000:]}")
    result = json.loads(out.stdout[start:])
    if result.get("firstCallError"):
        raise RuntimeError(f"the first call of {handler} failed ({result['firstCallError']}): {out.stderr[-2000:]}")
    return result


def interface_payloads(moto):
    """The interface endpoint's verification: an interface endpoint made through ./run-local in a VPC with a subnet in
    each of two zones (one each, the default), and the step's input as the state machine passes it."""
    vpc = new_vpc(moto)
    cidr = aws(moto, "ec2", "describe-vpcs", "--vpc-ids", vpc)["Vpcs"][0]["CidrBlock"]
    prefix = ".".join(cidr.split(".")[:2])
    for i, zone in enumerate([REGION + "a", REGION + "b"]):
        aws(moto, "ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", f"{prefix}.{i}.0/24",
            "--availability-zone", zone)
    _, made = workflow(moto, vpc, endpointType="Interface")
    subnets = made["subnetIds"]
    zones = {s["SubnetId"]: s["AvailabilityZone"]
             for s in aws(moto, "ec2", "describe-subnets", "--subnet-ids", *subnets)["Subnets"]}
    serving = {"vpcEndpointId": made["vpcEndpointId"], "state": "available", "created": False, "owned": True,
               "endpoints": [{"vpcEndpointId": made["vpcEndpointId"], "owned": True, "held": True, "created": False,
                              "state": "available", "routeTableIds": subnets, "createdAt": None}],
               "previousPolicies": {}, "previousTags": {}, "waitAttempts": 0, "verified": None, "tables": None}
    return {"VerifyInterfaceEndpointHandler": {
        "serviceName": SERVICE, "vpcId": vpc, "cleanup": False, "customResource": None, "executionId": EXECUTION,
        "interfaces": {"subnetIds": subnets, "subnetZones": zones, "vpcCidrs": [cidr]}, "endpoint": serving}}


def single_vpc_cold_starts(jh, moto, warm_calls):
    """The single-VPC workflow's functions and the hook, with realistic inputs for each step."""
    vpc = new_vpc(moto)
    rtb = aws(moto, "ec2", "describe-route-tables", "--filters", f"Name=vpc-id,Values={vpc}")["RouteTables"][0]["RouteTableId"]
    _, made = workflow(moto, vpc)
    serving = {"vpcEndpointId": made["vpcEndpointId"], "state": "available", "created": False, "owned": True,
               "endpoints": [{"vpcEndpointId": made["vpcEndpointId"], "owned": True, "held": True,
                              "created": False, "state": "available", "routeTableIds": [rtb],
                              "createdAt": None}],
               "previousPolicies": {}, "previousTags": {}, "waitAttempts": 0}
    step = {"serviceName": SERVICE, "vpcId": vpc, "executionId": EXECUTION}
    with open(os.path.join(ROOT, "events/cfn-delete.json")) as f:
        hook_event = json.load(f)
    # the hook's answer goes to a loopback URL that takes every PUT, as CloudFormation's presigned URL does
    answers = AnswerSink()
    hook_event["ResponseURL"] = answers.url
    payloads = {
        "CheckServiceAvailabilityHandler": {"vpcId": vpc},
        "ResolveVpcHandler": {"vpcId": vpc, "routeTableIds": None},
        "CreateEndpointHandler": dict(step, routeTableIds=[rtb], policyDocument=None, tags={}, cleanup=False,
                                      customResource=None, routeTablesRead=None),
        "GetEndpointStatusHandler": serving,
        "VerifyEndpointHandler": dict(step, routeTableIds=[rtb], cleanup=False, customResource=None,
                                      requireDataPath=False, verified=None, tables=None),
        "CleanupHandler": dict(step, endpoint=serving),
        # after the steps that use the standing endpoint: its first call releases it
        "ReleaseHandler": dict(step, routeTableIds=[rtb]),
        "RollbackHandler": {"execution": EXECUTION, "error": {"Error": "States.Timeout", "Cause": "bench"}},
        # the deletion of an endpoint that does not exist (the sample event's): looked up, nothing to release, answered
        "CloudFormationHookHandler": hook_event,
        **interface_payloads(moto),
    }
    try:
        return [cold_start(jh, h, payloads[h], moto, warm_calls) for h in HANDLERS]
    finally:
        answers.close()


class AnswerSink:
    """A loopback HTTP server that answers 200 to every PUT: where the hook delivers its answers."""

    def __init__(self):
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_PUT(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/bench/hook-answer"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def template_bucket(moto):
    """The template's bucket (FleetReportBucket) as ./run-local made it in the emulator: the only one."""
    buckets = [b["Name"] for b in aws(moto, "s3api", "list-buckets").get("Buckets", [])]
    if len(buckets) != 1:
        raise RuntimeError(f"expected the template's one bucket in the emulator, found {buckets}")
    return buckets[0]


def fleet_cold_starts(jh, moto, warm_calls):
    """The fleet's functions, each step's input made of the steps before it, as the fleet state machine makes it. One
    `./run-local --fleet` apply first leaves a Distributed Map's results (the report's input); a VPC made after it
    gives the survey something to apply."""
    fleet_input = {"accounts": [ACCOUNT], "regions": [REGION], "mode": "apply"}
    out = subprocess.run([os.path.join(ROOT, "run-local"), "--endpoint-url", moto, "--region", REGION, "--fleet",
                          "--input-json", json.dumps(fleet_input)], capture_output=True, text=True,
                         env=dict(os.environ, VPCE_PILOT_SKIP_BUILD="1"))
    if out.returncode != 0:
        raise RuntimeError(f"run-local --fleet failed ({out.returncode}): {out.stdout}{out.stderr[-2000:]}")
    bucket = template_bucket(moto)
    listed = aws(moto, "s3api", "list-objects-v2", "--bucket", bucket).get("Contents", [])
    manifest = next(o["Key"] for o in listed if o["Key"].endswith("manifest.json"))
    new_vpc(moto)
    starts = []

    def run(handler, payload):
        starts.append(cold_start(jh, handler, payload, moto, warm_calls))
        return starts[-1]["output"]

    plan = run("FleetPlanHandler", {"input": fleet_input, "executionId": FLEET_EXECUTION})
    with tempfile.NamedTemporaryFile(suffix=".json") as targets:
        aws(moto, "s3api", "get-object", "--bucket", plan["targets"]["bucket"], "--key", plan["targets"]["key"],
            targets.name)
        target = json.load(open(targets.name))[0]
    child = {"target": target, "request": plan["request"], "executionId": FLEET_EXECUTION}
    survey = run("FleetSurveyHandler", child)
    applied = run("FleetApplyHandler", dict(child, survey=survey))
    run("FleetCommitHandler", dict(child, applied=applied))
    run("FleetReportHandler", {"manifestKey": manifest, "reportKey": plan["reportKey"], "request": plan["request"],
                               "toleratedFailurePercentage": plan["toleratedFailurePercentage"]})
    run("DescribeFailureHandler", {"error": "States.TaskFailed", "cause": "bench"})
    return starts


def startup_lines(starts, warm_calls, loads):
    lines = [
        "## Handler cold start and warm latency", "",
        f"Measured on {datetime.date.today().isoformat()} on {machine()}; the load average (1 min) was",
        f"{loads[0]:.1f} when the cold starts began and {loads[1]:.1f} when they ended (the cores are shared with other",
        "developers' builds and tests).", "",
        f"Fresh JVM per function with Lambda's flags (`{' '.join(LAMBDA_JVM_FLAGS)}`), SDK clients pointed at",
        "moto_server, built as the local runner builds them (the template's environment, e.g. LockTable) from the",
        "functions' jar, with the SDK clients they are deployed with; cold start = JVM start to the first response",
        "(without SnapStart, which restores from a snapshot taken after priming); warm = median of "
        f"{warm_calls} further calls",
        "(the locking steps' include their lock's DynamoDB calls). Every function of the template: the single-VPC",
        "workflow's (the interface endpoint's verification on an interface endpoint made through ./run-local), the",
        "hook (deleting an endpoint that does not exist: looked up, answered to a loopback URL) and the fleet's, each",
        "fleet step's input made of the steps before it; not the probe inside the VPC (DataPathProbeFunction), which a",
        "stack has only with ProbeVpcId and whose cold start in Lambda is its network interface in the VPC, which no",
        "local run shows.", "",
        "| handler | JVM start to handler ready | cold start (first response) | warm median |", "|---|---|---|---|",
    ]
    for s in starts:
        lines.append(f"| {s['handler']} | {s['initMs']} ms | {s['coldStartMs']} ms | {s['warmMedianMs']:.1f} ms |")
    return lines + [""]


def artifact_lines(jh):
    classes, jars, jar_count, zipped = artifact_size(jh)
    mib = 2 ** 20
    return ["## Deployment artifact", "",
            f"Measured on {datetime.date.today().isoformat()}. What `sam build` lays out per function "
            "(`scripts/sam-style-build.sh`: the classes at the root,",
            "the runtime dependencies under `lib/`), and the zip of it that `sam deploy` uploads (Lambda's own limits",
            "are on that zip, 50 MB, and on the unzipped size, 250 MB; ours is at most 8 MiB):", "",
            "| | size |", "|---|---|",
            f"| classes (incl. the SDK clients generated from trimmed models) | {classes / mib:.2f} MiB |",
            f"| {jar_count} runtime jars | {jars / mib:.2f} MiB |",
            f"| unzipped total | {(classes + jars) / mib:.2f} MiB |",
            f"| **deployment package (zip)** | **{zipped / mib:.2f} MiB** |", ""]


def artifact_size(jh):
    """The deployment artifact as `sam build` lays it out for a Java/Maven function (scripts/sam-style-build.sh: its
    classes at the root, the runtime dependencies under lib/; the build the real-runtime tests use, skipped when
    functions/ did not change) and the zip of it that `sam deploy` uploads."""
    out = subprocess.run([os.path.join(ROOT, "scripts/sam-style-build.sh"),
                          os.path.join(ROOT, "target/sam-style-build")],
                         env=dict(os.environ, JAVA_HOME=jh), check=True, capture_output=True, text=True).stdout.strip()
    classes = jars = jar_count = 0
    with tempfile.NamedTemporaryFile(suffix=".zip") as archive:
        with zipfile.ZipFile(archive.name, "w", zipfile.ZIP_DEFLATED) as z:
            for dirpath, _, files in os.walk(out):
                for f in files:
                    path = os.path.join(dirpath, f)
                    name = os.path.relpath(path, out)
                    if name == ".source-digest":  # the build's own bookkeeping, not part of the artifact
                        continue
                    if name.startswith("lib" + os.sep):
                        jars += os.path.getsize(path)
                        jar_count += 1
                    else:
                        classes += os.path.getsize(path)
                    z.write(path, name)
        zipped = os.path.getsize(archive.name)
    return classes, jars, jar_count, zipped


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, {platform.system()} {platform.release()}"


def locked_calls(calls):
    return {k: v for k, v in calls.items() if k in LOCK_ACTIONS}


def call_budget(proxy, moto, rounds):
    """Per round, the calls of a creating run, a run with nothing to change (the same VPC again: the schedule's
    steady state) and a creating run with cleanup (a fresh VPC), each alone against the emulator."""
    create_calls, reuse_calls, cleanup_calls = [], [], []
    for r in range(rounds):
        vpc = new_vpc(moto)
        proxy.reset()
        _, out = workflow(proxy.endpoint, vpc)
        assert out["created"] is True, out
        create_calls.append(aws_calls(proxy.counts()))
        proxy.reset()
        _, again = workflow(proxy.endpoint, vpc)
        assert again["created"] is False, again
        reuse_calls.append(aws_calls(proxy.counts()))
        proxy.reset()
        _, tried = workflow(proxy.endpoint, new_vpc(moto), cleanup=True)
        assert tried["created"] is True and tried["cleanedUp"] is True, tried
        cleanup_calls.append(aws_calls(proxy.counts()))
        log(f"calls, round {r + 1}: creating {sum(create_calls[-1].values())}, nothing to change "
            f"{sum(reuse_calls[-1].values())}, with cleanup {sum(cleanup_calls[-1].values())}")
    return create_calls, reuse_calls, cleanup_calls


def contended_calls(proxy, moto, runs):
    """The calls of `runs` identical runs started together on one VPC (one creates, the others reuse; the lock makes
    them take turns)."""
    vpc = new_vpc(moto)
    proxy.reset()
    procs = [subprocess.Popen([os.path.join(ROOT, "run-local"), "--endpoint-url", proxy.endpoint, "--region", REGION,
                               "--input-json", json.dumps({"vpcId": vpc})], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True, env=dict(os.environ, VPCE_PILOT_SKIP_BUILD="1"))
             for _ in range(runs)]
    outputs = [json.loads(p.communicate()[0]) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    assert sum(1 for o in outputs if o["created"]) == 1, outputs
    calls = aws_calls(proxy.counts())
    log(f"calls, {runs} runs together: {sum(calls.values())}, lock {sum(locked_calls(calls).values())}")
    return calls


# The reads the data path adds to VerifyEndpoint (functions/.../datapath/DataPathReader).
DATA_PATH_READS = {"ec2:DescribeSubnets", "ec2:DescribeNetworkAcls", "ec2:GetManagedPrefixListEntries"}


def call_budget_lines(create_calls, reuse_calls, cleanup_calls, contended, together, emulator):
    runs = {"creating run": create_calls, "nothing-to-change run": reuse_calls,
            "creating run with cleanup": cleanup_calls}
    steps = {"creating run": 1, "nothing-to-change run": 0, "creating run with cleanup": 2}

    def line(name):
        most = max(sum(c.values()) for c in runs[name])
        lock = sum(locked_calls(runs[name][-1]).values())
        ec2 = sum(v for k, v in runs[name][-1].items() if k.startswith("ec2:"))
        return (f"- {name}: **{most}** calls ({lock} for the lock, {ec2} EC2): "
                + ", ".join(f"{k} {v}" for k, v in sorted(runs[name][-1].items())))

    per_step = sorted({sum(locked_calls(runs[name][-1]).values()) / steps[name] for name in runs if steps[name]})
    steady = reuse_calls[-1]
    return [
        "## AWS calls per run (counted by the proxy)", "",
        f"Each run alone, {len(create_calls)} rounds, {emulator}; the most calls any round made. Not counted:",
        "the `dynamodb:CreateTable` each `./run-local` makes as it starts (the local stand-in for the deployment",
        "creating the template's LockTable).", "",
        *[line(name) for name in runs], "",
        "**What the data path costs.** VerifyEndpoint's verdict per subnet (after the lock, read only) adds "
        + f"{sum(v for k, v in create_calls[-1].items() if k in DATA_PATH_READS)} calls to a run: "
        + ", ".join(sorted(DATA_PATH_READS)) + " (one page each here); the route tables and endpoints it needs are",
        "those the commit read under the lock (or, with nothing to change, read without it), not read again.", "",
        "**The lock only to write** (rule 16 of docs/design.md). A run that finds every route table served as asked",
        "and the standing claim already recording them (the schedule's steady state) takes no lock and writes",
        f"nothing: {sum(steady.values())} calls, "
        + f"{sum(v for k, v in steady.items() if k in LOCK_ACTIONS)} of them to LockTable "
        + "(" + ", ".join(f"{k} {v}" for k, v in sorted(locked_calls(steady).items())) + ", the claims read once), "
        + f"{sum(v for k, v in steady.items() if k.startswith('ec2:') and not k.startswith('ec2:Describe') and not k.startswith('ec2:Get'))}"
        + " EC2 writes. Its route tables are",
        "those ResolveVpc read; CreateEndpoint describes the endpoints. Without the data path's three reads: "
        + f"{sum(v for k, v in steady.items() if k not in DATA_PATH_READS)} (the goal: at most 6).", "",
        "**A creating run in one hold** (rule 17 of docs/design.md; the goal: at most 12 calls, 15 with the data",
        f"path): {max(sum(c.values()) for c in create_calls)}, "
        + f"{max(sum(v for k, v in c.items() if k not in DATA_PATH_READS) for c in create_calls)} without the "
        + "data path's three. Under the lock it reads the claims (the acquire's `GetItem`) and the endpoints; none",
        "lists the VPC's route table and ResolveVpc saw no prefix-list route in it, so the endpoints alone decide;",
        "it asks `ListTables` before writing, creates the endpoint (EC2 answers `available`), reads the route",
        "tables once to prove the routes, and records the standing claim in the same hold: VerifyEndpoint has",
        "nothing to lock for. An endpoint EC2 creates `pending` waits and is verified in a second hold, as before.", "",
        "**What the lock costs.** Every read-decide-write on a VPC's endpoints holds the VPC's lease in LockTable",
        "(`sharing/LeaseLedger`, AWS Labs' dynamodb-lock-client): acquiring it is a consistent `GetItem` and a",
        "conditional `PutItem` (conditioned on the version read), writing the claims one `UpdateItem` (a renewal",
        "of the lease that carries them, conditioned on the holder and its version: rule 15 of docs/design.md),",
        "releasing it one more `UpdateItem`: " + "/".join(f"{v:g}" for v in per_step) + " DynamoDB",
        "calls per locked step when nobody else holds it. A run that writes has 1 locked step when its result",
        "shows at once (CreateEndpoint's reuse-or-create and commit), 2 with cleanup (Cleanup's release), so "
        + f"{sum(locked_calls(create_calls[-1]).values())} DynamoDB calls per run,",
        f"{sum(locked_calls(cleanup_calls[-1]).values())} with cleanup. Each locked step also reads what it decides on "
        "under the lock (`DescribeVpcEndpoints`,",
        "and `DescribeRouteTables` unless the endpoints alone decide), and a step that wrote reads the route tables",
        "once more to prove its writes (what makes a reported success true when reported). A writer that finds the lease held reads it",
        "again every 250 ms (one `GetItem` each) until it is released, for at most 30 s (the 20 s lease and 10 s",
        "more), then its step is retried as `EndpointBusy`; a step that holds the lease longer than 5 s renews it",
        "(one `UpdateItem` per 5 s). "
        + f"{together} identical runs started together on one VPC (one creates, the others reuse, taking turns):",
        f"{sum(locked_calls(contended).values())} DynamoDB lock calls in all ("
        + ", ".join(f"{k} {v}" for k, v in sorted(locked_calls(contended).items()))
        + f"), {sum(locked_calls(contended).values()) / together:.1f} per run "
        + f"against {sum(locked_calls(create_calls[-1]).values())} alone.", "",
    ]


def replace_section(text, heading, lines):
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[:start] + "\n".join(lines) + ("" if end < 0 else text[end:])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warm-calls", type=int, default=20)
    parser.add_argument("--no-write", action="store_true", help="print only; do not rewrite BENCHMARKS.md")
    parser.add_argument("--calls-only", action="store_true",
                        help="only the AWS call budget; rewrites only that section of BENCHMARKS.md")
    parser.add_argument("--startup-only", action="store_true",
                        help="only the cold starts and the deployment artifact; rewrites only those sections")
    args = parser.parse_args()
    if args.calls_only and args.startup_only:
        sys.exit("--calls-only and --startup-only exclude each other")
    for tool in ("moto_server", "aws", "mvn"):
        if not shutil.which(tool):
            sys.exit(f"{tool} not found on PATH")

    jh = java_home()
    log("building (mvn -DskipTests install)...")
    subprocess.run(["mvn", "-B", "-q", "-DskipTests", "install"], cwd=ROOT, env=dict(os.environ, JAVA_HOME=jh),
                   check=True, stdout=sys.stderr)
    java_version = subprocess.run([os.path.join(jh, "bin/java"), "-version"], capture_output=True,
                                  text=True).stderr.splitlines()[0]

    port = free_port()
    moto_log = tempfile.NamedTemporaryFile(prefix="bench-moto-", suffix=".log", delete=False)
    moto_proc, emulator = start_moto(port, moto_log)
    moto = f"http://127.0.0.1:{port}"
    proxy = None
    try:
        wait_http(moto + "/moto-api/")
        proxy = Proxy(jh, moto)
        # One untimed run first: like the build, it leaves the class-data-sharing archive that later runs map.
        workflow(moto, new_vpc(moto))
        if args.startup_only:
            loads = [os.getloadavg()[0]]
            starts = single_vpc_cold_starts(jh, moto, args.warm_calls) + fleet_cold_starts(jh, moto, args.warm_calls)
            loads.append(os.getloadavg()[0])
            sections = [startup_lines(starts, args.warm_calls, loads), artifact_lines(jh)]
            print("\n".join(sections[0] + sections[1]))
            if not args.no_write:
                path = os.path.join(ROOT, "BENCHMARKS.md")
                with open(path) as f:
                    text = f.read()
                for lines in sections:
                    text = replace_section(text, lines[0], lines)
                with open(path, "w") as f:
                    f.write(text)
                log("rewrote the cold starts and the deployment artifact in BENCHMARKS.md")
            return
        create_calls, reuse_calls, cleanup_calls = call_budget(proxy, moto, args.rounds)
        together = 4
        contended = contended_calls(proxy, moto, together)
        budget = call_budget_lines(create_calls, reuse_calls, cleanup_calls, contended, together, emulator)
        if args.calls_only:
            report = "\n".join(budget)
            print(report)
            if not args.no_write:
                path = os.path.join(ROOT, "BENCHMARKS.md")
                with open(path) as f:
                    text = f.read()
                budget.insert(2, f"Measured on {datetime.date.today().isoformat()} by `bench/run.py --calls-only "
                                 f"--rounds {args.rounds}` on {machine()}.")
                budget.insert(3, "")
                with open(path, "w") as f:
                    f.write(replace_section(text, "## AWS calls per run", budget))
                log("rewrote the call budget in BENCHMARKS.md")
            return
        cli_times, flow_times = [], []
        for r in range(args.rounds):
            vpc_cli, vpc_flow = new_vpc(moto), new_vpc(moto)
            order = ["cli", "flow"] if r % 2 == 0 else ["flow", "cli"]
            for which in order:
                if which == "cli":
                    cli_times.append(tutorial_path(proxy.endpoint, vpc_cli))
                else:
                    elapsed, out = workflow(proxy.endpoint, vpc_flow)
                    assert out["created"] is True, out
                    flow_times.append(elapsed)
            log(f"round {r + 1}: tutorial {cli_times[-1]:.2f} s, workflow {flow_times[-1]:.2f} s")

        # Cold starts, against the emulator directly, with realistic inputs for each step.
        loads = [os.getloadavg()[0]]
        starts = single_vpc_cold_starts(jh, moto, args.warm_calls) + fleet_cold_starts(jh, moto, args.warm_calls)
        loads.append(os.getloadavg()[0])
    finally:
        if proxy:
            proxy.close()
        moto_proc.terminate()
        moto_proc.wait(10)

    cli_median, flow_median = statistics.median(cli_times), statistics.median(flow_times)
    today = datetime.date.today().isoformat()

    lines = [
        "# Benchmarks", "",
        f"Measured on {today} by `bench/run.py --rounds {args.rounds}` on {machine()}; {java_version};",
        f"{emulator} on loopback behind the counting proxy. Reproduce with one command: `bench/run.py`.", "",
        "## Tutorial CLI path vs. the workflow", "",
        "Each round uses two fresh VPCs; the two paths alternate which goes first. The tutorial path is its five",
        "AWS CLI commands (list-tables, describe-vpc-endpoint-services, describe-vpcs, create-vpc-endpoint,",
        "list-tables); the workflow is `./run-local --endpoint-url <proxy>` from a cold JVM, validating, creating,",
        "waiting, and verifying routes and ListTables. One untimed run before the rounds writes the JVM's",
        "class-data-sharing archive (`runner/target/run-local.jsa`), as any first use of `./run-local` does.", "",
        "| | median | runs (s) |", "|---|---|---|",
        f"| tutorial CLI path | {cli_median:.2f} s | {', '.join(f'{t:.2f}' for t in cli_times)} |",
        f"| `./run-local` workflow | {flow_median:.2f} s | {', '.join(f'{t:.2f}' for t in flow_times)} |",
        f"| **ratio workflow / tutorial** | **{flow_median / cli_median:.2f}x** | |", "",
    ] + budget + startup_lines(starts, args.warm_calls, loads) + artifact_lines(jh)
    report = "\n".join(lines)
    print(report)
    if not args.no_write:
        path = os.path.join(ROOT, "BENCHMARKS.md")
        with open(path) as f:
            fleet = f.read().partition("\n## Fleet\n")  # bench/fleet.py's section: kept as it is
        with open(path, "w") as f:
            f.write(report + (fleet[1] + fleet[2] if fleet[1] else ""))
        log("wrote BENCHMARKS.md")


if __name__ == "__main__":
    main()
