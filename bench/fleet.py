#!/usr/bin/env python3
"""vpce-pilot fleet benchmark: AWS calls per account-region of a verify, the writes of an apply, and
`./run-local --fleet` against one single-VPC `./run-local` per VPC over the same targets.

Each part gets its own emulator (the project's aws_faithful_moto_server.py on loopback, as `./run-local` starts it)
behind the counting proxy (the test kit's fault proxy with no faults), and 3 accounts x 2 regions: the fleet's
own account 123456789012 and two more reached by sts:AssumeRole (moto maps an assumed role's credentials to the
role's account, so each account-region is its own world with its default VPC). Prints the figures and writes
the "Fleet" section of BENCHMARKS.md. A benchmark, not a test: nothing here fails a build.

    bench/fleet.py [--vpcs N] [--small N] [--large N] [--no-write]
"""
import argparse
import collections
import datetime
import http.client
import http.server
import json
import os
import re
import shutil
import socketserver
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

import boto3
from botocore.config import Config

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402  (the single-VPC benchmark: JDK, proxy, machine, ports)

ROOT = bench.ROOT
HOME = "123456789012"
ACCOUNTS = [HOME, "111111111111", "333333333333"]
REGIONS = ["us-east-1", "eu-west-1"]
MOTO_SCRIPT = os.path.join(ROOT, "runner/src/main/resources/dev/vpcepilot/local/moto/aws_faithful_moto_server.py")
TIMING = "### `./run-local --fleet` against one single-VPC `./run-local` per VPC"
SECTION = "## Fleet"
MUTATING = re.compile(r"^(Create|Delete|Modify|Put|Update|BatchWrite|TransactWrite|Replace|Associate|"
                      r"Disassociate|Attach|Detach|Accept|Reject|Revoke|Authorize|Start|Stop|Terminate|Run)")


def log(msg):
    bench.log(msg)


class Moto:
    """The emulator as `./run-local` starts it (the AWS-faithful patch of moto_server), on a free loopback port."""

    def __init__(self):
        port = bench.free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="bench-fleet-moto-", suffix=".log", delete=False)
        env = dict(os.environ)
        env.pop("MOTO_ACCOUNT_ID", None)  # it would turn off moto's account-per-assumed-role mapping
        self.proc = subprocess.Popen([sys.executable, MOTO_SCRIPT, "-H", "127.0.0.1", "-p", str(port)],
                                     stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        self.endpoint = f"http://127.0.0.1:{port}"
        bench.wait_http(self.endpoint + "/moto-api/")

    def close(self):
        self.proc.terminate()
        self.proc.wait(10)


def client(endpoint, service, region, account):
    """A boto3 client as `account` in `region`: the home account with the dummy keys, another through AssumeRole."""
    keys = dict(aws_access_key_id="testing", aws_secret_access_key="testing")
    if account != HOME:
        sts = boto3.client("sts", endpoint_url=endpoint, region_name=region, **keys)
        creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/bench-setup",
                                RoleSessionName="bench")["Credentials"]
        keys = dict(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                    aws_session_token=creds["SessionToken"])
    return boto3.client(service, endpoint_url=endpoint, region_name=region,
                        config=Config(retries={"max_attempts": 2}), **keys)


def build_world(endpoint, vpcs_per_target, foreign=False):
    """Every account-region gets VPCs up to `vpcs_per_target` (its default VPC counts); every tenth VPC made here
    has a second route table, associated with a subnet, so that a VPC is not always one table; with `foreign`, the
    first of them has someone else's endpoint on its main route table. Returns
    {(account, region): [vpcId, ...]} of every VPC there."""
    world = {}
    for account in ACCOUNTS:
        for region in REGIONS:
            ec2 = client(endpoint, "ec2", region, account)
            have = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]]
            for i in range(len(have), vpcs_per_target):
                vpc = ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")["Vpc"]["VpcId"]
                if i % 10 == 1:
                    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
                    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{i}.1.0/24")["Subnet"]["SubnetId"]
                    ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
                if i == 1 and foreign:
                    # Someone else's endpoint (no vpce-pilot tags) on the main route table: the uncovered group
                    # is the other table.
                    main = [t["RouteTableId"] for t in ec2.describe_route_tables(Filters=[
                        {"Name": "vpc-id", "Values": [vpc]}, {"Name": "association.main", "Values": ["true"]}])[
                        "RouteTables"]]
                    ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{region}.dynamodb",
                                            VpcEndpointType="Gateway", RouteTableIds=main,
                                            TagSpecifications=[{"ResourceType": "vpc-endpoint", "Tags": [
                                                {"Key": "owner", "Value": "someone-else"}]}])
                have.append(vpc)
            world[(account, region)] = sorted(have)
    return world


