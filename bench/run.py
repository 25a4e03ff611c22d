#!/usr/bin/env python3
"""vpce-pilot benchmark: the tutorial's CLI path against the workflow, AWS call budget, cold starts, artifact size.

One run, one moto_server on loopback (through aws_faithful_moto_server.py when the python3 on the PATH imports moto,
as ./run-local and the tests start it), a counting proxy (the test kit's fault proxy with no faults) in front of
it. Prints the figures and writes BENCHMARKS.md. A benchmark, not a test: nothing here fails a build.

    bench/run.py [--rounds N] [--warm-calls N] [--no-write] [--calls-only]

--calls-only measures only the AWS call budget (and rewrites only that section of BENCHMARKS.md).
"""
import argparse
import datetime
import glob
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REGION = "us-east-1"
SERVICE = f"com.amazonaws.{REGION}.dynamodb"
# The flags the Lambda Java runtime starts the JVM with (plus the tiered-compilation setting of template.yaml).
LAMBDA_JVM_FLAGS = ["-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"]
HANDLERS = ["CheckServiceAvailabilityHandler", "ResolveVpcHandler", "CreateEndpointHandler",
            "GetEndpointStatusHandler", "VerifyEndpointHandler", "CleanupHandler", "ReleaseHandler", "RollbackHandler"]
