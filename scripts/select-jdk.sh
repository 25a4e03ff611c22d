# Sourced by ./test, ./run-local and .ci/run: exports JAVA_HOME as a JDK >= 21 (the build uses --release 21).
# Order: $JAVA_HOME if it is new enough, then /usr/lib/jvm/*, then the java on PATH. Returns 1 if none is found.
vpce_java_major() { # the JDK's release file when it has one (no JVM start), else ask the JVM
  local version=""
  [ -r "$1/release" ] && version=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$1/release")
  [ -n "$version" ] || version=$("$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java.specification.version = //p')
  version=${version#1.}
  echo "${version%%[.+-]*}"
}

vpce_select_jdk() {
  local home major
  for home in "${JAVA_HOME:-}" /usr/lib/jvm/* \
      "$(dirname "$(dirname "$(readlink -f "$(command -v javac 2>/dev/null || echo /nonexistent)")")")"; do
    [ -n "$home" ] && [ -x "$home/bin/javac" ] || continue
    major=$(vpce_java_major "$home")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      export JAVA_HOME="$home" PATH="$home/bin:$PATH"
      return 0
    fi
  done
  return 1
}