def route_table_groups(endpoint, world):
    """The route tables of each VPC that no endpoint of DynamoDB serves: one group per VPC with any."""
    groups = 0
    for (account, region), vpcs in world.items():
        ec2 = client(endpoint, "ec2", region, account)
        for vpc in vpcs:
            tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"]
            served = {t for e in ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc]}])[
                "VpcEndpoints"] for t in e.get("RouteTableIds", [])}
            groups += any(t["RouteTableId"] not in served for t in tables)
    return groups


def fleet_input(mode):
    return json.dumps({"accounts": ACCOUNTS, "regions": REGIONS, "mode": mode, "maxConcurrency": 10})


def run_local(*args, env=None):
    """One `./run-local` from a cold JVM; (seconds, parsed stdout)."""
    start = time.perf_counter()
    out = subprocess.run([os.path.join(ROOT, "run-local"), *args], capture_output=True, text=True,
                         env=dict(env or os.environ, VPCE_PILOT_SKIP_BUILD="1"))
    elapsed = time.perf_counter() - start
    if out.returncode != 0:
        raise RuntimeError(f"run-local {' '.join(args)} failed ({out.returncode}): {out.stdout}{out.stderr[-3000:]}")
    return elapsed, json.loads(out.stdout)


def fleet(proxy, mode, report=None):
    args = ["--fleet", "--endpoint-url", proxy.endpoint, "--region", HOME_REGION, "--input-json", fleet_input(mode)]
    if report:
        args += ["--report", report]
    return run_local(*args)


HOME_REGION = "us-east-1"


def split_counts(counts):
    """The proxy's per-action counts, the emulator's own API (moto-api) left out; S3's REST calls, which the proxy
    names by method and path, named by their action (the fleet's bucket: its targets, the Map's results, the
    report)."""
    named = collections.Counter()
    for action, n in counts.get("counts", counts).items():
        if action.startswith("other:"):
            method, _, path = action[len("other:"):].partition(" ")
            if path.startswith("/moto-api"):
                continue
            bucket_only = path.strip("/").count("/") == 0
            action = {"GET": "s3:GetObject", "HEAD": "s3:HeadObject", "DELETE": "s3:DeleteObject",
                      "PUT": "s3:CreateBucket" if bucket_only else "s3:PutObject"}.get(method, f"s3:{method}")
        named[action] += n
    return dict(named)


# What ./run-local makes before a run, as the deployment would (the template's lock table and report bucket):
# counted by the proxy, no part of the run.
DEPLOYMENT = ("dynamodb:CreateTable", "s3:CreateBucket")


def is_mutating(action):
    return MUTATING.match(action.split(":", 1)[1]) is not None


def target_writes(counts):
    """The calls that change something in EC2 or DynamoDB (the targets' VPCs, the lock table)."""
    return {k: v for k, v in counts.items() if k.split(":")[0] in ("ec2", "dynamodb") and is_mutating(k)
            and k not in DEPLOYMENT}


def own_bucket_writes(counts):
    return {k: v for k, v in counts.items() if k.startswith("s3:") and is_mutating(k) and k not in DEPLOYMENT}


class AccountHeaderProxy:
    """Loopback forwarders, one per account, that add moto's `x-moto-account-id` header to every request: a
    single-VPC `./run-local` signs with fixed dummy keys, so this is how each of its runs lands in the account of
    its VPC (as a single-VPC deployment in each account would). They forward to the counting proxy."""

    def __init__(self, target, accounts):
        parsed = urllib.parse.urlparse(target)
        self.servers, self.endpoints = [], {}
        for account in accounts:
            server = _ThreadingServer(("127.0.0.1", 0), _forwarder(parsed.hostname, parsed.port, account))
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.servers.append(server)
            self.endpoints[account] = f"http://127.0.0.1:{server.server_address[1]}"

    def close(self):
        for server in self.servers:
            server.shutdown()
            server.server_close()


