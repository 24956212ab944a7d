#!/usr/bin/env bash
# Relay throughput against the wire's ceiling; see bench/README.md.
#   bench/run.sh [N=10000] [S=5] [CONCURRENCY=8] [ROUNDS=2]   N messages of ~2 KB from S sender mailboxes,
#                                                    ROUNDS times through the same relay process (round 1 cold, then JIT-warm)
#   bench/run.sh large [MB=30] [COUNT=1]             COUNT large messages at once
#   bench/run.sh idle [SECONDS=60]                   the relay with nothing to send: CPU, RSS, threads
#   bench/run.sh postfix [N=10000] [S=5] [CONCURRENCY=8]  the relay and a private Postfix instance on the same job;
#                                                    installs Debian's postfix package when missing (no system instance
#                                                    is configured or started); needs root, as Postfix's master does
# Environment: RELAY_LAUNCH (launcher, the default: the distribution's bin/oauth-smtp-relay, unpacked into
# target/bench-dist, which applies config/jvm.options as in production; jar: plain java -jar target/oauth-smtp-relay.jar),
# RELAY_HEAP (more JVM options of the relay: with the launcher they go into RELAY_JAVA_OPTS after jvm.options; with
# jar they are all there is, default none, i.e. the JVM's defaults; e.g. "@config/jvm.options" or "-Xmx256m"),
# BENCH_OPTS (JVM options of the bench, e.g. -Drelay.spool.min-age=0 to pass relay.* keys to the relay),
# BENCH_PROVIDER (microsoft: one application token for all mailboxes, the default; google: one token per mailbox),
# BENCH_HUB_LATENCY_MS (the hub waits this long before every reply, like a hub across a network; default 0).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "postfix" && "${CI:-}" == "true" ]]; then
  echo "bench/run.sh postfix is a benchmark that installs a package; it does not run in CI" >&2; exit 2
fi
if [[ "${1:-}" == "postfix" && $(id -u) -ne 0 ]]; then
  echo "bench/run.sh postfix needs root: it installs postfix when missing, and Postfix's master runs as root" >&2; exit 2
fi
if [[ "${1:-}" == "postfix" && ! -x /usr/sbin/postfix ]]; then
  # "No configuration": the package installs the programs only, no /etc/postfix/main.cf and no running instance
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postfix >/dev/null
fi
mvn -B -q -DskipTests package
CP=$(mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)
case "${RELAY_LAUNCH:-launcher}" in
  launcher)
    rm -rf target/bench-dist && mkdir -p target/bench-dist
    VERSION=$(sed -n 's/^version=//p' target/classes/dev/oauthsmtprelay/config/relay-version.properties)
    tar xzf "target/oauth-smtp-relay-$VERSION.tar.gz" -C target/bench-dist
    JAR="$PWD/target/bench-dist/oauth-smtp-relay-$VERSION/bin/oauth-smtp-relay" ;;
  jar) JAR=target/oauth-smtp-relay.jar ;;
  *) echo "RELAY_LAUNCH is '${RELAY_LAUNCH}': use launcher or jar" >&2; exit 2 ;;
esac
MAIN=dev.oauthsmtprelay.bench.RelayBench
if [[ "${1:-}" == "idle" ]]; then
  exec java ${BENCH_OPTS:-} -Dbench.provider="${BENCH_PROVIDER:-microsoft}" -cp "target/test-classes:target/classes:$CP" $MAIN idle "${2:-60}" "$JAR" "${RELAY_HEAP:-}"
fi
if [[ "${1:-}" == "postfix" ]]; then
  exec java ${BENCH_OPTS:-} -Dbench.provider="${BENCH_PROVIDER:-microsoft}" -Dbench.hub-latency-ms="${BENCH_HUB_LATENCY_MS:-0}" -cp "target/test-classes:target/classes:$CP" $MAIN postfix "${2:-10000}" "${3:-5}" "${4:-8}" "$JAR" "${RELAY_HEAP:-}"
fi
if [[ "${1:-}" == "large" ]]; then
  exec java ${BENCH_OPTS:-} -Dbench.provider="${BENCH_PROVIDER:-microsoft}" -Dbench.hub-latency-ms="${BENCH_HUB_LATENCY_MS:-0}" -cp "target/test-classes:target/classes:$CP" $MAIN large "${2:-30}" "${3:-1}" "$JAR" "${RELAY_HEAP:-}"
fi
exec java ${BENCH_OPTS:-} -Dbench.provider="${BENCH_PROVIDER:-microsoft}" -Dbench.hub-latency-ms="${BENCH_HUB_LATENCY_MS:-0}" -cp "target/test-classes:target/classes:$CP" $MAIN throughput "${1:-10000}" "${2:-5}" "${3:-8}" "${4:-2}" "$JAR" "${RELAY_HEAP:-}"
