# Shared helpers for the scripts in this folder. Source it: . "$(dirname "$0")/lib/common.sh"
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Prints the major version of the JDK at $1 (a JAVA_HOME), or nothing when it is not a JDK.
jdk_major() {
  local home="$1"
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
  local line
  line="$("$home/bin/java" -XshowSettings:properties -version 2>&1 | grep -m1 'java.specification.version' || true)"
  line="${line##*= }"
  case "$line" in 1.*) echo "${line#1.}" ;; *) echo "$line" ;; esac
}

# Finds a JDK >= 21: JAVA_HOME first, then /usr/lib/jvm/*; exports JAVA_HOME and PATH or stops with a clear message.
require_jdk21() {
  local candidates=() home major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for home in /usr/lib/jvm/*; do [ -d "$home" ] && candidates+=("$home"); done
  for home in "${candidates[@]}"; do
    major="$(jdk_major "$home")"
    if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$home"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "error: no JDK 21 or newer found (looked at JAVA_HOME=${JAVA_HOME:-<unset>} and /usr/lib/jvm/*)." >&2
  echo "       Install one (for example: apt-get install -y openjdk-21-jdk-headless, or Temurin 21+)" >&2
  echo "       or point JAVA_HOME at it, then run this command again." >&2
  exit 1
}

require_maven() {
  command -v mvn >/dev/null 2>&1 || { echo "error: Maven (mvn) not found; install it (apt-get install -y maven)." >&2; exit 1; }
}

# Chromium for Playwright: Playwright cannot download browsers here, so we use Debian's package.
require_chromium() {
  export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
  if [ -n "${GW_CHROMIUM_PATH:-}" ] && [ -x "$GW_CHROMIUM_PATH" ]; then return 0; fi
  # Debian's Chromium headless shell: a third of the full browser's CPU per session start (see README).
  # The binary itself: the /usr/bin wrapper script does not exec, which would hide the browser's process.
  local shell=/usr/lib/chromium/chromium-headless-shell
  if [ -x "$shell" ]; then export GW_CHROMIUM_PATH="$shell"; return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Chromium is missing: installing Debian's chromium-headless-shell package..." >&2
    if (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell >/dev/null) \
        && [ -x "$shell" ]; then
      export GW_CHROMIUM_PATH="$shell"
      return 0
    fi
    echo "warning: could not install chromium-headless-shell; trying the full chromium package" >&2
  fi
  if [ -x /usr/bin/chromium ]; then export GW_CHROMIUM_PATH=/usr/bin/chromium; return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || { echo "error: apt-get could not install chromium-headless-shell nor chromium." >&2; exit 1; }
    export GW_CHROMIUM_PATH=/usr/bin/chromium
    return 0
  fi
  echo "error: Chromium not found ($shell or /usr/bin/chromium) and this is not root, so it cannot be installed here." >&2
  echo "       Run: sudo apt-get install -y chromium-headless-shell   (or set GW_CHROMIUM_PATH to a Chromium binary)" >&2
  exit 1
}

# Compiles module $1 (and the modules it depends on, main and test code) and prints its test-scope classpath.
module_classpath() {
  local module="$1" out="$ROOT/$1/target/run-classpath.txt"
  (cd "$ROOT" && mvn -B -q -pl "$module" -am test-compile dependency:build-classpath \
      -Dmdep.outputFile="$out" -Dmdep.includeScope=test) >&2
  echo "$ROOT/$module/target/test-classes:$ROOT/$module/target/classes:$(cat "$out")"
}

# Builds the node's jar (and the modules it needs) only when it is missing or a source, resource or pom
# changed since: a restarted node listens in seconds instead of waiting for Maven.
build_node_jar() {
  local jar="$ROOT/gateway-node/target/gateway-node.jar"
  if [ -f "$jar" ] && [ -z "$(find "$ROOT" -maxdepth 1 -name pom.xml -newer "$jar" -print -quit)" ] \
      && [ -z "$(find "$ROOT"/session-store "$ROOT"/router "$ROOT"/gateway-node "$ROOT"/wa-simulator \
                 \( -path '*/src/main/*' -o -name pom.xml -o -name jvm.options \) -newer "$jar" -print -quit)" ]; then
    return 0
  fi
  echo "building the node (sources changed since the last build)..." >&2
  (cd "$ROOT" && mvn -B -q -ntp -DskipTests -pl gateway-node -am package) >&2
}