PATCH = os.path.join(ROOT, "runner/src/main/resources/dev/vpcepilot/local/moto/aws_faithful_moto_server.py")
# ./run-local creates the template's tables in the emulator as it starts (LocalWorkflow.provision: the local stand-in
# for the deployment, which creates LockTable once): not a call a run makes on AWS, so not in the budget.
PROVISIONING = {"dynamodb:CreateTable"}
# The lock's calls: the scope's lease and claims are one item of LockTable (sharing/LeaseLedger).
LOCK_ACTIONS = {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"}
EXECUTION = f"arn:aws:states:{REGION}:123456789012:execution:EndpointStateMachine:bench"
# The call budget this script measured before the lock (BENCHMARKS.md of 2026-11-27, commit 2483dec).
BEFORE_THE_LOCK = {"creating run": 8, "reusing run": 5}


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
    out = subprocess.run([os.path.join(jh, "bin/java"), *LAMBDA_JVM_FLAGS, "-cp", testkit_class_path(),
                          "dev.vpcepilot.testkit.bench.HandlerColdStart", "dev.vpcepilot.handlers." + handler,
                          json.dumps(payload), endpoint, REGION, str(warm_calls), os.path.join(ROOT, "template.yaml")],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"cold start of {handler} failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def artifact_size(jh):
    """What `sam build` lays out for a Java/Maven function (its classes plus lib/*.jar) and the zip of it that
    `sam deploy` uploads."""
    env = dict(os.environ, JAVA_HOME=jh)
    classes_dir = os.path.join(ROOT, "functions/target/classes")
    with tempfile.TemporaryDirectory() as lib:
        subprocess.run(["mvn", "-B", "-q", "-o", "dependency:copy-dependencies", "-DincludeScope=runtime",
                        f"-DoutputDirectory={lib}"], cwd=os.path.join(ROOT, "functions"), env=env, check=True,
                       stdout=subprocess.DEVNULL)
        jar_paths = glob.glob(os.path.join(lib, "*.jar"))
        jars = sum(os.path.getsize(p) for p in jar_paths)
        classes = 0
        with tempfile.NamedTemporaryFile(suffix=".zip") as archive:
            with zipfile.ZipFile(archive.name, "w", zipfile.ZIP_DEFLATED) as z:
                for dirpath, _, files in os.walk(classes_dir):
                    for f in files:
                        path = os.path.join(dirpath, f)
                        classes += os.path.getsize(path)
                        z.write(path, os.path.relpath(path, classes_dir))
                for path in jar_paths:
                    z.write(path, "lib/" + os.path.basename(path))
            zipped = os.path.getsize(archive.name)
    return classes, jars, len(jar_paths), zipped


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
    """Per round, the calls of a creating run, a reusing run (the same VPC again) and a creating run with cleanup
    (a fresh VPC), each alone against the emulator."""
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
        log(f"calls, round {r + 1}: creating {sum(create_calls[-1].values())}, reusing "
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
    runs = {"creating run": create_calls, "reusing run": reuse_calls, "creating run with cleanup": cleanup_calls}
    steps = {"creating run": 2, "reusing run": 2, "creating run with cleanup": 3}

    def line(name):
        most = max(sum(c.values()) for c in runs[name])
        lock = sum(locked_calls(runs[name][-1]).values())
        ec2 = sum(v for k, v in runs[name][-1].items() if k.startswith("ec2:"))
        before = BEFORE_THE_LOCK.get(name)
        return (f"- {name}: **{most}** calls ({lock} for the lock, {ec2} EC2"
                + (f"; {before} before the lock" if before else "") + "): "
                + ", ".join(f"{k} {v}" for k, v in sorted(runs[name][-1].items())))

    per_step = sorted({sum(locked_calls(runs[name][-1]).values()) / steps[name] for name in runs})
    return [
        "## AWS calls per run (counted by the proxy)", "",
        f"Each run alone, {len(create_calls)} rounds, {emulator}; the most calls any round made. Not counted:",
        "the `dynamodb:CreateTable` each `./run-local` makes as it starts (the local stand-in for the deployment",
        "creating the template's LockTable).", "",
        *[line(name) for name in runs], "",
        "**What the data path costs.** VerifyEndpoint's verdict per subnet (after the lock, read only) adds "
        + f"{sum(v for k, v in create_calls[-1].items() if k in DATA_PATH_READS)} calls to a run: "
        + ", ".join(sorted(DATA_PATH_READS)) + " (one page each here); the route tables and endpoints it needs are",
        "those the commit read under the lock, not read again.", "",
        "**What the lock costs.** Every read-decide-write on a VPC's endpoints holds the VPC's lease in LockTable",
        "(`sharing/LeaseLedger`, AWS Labs' dynamodb-lock-client): acquiring it is a consistent `GetItem` and a",
        "conditional `PutItem` (conditioned on the version read), writing the claims one `UpdateItem` (a renewal",
        "of the lease that carries them, conditioned on the holder and its version: rule 15 of docs/design.md),",
        "releasing it one more `UpdateItem`: " + "/".join(f"{v:g}" for v in per_step) + " DynamoDB",
        "calls per locked step when nobody else holds it. A run has 2 locked steps (CreateEndpoint's reuse-or-create,",
        "VerifyEndpoint's commit), 3 with cleanup (Cleanup's release), so "
        + f"{sum(locked_calls(create_calls[-1]).values())} DynamoDB calls per run,",
        f"{sum(locked_calls(cleanup_calls[-1]).values())} with cleanup. Each locked step also reads what it decides on "
        "under the lock (`DescribeVpcEndpoints`,",
        "`DescribeRouteTables`): that is the rest of the difference to the budget before the lock (the commit's",
        "re-read is what makes a reported success true when reported). A writer that finds the lease held reads it",
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
    args = parser.parse_args()
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
        vpc = new_vpc(moto)
        rtb = aws(moto, "ec2", "describe-route-tables", "--filters", f"Name=vpc-id,Values={vpc}")["RouteTables"][0]["RouteTableId"]
        _, made = workflow(moto, vpc)
        serving = {"vpcEndpointId": made["vpcEndpointId"], "state": "available", "created": False, "owned": True,
                   "endpoints": [{"vpcEndpointId": made["vpcEndpointId"], "owned": True, "held": True,
                                  "created": False, "state": "available", "routeTableIds": [rtb],
                                  "createdAt": None}],
                   "previousPolicies": {}, "previousTags": {}, "waitAttempts": 0}
        step = {"serviceName": SERVICE, "vpcId": vpc, "executionId": EXECUTION}
        payloads = {
            "CheckServiceAvailabilityHandler": {"vpcId": vpc},
            "ResolveVpcHandler": {"vpcId": vpc, "routeTableIds": None},
            "CreateEndpointHandler": dict(step, routeTableIds=[rtb], policyDocument=None, tags={}, cleanup=False,
                                          customResource=None),
            "GetEndpointStatusHandler": serving,
            "VerifyEndpointHandler": dict(step, routeTableIds=[rtb], cleanup=False, customResource=None),
            "CleanupHandler": dict(step, endpoint=serving),
            # the last: its first call releases the standing endpoint the others used
            "ReleaseHandler": dict(step, routeTableIds=[rtb]),
            "RollbackHandler": {"execution": EXECUTION, "error": {"Error": "States.Timeout", "Cause": "bench"}},
        }
        starts = [cold_start(jh, h, payloads[h], moto, args.warm_calls) for h in HANDLERS]
    finally:
        if proxy:
            proxy.close()
        moto_proc.terminate()
        moto_proc.wait(10)

    classes, jars, jar_count, zipped = artifact_size(jh)
    cli_median, flow_median = statistics.median(cli_times), statistics.median(flow_times)
    mib = 2 ** 20
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
    ] + budget + [
        "## Handler cold start and warm latency", "",
        f"Fresh JVM per handler with Lambda's flags (`{' '.join(LAMBDA_JVM_FLAGS)}`), SDK clients pointed at",
        "moto_server, built as the local runner builds them (the template's environment, e.g. LockTable); cold start =",
        "JVM start to the first response (without SnapStart, which restores from a snapshot taken after priming);",
        f"warm = median of {args.warm_calls} further calls (the locking steps' include their lock's DynamoDB calls).", "",
        "| handler | JVM start to handler ready | cold start (first response) | warm median |", "|---|---|---|---|",
    ]
    for s in starts:
        lines.append(f"| {s['handler']} | {s['initMs']} ms | {s['coldStartMs']} ms | {s['warmMedianMs']:.1f} ms |")
    lines += ["", "## Deployment artifact", "",
              "What `sam build` lays out per function (`functions/target/classes` plus `lib/*.jar` of the runtime",
              "dependencies), and the zip of it that `sam deploy` uploads (Lambda's own limits are on that zip,",
              "50 MB, and on the unzipped size, 250 MB):", "",
              "| | size |", "|---|---|",
              f"| classes (incl. the SDK clients generated from trimmed models) | {classes / mib:.2f} MiB |",
              f"| {jar_count} runtime jars | {jars / mib:.2f} MiB |",
              f"| unzipped total | {(classes + jars) / mib:.2f} MiB |",
              f"| **deployment package (zip)** | **{zipped / mib:.2f} MiB** |", ""]
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