class _ThreadingServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def _forwarder(host, port, account):
    local = threading.local()

    class Forward(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _forward(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
            headers["x-moto-account-id"] = account
            for attempt in (1, 2):
                conn = getattr(local, "conn", None)
                if conn is None:
                    conn = local.conn = http.client.HTTPConnection(host, port, timeout=120)
                try:
                    conn.request(self.command, self.path, body=body, headers=headers)
                    response = conn.getresponse()
                    data = response.read()
                    break
                except (http.client.HTTPException, OSError):
                    conn.close()
                    local.conn = None
                    if attempt == 2:
                        raise
            self.send_response_only(response.status, response.reason)
            for k, v in response.getheaders():
                if k.lower() not in ("transfer-encoding", "connection", "content-length", "keep-alive"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _forward

    return Forward


def calls_of_a_verify(jh, vpcs_per_target):
    """Apply on a fleet with no endpoints, then a verify of the now compliant fleet, each counted by the proxy."""
    moto = Moto()
    proxy = None
    try:
        proxy = bench.Proxy(jh, moto.endpoint)
        world = build_world(moto.endpoint, vpcs_per_target, foreign=True)
        groups = route_table_groups(moto.endpoint, world)
        proxy.reset()
        _, applied = fleet(proxy, "apply")
        apply_counts = split_counts(proxy.counts())
        proxy.reset()
        _, verified = fleet(proxy, "verify")
        verify_counts = split_counts(proxy.counts())
        vpcs = sum(map(len, world.values()))
        assert applied["summary"]["created"] == vpcs, applied
        assert verified["summary"]["compliant"] == vpcs, verified
        return dict(vpcs=vpcs_per_target, targets=len(world), groups=groups, applied=applied, verified=verified,
                    apply=apply_counts, verify=verify_counts)
    finally:
        if proxy:
            proxy.close()
        moto.close()


def timed_fleet(jh, vpcs_per_target):
    """One `./run-local --fleet` apply, then one verify, on a fresh world; seconds and counts."""
    moto = Moto()
    proxy = None
    try:
        proxy = bench.Proxy(jh, moto.endpoint)
        world = build_world(moto.endpoint, vpcs_per_target)
        proxy.reset()
        apply_s, applied = fleet(proxy, "apply")
        verify_s, verified = fleet(proxy, "verify")
        assert applied["summary"]["created"] == sum(map(len, world.values())), applied
        assert verified["summary"]["compliant"] == sum(map(len, world.values())), verified
        log(f"fleet: apply {apply_s:.1f} s, verify {verify_s:.1f} s")
        return dict(apply_s=apply_s, verify_s=verify_s, vpcs=sum(map(len, world.values())),
                    calls=sum(split_counts(proxy.counts()).values()))
    finally:
        if proxy:
            proxy.close()
        moto.close()


def timed_single_runs(jh, vpcs_per_target):
    """One single-VPC `./run-local` per VPC, one after another, on a fresh world of the same shape."""
    moto = Moto()
    proxy = headers = None
    try:
        proxy = bench.Proxy(jh, moto.endpoint)
        world = build_world(moto.endpoint, vpcs_per_target)
        headers = AccountHeaderProxy(proxy.endpoint, [a for a in ACCOUNTS if a != HOME])
        proxy.reset()
        times, direct, forwarded = [], [], []
        start = time.perf_counter()
        for (account, region), vpcs in world.items():
            # The fleet's own account is the one the fixed keys reach: its runs go to the proxy directly, which
            # also shows what the forwarder costs the others.
            endpoint = proxy.endpoint if account == HOME else headers.endpoints[account]
            for vpc in vpcs:
                elapsed, out = run_local("--endpoint-url", endpoint, "--region", region,
                                         "--input-json", json.dumps({"vpcId": vpc}))
                assert out.get("created") is True, out
                times.append(elapsed)
                (direct if account == HOME else forwarded).append(elapsed)
            log(f"single-VPC runs: {len(times)} done, {time.perf_counter() - start:.0f} s")
        return dict(total_s=time.perf_counter() - start, runs=times, direct=direct, forwarded=forwarded,
                    calls=sum(split_counts(proxy.counts()).values()))
    finally:
        if headers:
            headers.close()
        if proxy:
            proxy.close()
        moto.close()


def fleet_against_single_runs(jh, vpcs_per_target):
    """The fleet (apply then verify) before and after the single-VPC runs, so that a change in the machine's load
    during the long part weighs on both sides; each on its own fresh emulator."""
    before = timed_fleet(jh, vpcs_per_target)
    single = timed_single_runs(jh, vpcs_per_target)
    after = timed_fleet(jh, vpcs_per_target)
    return dict(fleet=[before, after], single=single)


def per_action(counts, targets):
    return ", ".join(f"{k} {v}" + (f" ({v / targets:g} per account-region)" if k.startswith("ec2:") else "")
                     for k, v in sorted(counts.items()))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vpcs", type=int, default=20, help="VPCs per account-region of the timed comparison")
    parser.add_argument("--small", type=int, default=5, help="VPCs per account-region, first call count")
    parser.add_argument("--large", type=int, default=50, help="VPCs per account-region, second call count")
    parser.add_argument("--skip-timing", action="store_true", help="only the call counts")
    parser.add_argument("--no-write", action="store_true", help="print only; do not rewrite BENCHMARKS.md")
    parser.add_argument("--skip-build", action="store_true", help="use the runner as last built")
    args = parser.parse_args()
    if not shutil.which("mvn"):
        sys.exit("mvn not found on PATH")
    jh = bench.java_home()
    if not args.skip_build:
        log("building (mvn -DskipTests install)...")
        subprocess.run(["mvn", "-B", "-q", "-DskipTests", "install", "-pl", "runner", "-am"], cwd=ROOT,
                       env=dict(os.environ, JAVA_HOME=jh), check=True, stdout=sys.stderr)
    java_version = subprocess.run([os.path.join(jh, "bin/java"), "-version"], capture_output=True,
                                  text=True).stderr.splitlines()[0]
    budgets = []
    for n in (args.small, args.large):
        log(f"call counts, {n} VPCs per account-region...")
        budgets.append(calls_of_a_verify(jh, n))
        log(json.dumps(budgets[-1], default=str)[:2000])
    timing = None if args.skip_timing else fleet_against_single_runs(jh, args.vpcs)
    report = render(args, budgets, timing, java_version)
    print(report)
    if not args.no_write:
        path = os.path.join(ROOT, "BENCHMARKS.md")
        with open(path) as f:
            text = f.read()
        if timing is None:
            # --skip-timing measured the counts only: the timed comparison already in the file stays, as measured.
            kept = text.split("\n" + TIMING + "\n")
            if len(kept) > 1:
                report = report.rstrip("\n") + "\n\n" + TIMING + "\n" + kept[1]
        text = text.split("\n" + SECTION + "\n")[0].rstrip("\n") + "\n\n" + report
        with open(path, "w") as f:
            f.write(text)
        log("wrote the Fleet section of BENCHMARKS.md")


def render(args, budgets, timing, java_version):
    today = datetime.date.today().isoformat()
    lines = [SECTION, "",
             f"Measured on {today} by `bench/fleet.py` on {bench.machine()}; {java_version}; the AWS-faithful",
             "moto_server on loopback behind the counting proxy, one fresh emulator per part. 3 accounts (the fleet's",
             "own and two reached by sts:AssumeRole) x 2 regions (us-east-1, eu-west-1); each account-region's VPCs",
             "are its default VPC and new ones, every tenth new VPC with a second route table.",
             "Reproduce with one command: `bench/fleet.py` (17 minutes here, most of it the 120 single-VPC runs;",
             "`--skip-timing` for the counts only). The machine was shared with other developers' builds and tests",
             "while it ran: the fleet passes before and after the single-VPC runs show how far the load moved.", ""]
    lines += ["### AWS calls of a verify of a compliant fleet", "",
              "After an apply, one `mode: verify` over the 6 account-regions (`./run-local --fleet`), every call",
              "counted by the proxy. EC2's rate limits are per account and region: its calls per account-region",
              "are the figure that must not grow with the VPCs.", "",
              "| VPCs per account-region | VPCs | EC2 calls per account-region | all calls of the verify | "
              "EC2 and DynamoDB writes |", "|---|---|---|---|---|"]
    for b in budgets:
        ec2 = sum(v for k, v in b["verify"].items() if k.startswith("ec2:"))
        run_calls = {k: v for k, v in b["verify"].items() if k not in DEPLOYMENT}
        lines.append(f"| {b['vpcs']} | {b['vpcs'] * b['targets']} | **{ec2 / b['targets']:g}** | "
                     f"{sum(run_calls.values())} | **{sum(target_writes(b['verify']).values())}** |")
    lines.append("")
    for b in budgets:
        run_calls = {k: v for k, v in b["verify"].items() if k not in DEPLOYMENT}
        lines.append(f"- {b['vpcs']} VPCs per account-region: " + per_action(run_calls, b["targets"]))
    lines += ["", "Per account-region: one paginated DescribeVpcs, DescribeRouteTables, DescribeVpcEndpoints,",
              "DescribeSubnets and DescribeNetworkAcls (up to 200 VPC ids per filter) and GetManagedPrefixListEntries",
              "(the service's prefix list, for the subnets' data path); one BatchGetItem of the claims in the fleet",
              "account's lock table (up to 100 keys); one AssumeRole per child in another account (4 of the 6). The",
              "writes to S3 are the fleet's",
              "own bucket (its targets, the Map's results, the report), none in a target account. Not counted as",
              "the run's: `./run-local` makes the template's lock table and bucket before it (" +
              ", ".join(DEPLOYMENT) + ", as the deployment would).", ""]
    lines += ["### Writes of an apply on a fleet with no endpoints", "",
              "The apply that made those fleets compliant (`mode: apply`, no endpoint anywhere before it). A VPC's",
              "uncovered route-table group is its route tables that no endpoint of the service serves: all of",
              "them, except in the one VPC per account-region whose main table someone else's endpoint serves",
              "(there the group is the other table; the foreign endpoint is left as it is).", "",
              "| VPCs per account-region | uncovered route-table groups | ec2:CreateVpcEndpoint | "
              "lock acquires (dynamodb:PutItem) | releases writing the claims (dynamodb:UpdateItem) | "
              "every EC2 and DynamoDB write |", "|---|---|---|---|---|---|"]
    for b in budgets:
        writes = target_writes(b["apply"])
        lines.append(f"| {b['vpcs']} | {b['groups']} | **{writes.get('ec2:CreateVpcEndpoint', 0)}** | "
                     f"{writes.get('dynamodb:PutItem', 0)} | {writes.get('dynamodb:UpdateItem', 0)} | "
                     + ", ".join(f"{k} {v}" for k, v in sorted(writes.items())) + " |")
    lines += ["", "Each VPC is held twice under its lock (one item per VPC of the lock table: the lock and its",
              "claims): ApplyTarget's reuse-or-create records this execution's run claim, CommitTarget's",
              "verification turns it into the standing claim. Each hold is GetItem, a conditional PutItem that",
              "takes the lock at the version read, an UpdateItem that writes the claims as a renewal of the lease",
              "(conditioned on the holder and its version: rule 15 of docs/design.md) and one that releases it (a",
              "hold that lasts over 5 s also renews its lease with an UpdateItem: "
              + ("none did" if all(target_writes(b["apply"]).get("dynamodb:UpdateItem", 0)
                                   == 4 * b["vpcs"] * b["targets"] for b in budgets) else "some did") + ").",
              "S3 writes (the fleet's own bucket): "
              + ", ".join(f"{k} {v}" for k, v in sorted(own_bucket_writes(budgets[-1]["apply"]).items())) + ".", ""]
    if timing:
        passes, single = timing["fleet"], timing["single"]
        fleet_s = sum(p["apply_s"] + p["verify_s"] for p in passes) / len(passes)
        runs = sorted(single["runs"])
        lines += [TIMING, "",
                  f"{args.vpcs} VPCs in each of the 6 account-regions ({passes[0]['vpcs']} VPCs), no endpoint. The",
                  "fleet: one `./run-local --fleet` apply, then one verify, each a cold JVM (`maxConcurrency` 10),",
                  "once before and once after the single-VPC runs (each pass on a fresh emulator; their mean is",
                  f"compared). The single-VPC path: {len(runs)} `./run-local --input-json '{{\"vpcId\": ...}}'` runs",
                  "one after another on a fresh emulator of the same shape, each a cold JVM that creates and verifies",
                  "its VPC's endpoint in the VPC's own account. The single-VPC runner signs with fixed keys, which",
                  "moto gives the fleet's own account: the runs in the other two accounts go through a loopback",
                  "forwarder that adds moto's `x-moto-account-id` header (as a deployment per account would, each",
                  "account keeps its own lock table). Median run: "
                  f"{statistics.median(single['direct']):.2f} s direct, "
                  f"{statistics.median(single['forwarded']):.2f} s through the forwarder.", "",
                  "| | wall time | AWS calls |", "|---|---|---|"]
        for name, p in zip(("before", "after"), passes):
            lines.append(f"| fleet {name}: apply + verify | {p['apply_s']:.1f} s + {p['verify_s']:.1f} s = "
                         f"{p['apply_s'] + p['verify_s']:.1f} s | {p['calls']} |")
        lines += [f"| **fleet, mean** | **{fleet_s:.1f} s** | |",
                  f"| {len(runs)} single-VPC runs | **{single['total_s']:.1f} s** (median run "
                  f"{runs[len(runs) // 2]:.2f} s, min {runs[0]:.2f} s, max {runs[-1]:.2f} s) | {single['calls']} |",
                  f"| **ratio fleet / single-VPC runs** | **{fleet_s / single['total_s']:.3f}x** (goal <= 0.1x) | |",
                  ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
