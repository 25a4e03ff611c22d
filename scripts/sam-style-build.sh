#!/usr/bin/env bash
# Builds functions/ ALONE, the way `sam build` builds a Java Maven function, into OUTDIR:
#
#   scripts/sam-style-build.sh OUTDIR
#
# What `sam build` does (aws-lambda-builders 1.63, workflows/java_maven: CopySourceAction, then maven.py and
# actions.py), step by step:
#   1. copy the CodeUri directory (functions/) to a scratch directory, so that nothing of the parent project (its
#      pom, the other modules, their target/ directories) can take part in the build;
#   2. `mvn clean install` in the scratch directory (no -DskipTests: the unit tests of functions/src/test run, and
#      fail the build, as in `sam build`);
#   3. `mvn dependency:copy-dependencies -DincludeScope=runtime -Dmdep.prependGroupId=true` there;
#   4. the artifact: target/classes at its root, target/dependency/*.jar under lib/.
# The artifact is exactly what the Lambda Java runtime finds in LAMBDA_TASK_ROOT: it loads classes from the root
# and from every lib/*.jar (aws-lambda-java-runtime-interface-client, CustomerClassLoader).
#
# Fast when nothing changed: OUTDIR/.source-digest holds a digest of functions/ (pom.xml and src/); the build is
# skipped when it matches. Maven uses the local repository of MAVEN_OPTS (-Dmaven.repo.local), as sam would use
# the user's. Build output goes to stderr; on success the script prints OUTDIR on stdout.
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: scripts/sam-style-build.sh OUTDIR" >&2
  exit 2
fi
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
out="$(mkdir -p "$1" && cd "$1" && pwd)"
functions="$root/functions"

. "$root/scripts/select-jdk.sh"
vpce_select_jdk || { echo "No JDK >= 21 found (JAVA_HOME, /usr/lib/jvm/*, PATH)" >&2; exit 2; }
command -v mvn >/dev/null 2>&1 || { echo "Maven (mvn) is needed: install Maven 3.8+" >&2; exit 2; }

# Every file of functions/ that takes part in the build, by content (not by time stamp: a checkout or a copy
# changes times without changing anything).
digest=$(cd "$functions" && find pom.xml src -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum)
digest=${digest%% *}
if [ -f "$out/.source-digest" ] && [ "$(cat "$out/.source-digest")" = "$digest" ] && [ -d "$out/lib" ]; then
  echo "[sam-style-build] $out is up to date" >&2
  echo "$out"
  exit 0
fi

# One build at a time into one OUTDIR (tests and ./run-local may ask at once); the waiter rechecks the digest.
exec 9>"$out.lock"
if command -v flock >/dev/null 2>&1; then
  flock 9
fi
if [ -f "$out/.source-digest" ] && [ "$(cat "$out/.source-digest")" = "$digest" ] && [ -d "$out/lib" ]; then
  echo "$out"
  exit 0
fi

scratch="$(mktemp -d "${TMPDIR:-/tmp}/vpce-pilot-sam-build.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
started=$(date +%s.%N)
# Step 1: the CodeUri alone (sam excludes .aws-sam and .git; target/ would only be cleaned away by step 2).
(cd "$functions" && tar --exclude=./target --exclude=./.aws-sam --exclude=./.git -cf - .) | (cd "$scratch" && tar -xf -)
echo "[sam-style-build] mvn clean install in a copy of functions/ ($scratch)" >&2
(cd "$scratch" && mvn -B -q -ntp clean install) >&2
echo "[sam-style-build] mvn dependency:copy-dependencies -DincludeScope=runtime" >&2
(cd "$scratch" && mvn -B -q -ntp dependency:copy-dependencies -DincludeScope=runtime -Dmdep.prependGroupId=true) >&2

# Step 4, into a fresh directory that replaces OUTDIR's content only when complete.
staged="$out.staging"
rm -rf "$staged"
mkdir -p "$staged/lib"
cp -R "$scratch/target/classes/." "$staged/"
cp "$scratch"/target/dependency/*.jar "$staged/lib/"
echo "$digest" >"$staged/.source-digest"
find "$out" -mindepth 1 -delete
cp -R "$staged/." "$out/"
rm -rf "$staged"
echo "[sam-style-build] $out built in $(echo "$(date +%s.%N) - $started" | bc) s" >&2
echo "$out"
