#!/usr/bin/env bash
# The SMTP listener's throughput and DATA -> 250 latency while the relay delivers; see bench/README.md.
#   bench/listener.sh [N=10000] [SESSIONS=4] [ROUNDS=2]    N messages of ~2 KB over SESSIONS client connections
# Environment: RELAY_HEAP (JVM options of the relay, default "@config/jvm.options"), BENCH_OPTS (JVM options of the
# bench; -Drelay.x=y passes relay.* keys to the relay).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests package
CP=$(mvn -B -q -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout \
  | sed 's/\x1b\[[0-9;]*m//g')
exec java ${BENCH_OPTS:-} -cp "target/test-classes:target/classes:$CP" dev.oauthsmtprelay.bench.ListenerBench \
  "${1:-10000}" "${2:-4}" "${3:-2}" target/oauth-smtp-relay.jar "${RELAY_HEAP:-@config/jvm.options}"
